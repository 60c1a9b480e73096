import type { FilterNode, PatchPath } from '../../scim/filter/filter-ast.ts';
import { matchesFilter } from '../../scim/filter/match-filter.ts';
import { parsePatchPath } from '../../scim/filter/parse-filter.ts';
import { coerceFilterValue, resolveElementPath } from '../../scim/filter/resolve-path.ts';
import { attr, type AttributeDef } from '../../scim/schemas/attribute-def.ts';
import { CUSTOM_USER_SCHEMA } from '../../scim/schemas/custom-schema.ts';
import { findAttribute, findSubAttribute, userResourceType, USER_SCHEMA } from '../../scim/schemas/resource-types.ts';

/** Reads one value out of a SCIM user resource as stored: a non-empty string, or null. */
export type ScimPathReader = (resource: Record<string, unknown>) => string | null;

export type CompiledScimPath = { readonly ok: true; readonly read: ScimPathReader } | { readonly ok: false; readonly error: string };

/**
 * Compiles a SCIM attribute path of the User resource (the PATCH path grammar of RFC 7644 §3.5.2,
 * shared with filters: `userName`, `name.givenName`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`) into a reader.
 *
 * Attributes the core or enterprise schema knows are checked against it (a misspelt sub-attribute
 * is an error, not a silent null); an attribute it does not know, such as one of a directory's
 * custom extension, is read by name. Reading follows RFC 7643: names are case-insensitive (§2.1);
 * a multi-valued attribute without a value filter yields its primary element's value, else the
 * first element that has one (§2.4); a complex attribute without a sub-attribute means its `value`.
 */
export function compileScimPath(text: string): CompiledScimPath {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(text);
  } catch (error) {
    return { ok: false, error: `path "${text}": ${(error as Error).message}` };
  }
  const fail = (detail: string): CompiledScimPath => ({ ok: false, error: `path "${text}": ${detail}` });
  const { schema, attr: name } = parsed.attr;
  const sub = parsed.subAttr ?? parsed.attr.subAttr;
  const isCore = schema === undefined || schema.toLowerCase() === USER_SCHEMA.toLowerCase();
  const known = findAttribute(userResourceType, schema, name);
  // A bare name the core schema lacks but an extension has (`department`) lives under that extension's key.
  const containerKey = known ? known.extension : isCore ? undefined : schema;
  let def = known?.def;
  let subName = sub;
  if (def) {
    if (def.returned === 'never') return fail(`'${def.name}' is never returned by SCIM and cannot be mapped`);
    if (parsed.valueFilter && !def.multiValued) return fail(`'${def.name}' is not multi-valued, so it takes no value filter`);
    if (sub !== undefined) {
      if (def.type !== 'complex') return fail(`'${def.name}' is not complex and has no sub-attribute '${sub}'`);
      const subDef = findSubAttribute(def, sub);
      if (!subDef) return fail(`'${def.name}' has no sub-attribute '${sub}' (it has ${(def.subAttributes ?? []).map((s) => s.name).join(', ')})`);
      subName = subDef.name;
    } else if (def.type === 'complex' && !findSubAttribute(def, 'value')) {
      return fail(`'${def.name}' is complex: name one of its sub-attributes (${(def.subAttributes ?? []).map((s) => `${def!.name}.${s.name}`).join(', ')})`);
    }
  }
  const filter = parsed.valueFilter;
  if (filter) {
    def ??= guessElementDef(name, filter);
    const problem = checkFilter(filter, def);
    if (problem) return fail(problem);
  }
  return { ok: true, read: createReader(containerKey, def?.name ?? name, subName, filter, def) };
}

/**
 * The attribute a path names in a directory's custom extension (`urn:roster:…:custom:2.0:User:costCode`
 * → `costCode`), as written; undefined for any other path, or one that does not parse.
 */
export function customAttributeOf(text: string): { readonly name: string; readonly sub: string | undefined } | undefined {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(text);
  } catch {
    return undefined;
  }
  if (parsed.attr.schema?.toLowerCase() !== CUSTOM_USER_SCHEMA.toLowerCase()) return undefined;
  return { name: parsed.attr.attr, sub: parsed.subAttr ?? parsed.attr.subAttr };
}

