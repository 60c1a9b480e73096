import { checkResourceStrings, checkString } from './check-string-values.ts';
import { toAttrPath } from './filter/lex-filter.ts';
import {
  checkValueCount,
  DEFAULT_MAX_MULTI_VALUED_VALUES,
  isPlainObject,
  normalizeAttributeValue,
  normalizeMultiValue,
  readManagerString,
} from './normalize-attribute-value.ts';
import type { AttributeDef } from './schemas/attribute-def.ts';
import { findAttribute, findExtension, type ResolvedAttribute, type ResourceTypeDef } from './schemas/resource-types.ts';
import { scimErrors } from './scim-error.ts';

export interface MemberInput {
  readonly value: string;
  readonly display?: string;
  readonly type?: string;
}

export interface ValidatedResource {
  /** The resource as written, attribute names in canonical case, without id, meta, read-only
   * attributes, members and password. */
  readonly resource: Record<string, unknown>;
  readonly password?: string;
  /** Group members, when the body had a `members` attribute. */
  readonly members?: MemberInput[];
}

export interface ValidateResourceOptions {
  /** Values one multi-valued attribute may hold (`limits.maxMultiValuedValues`); group members excepted. */
  readonly maxMultiValuedValues?: number;
}

/** One attribute's value, checked and in canonical case; multi-valued `primary` at most once (RFC 7643 §2.4). */
function checkValue(def: AttributeDef, value: unknown, label: string, maxValues: number): unknown {
  if (!def.multiValued) return normalizeAttributeValue(def, readManagerString(def, value), label);
  // A whole resource states multi-valued attributes as arrays (RFC 7643 §2.4); only a PATCH `add`
  // may name one value alone.
  if (!Array.isArray(value)) throw scimErrors.invalidValue(`${label}: "${def.name}" is multi-valued and must be an array`);
  checkValueCount(def, value.length, maxValues, label);
  const values = normalizeMultiValue(def, value, label);
  let primaries = 0;
  for (const v of values) if (isPlainObject(v) && v.primary === true) primaries++;
  if (primaries > 1) throw scimErrors.invalidValue(`${label}: more than one element has "primary": true`);
  return values;
}

/**
 * Validates a POST or PUT body against the resource type's schemas (RFC 7643, RFC 7644 §3.3, §3.5.1).
 * Read-only attributes the client sent are ignored, as RFC 7643 §2.2 asks (Okta's PUT echoes `meta`
 * and `groups`); unknown attributes, wrong types and a missing required attribute are 400s.
 *
 * Names may carry their schema URN (RFC 7644 §3.10), the core one included: `"urn:…:core:2.0:User:password"`
 * and `"urn:…:core:2.0:User": {"password": …}` are the core `password`, as they are in PATCH. Every
 * string is checked for NUL and length (check-string-values.ts), so both engines answer alike.
 */
