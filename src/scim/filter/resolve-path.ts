import { attr, type AttributeDef } from '../schemas/attribute-def.ts';
import { findAttribute, findSubAttribute, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { scimErrors, type ScimError } from '../scim-error.ts';
import type { AttrPath, CompareOp, FilterValue } from './filter-ast.ts';

/** Where a path is used: decides the error type (`invalidFilter` or `invalidPath`) and what is allowed. */
export type PathContext = 'filter' | 'patch' | 'sort';

export interface ResolvedAttrPath {
  /** The extension URN (canonical case) holding the attribute, or undefined for core and common attributes. */
  readonly extension: string | undefined;
  readonly def: AttributeDef;
  readonly sub?: AttributeDef;
  /** Names in the schema's case: the keys the resource JSON is stored with. */
  readonly canonical: { readonly attr: string; readonly subAttr?: string };
}

export interface ResolvedElementPath {
  /** The sub-attribute; for a multi-valued attribute without sub-attributes, the element itself. */
  readonly def: AttributeDef;
  /** The sub-attribute's canonical name, or undefined when the path names the element itself. */
  readonly key: string | undefined;
}

/**
 * RFC 7643 §3: every resource carries `schemas`, outside any schema's attribute list; RFC 7644
 * §3.4.2.2 filters on it (`schemas eq "urn:...:enterprise:2.0:User"`).
 */
export const schemasAttribute: AttributeDef = attr('schemas', 'reference', {
  multiValued: true,
  required: true,
  description: 'The schema URIs the resource conforms to.',
});

/** Formats a path as written, for error details. */
export function formatAttrPath(path: AttrPath): string {
  return `${path.schema !== undefined ? `${path.schema}:` : ''}${path.attr}${path.subAttr !== undefined ? `.${path.subAttr}` : ''}`;
}

function failFor(context: PathContext): (detail: string) => ScimError {
  return context === 'patch' ? scimErrors.invalidPath : scimErrors.invalidFilter;
}

/**
 * Resolves `[urn:]attr[.subAttr]` against a resource type's schemas, ignoring case (RFC 7644 §3.10),
 * and returns the canonical names the stored JSON uses.
 */
export function resolveAttrPath(type: ResourceTypeDef, path: AttrPath, context: PathContext): ResolvedAttrPath {
  const fail = failFor(context);
  const written = formatAttrPath(path);
  const isCore = path.schema === undefined || path.schema.toLowerCase() === type.schema.id.toLowerCase();
  const found =
    isCore && path.attr.toLowerCase() === 'schemas'
      ? { extension: undefined, def: schemasAttribute }
      : findAttribute(type, path.schema, path.attr);
  if (!found) throw fail(`Unknown attribute '${written}' for resource type ${type.name}`);
  const { def, extension } = found;
  // RFC 7643 §7: a `returned: never` attribute (password) must not leak through a filter or a sort order.
  if (context !== 'patch' && def.returned === 'never') {
    throw fail(`Attribute '${def.name}' cannot be used in a ${context}`);
  }
  if (path.subAttr === undefined) return { extension, def, canonical: { attr: def.name } };
  if (def.type !== 'complex' || !def.subAttributes) {
    throw fail(`Attribute '${def.name}' is not complex and has no sub-attribute '${path.subAttr}' (in '${written}')`);
  }
  const sub = findSubAttribute(def, path.subAttr);
  if (!sub) throw fail(`Unknown sub-attribute '${path.subAttr}' of '${def.name}' (in '${written}')`);
  if (context !== 'patch' && sub.returned === 'never') {
    throw fail(`Attribute '${def.name}.${sub.name}' cannot be used in a ${context}`);
  }
  return { extension, def, sub, canonical: { attr: def.name, subAttr: sub.name } };
}

/**
 * A path inside a value filter (`emails[type eq "work"]`): relative to the elements of the
 * multi-valued attribute `parent`, so it names one sub-attribute and carries no URN.
 */
export function resolveElementPath(parent: AttributeDef, path: AttrPath, context: PathContext = 'filter'): ResolvedElementPath {
  const fail = failFor(context);
  const written = formatAttrPath(path);
  if (path.schema !== undefined || path.subAttr !== undefined) {
    throw fail(`Inside the value filter of '${parent.name}', '${written}' must be a sub-attribute name of '${parent.name}'`);
  }
  if (!parent.subAttributes) {
    // A simple multi-valued attribute (`schemas`) has no sub-attributes; `value` names the element itself.
    if (path.attr.toLowerCase() === 'value') return { def: { ...parent, multiValued: false }, key: undefined };
    throw fail(`Inside the value filter of '${parent.name}', only 'value' can be used; found '${written}'`);
  }
  const sub = findSubAttribute(parent, path.attr);
  if (!sub) throw fail(`Unknown sub-attribute '${written}' of '${parent.name}' in value filter`);
  return { def: sub, key: sub.name };
}

/**
 * RFC 7644 §3.4.2.2: a complex attribute compared without a sub-attribute means its `value`
 * (`emails co "example.com"` is `emails.value co "example.com"`). Complex attributes without `value`
 * (`name`) must name a sub-attribute.
 */
export function withImpliedValue(resolved: ResolvedAttrPath, context: PathContext): ResolvedAttrPath {
  if (resolved.sub !== undefined || resolved.def.type !== 'complex') return resolved;
  const value = findSubAttribute(resolved.def, 'value');
  if (!value) {
    const subs = (resolved.def.subAttributes ?? []).map((s) => `${resolved.def.name}.${s.name}`).join(', ');
    throw failFor(context)(`Attribute '${resolved.def.name}' is complex: name one of its sub-attributes (${subs})`);
  }
  return { ...resolved, sub: value, canonical: { attr: resolved.def.name, subAttr: value.name } };
}

/** Operators RFC 7644 §3.4.2.2 defines per attribute type. */
const ORDERING_OPS: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set(['co', 'sw', 'ew']);
const XSD_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ].*)?$/;