/** The name of a bare path (no schema URN) that the core and enterprise schemas do not have; else undefined. */
export function bareUnknownName(text: string): string | undefined {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(text);
  } catch {
    return undefined;
  }
  if (parsed.attr.schema !== undefined || findAttribute(userResourceType, undefined, parsed.attr.attr)) return undefined;
  return parsed.attr.attr;
}

/** Reads `path` once; for repeated reads compile it with compileScimPath. An unusable path reads null. */
export function readScimPath(resource: Record<string, unknown>, path: string): string | null {
  const compiled = compileScimPath(path);
  return compiled.ok ? compiled.read(resource) : null;
}

function createReader(containerKey: string | undefined, name: string, sub: string | undefined, filter: FilterNode | undefined, def: AttributeDef | undefined): ScimPathReader {
  return (resource) => {
    const container = containerKey === undefined ? resource : readKey(resource, containerKey);
    if (!isRecord(container)) return null;
    const value = readKey(container, name);
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) {
      if (filter && !matches(value, filter, def!)) return null;
      return leafText(value, sub);
    }
    let fallback: string | null = null;
    for (const element of value) {
      if (filter && !matches(element, filter, def!)) continue;
      const text = leafText(element, sub);
      if (text === null) continue;
      if (isRecord(element) && isTrue(readKey(element, 'primary'))) return text;
      fallback ??= text;
    }
    return fallback;
  };
}

function matches(element: unknown, filter: FilterNode, def: AttributeDef): boolean {
  try {
    return matchesFilter(isRecord(element) ? element : { value: element }, filter, def);
  } catch {
    // The filter was checked when compiled; a stored value of an unexpected shape simply does not match.
    return false;
  }
}

/** The element's sub-attribute (or its `value` when none is named) as text. */
function leafText(element: unknown, sub: string | undefined): string | null {
  if (isRecord(element)) return toText(readKey(element, sub ?? 'value'));
  // Some Entra tenants send `manager` as a plain string (idp-requests.md): a scalar is its own `value`.
  if (sub === undefined || sub.toLowerCase() === 'value') return toText(element);
  return null;
}

/** Strings as written (empty is null); booleans and numbers as their JSON text; anything else null. */
function toText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Entra writes `"primary": "True"`; the quirk layer usually fixes it, the reader does not depend on that. */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member by name, exact spelling first, then ignoring case (RFC 7643 §2.1). */
function readKey(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
  return undefined;
}

/** For an attribute no schema describes: a multi-valued complex one whose sub-attributes are the names the filter uses, as strings. */
function guessElementDef(name: string, filter: FilterNode): AttributeDef {
  const names = new Set<string>(['value']);
  const collect = (node: FilterNode): void => {
    if (node.kind === 'logical') {
      collect(node.left);
      collect(node.right);
    } else if (node.kind === 'not') collect(node.filter);
    else if (node.kind === 'compare' || node.kind === 'present') names.add(node.path.attr);
  };
  collect(filter);
  return attr(name, 'complex', { multiValued: true, subAttributes: [...names].map((n) => attr(n, n.toLowerCase() === 'primary' ? 'boolean' : 'string')) });
}

/** Resolves every path and coerces every value in the filter once, so reading never meets a bad one. */
function checkFilter(filter: FilterNode, def: AttributeDef): string | undefined {
  try {
    const walk = (node: FilterNode): void => {
      switch (node.kind) {
        case 'logical':
          walk(node.left);
          walk(node.right);
          return;
        case 'not':
          walk(node.filter);
          return;
        case 'present':
          resolveElementPath(def, node.path);
          return;
        case 'compare': {
          const element = resolveElementPath(def, node.path);
          coerceFilterValue(element.def, node.op, node.value, `${def.name}.${element.key ?? 'value'}`);
          return;
        }
        case 'valuePath':
          throw new Error(`a value filter cannot contain another '['`);
      }
    };
    walk(filter);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