export function validateResource(type: ResourceTypeDef, body: unknown, options: ValidateResourceOptions = {}): ValidatedResource {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw scimErrors.invalidSyntax('"schemas" must be an array of schema URIs');
  }
  if (!schemas.some((s) => s.toLowerCase() === type.schema.id.toLowerCase())) {
    throw scimErrors.invalidSyntax(`"schemas" must include ${type.schema.id}`);
  }
  const maxValues = options.maxMultiValuedValues ?? DEFAULT_MAX_MULTI_VALUED_VALUES;
  const coreId = type.schema.id.toLowerCase();

  const resource: Record<string, unknown> = {};
  const usedExtensions = new Set<string>();
  let password: string | undefined;
  let members: MemberInput[] | undefined;

  function put(found: ResolvedAttribute, value: unknown, label: string): void {
    const { def, extension } = found;
    if (value === null || def.mutability === 'readOnly') return;
    if (type.name === 'Group' && extension === undefined && def.name === 'members') {
      members = checkMembers(value);
      return;
    }
    const checked = checkValue(def, value, label, maxValues);
    if (def.mutability === 'writeOnly') {
      password = checked as string;
      checkString(password, def.name, false);
      return;
    }
    // RFC 7643 §2.5: an empty multi-valued attribute is unassigned; it is not stored, so never rendered as `[]`.
    if (def.multiValued && (checked as unknown[]).length === 0) return;
    if (extension !== undefined) {
      // An extension attribute named without its URN (`department`) is stored under its extension.
      const object = (resource[extension] ??= {}) as Record<string, unknown>;
      object[def.name] = checked;
      usedExtensions.add(extension);
      return;
    }
    resource[def.name] = checked;
  }

  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas') continue;
    const lower = key.toLowerCase();
    if (lower === coreId) {
      if (value === null) continue;
      if (!isPlainObject(value)) throw scimErrors.invalidValue(`${type.schema.id} must be an object of core attributes`);
      for (const [name, v] of Object.entries(value)) {
        const found = findAttribute(type, type.schema.id, name);
        if (!found) throw scimErrors.invalidSyntax(`"${name}" is not an attribute of ${type.schema.id}`);
        put(found, v, found.def.name);
      }
      continue;
    }
    if (lower.startsWith('urn:')) {
      const ext = findExtension(type, key);
      if (ext) {
        if (value === null) continue;
        if (!isPlainObject(value)) throw scimErrors.invalidValue(`${ext.id} must be an object`);
        for (const [name, v] of Object.entries(value)) {
          // Generated clients put `schemas` inside the extension object; it is not an attribute.
          if (name.toLowerCase() === 'schemas') continue;
          const def = ext.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
          if (!def) throw scimErrors.invalidSyntax(`"${name}" is not an attribute of ${ext.id}`);
          put({ extension: ext.id, def }, v, `${ext.id}:${def.name}`);
        }
        continue;
      }
      // A fully qualified name: `urn:…:core:2.0:User:password`, `urn:…:enterprise:2.0:User:department`.
      const path = toAttrPath(key);
      const found = path?.schema !== undefined && path.subAttr === undefined ? findAttribute(type, path.schema, path.attr) : undefined;
      if (!found) throw scimErrors.invalidSyntax(`"${key}" is not an extension or attribute of ${type.name}`);
      put(found, value, found.extension === undefined ? found.def.name : `${found.extension}:${found.def.name}`);
      continue;
    }
    const found = findAttribute(type, undefined, key);
    if (!found) throw scimErrors.invalidSyntax(`"${key}" is not an attribute of ${type.name}`);
    put(found, value, found.def.name);
  }

  for (const def of type.schema.attributes) {
    if (def.required && (resource[def.name] === undefined || resource[def.name] === '')) {
      throw scimErrors.invalidValue(`"${def.name}" is required`);
    }
  }
  checkResourceStrings(resource);

  // `schemas` lists the core schema and the extensions the resource uses (RFC 7643 §3). URIs that
  // name nothing Roster knows are dropped rather than stored: Entra's older requests carry the typo
  // "urn:ietf:params:scim:schemas:extension:enterprise:2.0User" with no data under it.
  const out: Record<string, unknown> = { schemas: [type.schema.id, ...usedExtensions], ...resource };
  return { resource: out, password, members };
}

/** Reads a member's sub-attribute as an own property only: `constructor` or `toString` never come from the prototype. */
function ownMember(member: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(member, name) ? member[name] : undefined;
}

function checkMembers(value: unknown): MemberInput[] {
  if (!Array.isArray(value)) throw scimErrors.invalidValue('members must be an array');
  return value.map((m, i) => {
    const id = isPlainObject(m) ? ownMember(m, 'value') : undefined;
    if (!isPlainObject(m) || typeof id !== 'string' || id === '') {
      throw scimErrors.invalidValue(`members[${i}].value must be a non-empty string`);
    }
    checkString(id, `members[${i}].value`, true);
    const member: { value: string; display?: string; type?: string } = { value: id };
    const display = ownMember(m, 'display');
    const type = ownMember(m, 'type');
    if (typeof display === 'string') {
      checkString(display, `members[${i}].display`, false);
      member.display = display;
    }
    if (typeof type === 'string') {
      checkString(type, `members[${i}].type`, false);
      member.type = type;
    }
    return member;
  });
}