/**
 * Coerces a filter's comparison value to the attribute's type, or throws 400 `invalidFilter` when
 * the pair makes no sense (RFC 7644 §3.4.2.2: `gt` on a boolean, a string for an integer...).
 * - booleans: Entra sends quoted booleans (`primary eq "True"`), read as booleans.
 * - dateTime: normalised to `new Date(v).toISOString()`, the form timestamps are stored in; `co`,
 *   `sw` and `ew` keep the text as written.
 * - strings: a number or boolean literal (`externalId eq 12345`) is compared as its text.
 * `null` is only meaningful with `eq` (absent) and `ne` (present).
 */
export function coerceFilterValue(def: AttributeDef, op: CompareOp, value: FilterValue, name: string): FilterValue {
  const fail = scimErrors.invalidFilter;
  if (value === null) {
    if (op === 'eq' || op === 'ne') return null;
    throw fail(`Operator '${op}' cannot compare '${name}' with null`);
  }
  switch (def.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') throw fail(`Operator '${op}' is not defined for the boolean attribute '${name}'`);
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw fail(`Attribute '${name}' is boolean: expected true or false, found ${JSON.stringify(value)}`);
    }
    case 'integer':
    case 'decimal': {
      if (SUBSTRING_OPS.has(op)) throw fail(`Operator '${op}' is not defined for the numeric attribute '${name}'`);
      if (typeof value === 'number' && (def.type === 'decimal' || Number.isInteger(value))) return value;
      throw fail(`Attribute '${name}' is ${def.type === 'integer' ? 'an integer: expected a whole number' : 'a decimal: expected a number'}, found ${JSON.stringify(value)}`);
    }
    case 'dateTime': {
      if (typeof value !== 'string') throw fail(`Attribute '${name}' is a dateTime: expected a quoted date, found ${JSON.stringify(value)}`);
      if (SUBSTRING_OPS.has(op)) return value;
      const time = XSD_DATE_TIME.test(value) ? new Date(value).getTime() : Number.NaN;
      if (Number.isNaN(time)) throw fail(`Attribute '${name}' is a dateTime: ${JSON.stringify(value)} is not a valid date`);
      return new Date(time).toISOString();
    }
    case 'complex':
      throw fail(`Attribute '${name}' is complex: name one of its sub-attributes`);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** Whether `op` orders values (`gt`, `ge`, `lt`, `le`). */
export function isOrderingOp(op: CompareOp): boolean {
  return ORDERING_OPS.has(op);
}

/** Whether `op` matches part of a string (`co`, `sw`, `ew`). */
export function isSubstringOp(op: CompareOp): boolean {
  return SUBSTRING_OPS.has(op);
}
