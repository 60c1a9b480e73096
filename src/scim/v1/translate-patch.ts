/**
 * SCIM 1.1 PATCH (draft-scim-api-01 §3.3.2) translated to the SCIM 2.0 PatchOp message (RFC 7644
 * §3.5.2) that the shared PATCH engine applies, so both versions go through one engine and group
 * member changes stay O(k) deltas. Pure: it needs the resource type (which attributes are
 * multi-valued), never the stored resource.
 *
 * The 1.1 body is a partial resource. The draft's rules, in the order they are applied:
 * 1. `meta.attributes` names attributes to remove first → one `remove` per name;
 * 2. single-valued attributes replace, complex ones merge their sub-attributes → `replace`
 *    (the engine merges a complex value);
 * 3. multi-valued elements with `"operation": "delete"` are removed, matched on `value` (or on every
 *    sub-attribute given when there is no `value`) → `remove` with a value list; members →
 *    `remove members[value eq "…" or …]`. A delete of an attribute also named in `meta.attributes` is
 *    ignored (the draft says so);
 * 4. other multi-valued elements are merged: one with a `value` updates the element with that value or
 *    is added → `add emails[value eq "…"].sub` per sub-attribute (the engine creates the element
 *    when none matches); one without `value` (addresses) is added → `add`; members → `add members`.
 * `id` (Okta sends it) and the read-only `meta` and `groups` are ignored, as in a 1.1 PUT.
 */
import { DEFAULT_FILTER_LIMITS } from '../filter/parse-filter.ts';
import { isPlainObject } from '../normalize-attribute-value.ts';
import { PATCH_OP_SCHEMA } from '../patch/parse-patch-request.ts';
import type { AttributeDef } from '../schemas/attribute-def.ts';
import { findAttribute, findExtension, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { scimErrors } from '../scim-error.ts';
import { checkV1Schemas, managerToV2 } from './translate-resource.ts';
import { translateNameToV2 } from './translate-path.ts';
import { isEnterpriseUrn, toV2Urn } from './v1-urns.ts';

export interface PatchOpBody {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

export interface PatchOpMessage {
  readonly schemas: [typeof PATCH_OP_SCHEMA];
  readonly Operations: PatchOpBody[];
}

const IGNORED = new Set(['schemas', 'meta', 'id', 'groups']);

export function patchToV2(body: unknown, type: ResourceTypeDef): PatchOpMessage {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('the PATCH body must be a JSON object (a partial resource)');
  checkV1Schemas(body);
  const removed = metaAttributes(body, type);
  const ops: PatchOpBody[] = removed.map((path) => ({ op: 'remove', path }));
  const removedNames = new Set(removed.map((p) => p.toLowerCase()));

  for (const [key, value] of Object.entries(body)) {
    if (IGNORED.has(key.toLowerCase())) continue;
    if (!key.toLowerCase().startsWith('urn:')) {
      const found = findAttribute(type, undefined, key);
      if (!found || found.extension !== undefined) throw scimErrors.invalidSyntax(`"${key}" is not an attribute of ${type.name}`);
      if (found.def.mutability === 'readOnly') continue;
      ops.push(...attributeOps(found.def.name, found.def, value, type, removedNames));
      continue;
    }
    const urn = toV2Urn(key, type.name);
    const extension = findExtension(type, urn);
    if (!extension) throw scimErrors.invalidSyntax(`"${key}" is not an extension of ${type.name}`);
    if (value === null) {
      ops.push({ op: 'remove', path: extension.id });
      continue;
    }
    if (!isPlainObject(value)) throw scimErrors.invalidValue(`"${key}" must be an object of attributes`);
    const attributes = isEnterpriseUrn(urn) ? managerToV2(value) : value;
    for (const [name, attrValue] of Object.entries(attributes)) {
      const def = extension.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
      if (!def) throw scimErrors.invalidSyntax(`"${name}" is not an attribute of ${key}`);
      if (def.mutability === 'readOnly') continue;
      ops.push(...attributeOps(`${extension.id}:${def.name}`, def, attrValue, type, removedNames));
    }
  }
  return { schemas: [PATCH_OP_SCHEMA], Operations: ops };
}

/** `meta.attributes`: the names to remove before anything else, as 2.0 paths. */
function metaAttributes(body: Record<string, unknown>, type: ResourceTypeDef): string[] {
  const metaKey = Object.keys(body).find((k) => k.toLowerCase() === 'meta');
  const meta = metaKey === undefined ? undefined : body[metaKey];
  if (meta === undefined || meta === null) return [];
  if (!isPlainObject(meta)) throw scimErrors.invalidValue('"meta" must be an object');
  const attributesKey = Object.keys(meta).find((k) => k.toLowerCase() === 'attributes');
  const names = attributesKey === undefined ? undefined : meta[attributesKey];
  if (names === undefined || names === null) return [];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw scimErrors.invalidValue('"meta.attributes" must be an array of attribute names');
  }
  return names.map((n) => translateNameToV2(n, type.name, scimErrors.invalidPath));
}

function attributeOps(path: string, def: AttributeDef, value: unknown, type: ResourceTypeDef, removed: ReadonlySet<string>): PatchOpBody[] {
  if (!def.multiValued || value === null) return [{ op: 'replace', path, value }];
  const elements = Array.isArray(value) ? value : [value];
  if (def.type !== 'complex') return elements.length > 0 ? [{ op: 'add', path, value: elements }] : [];

  const deletes: Record<string, unknown>[] = [];
  const merges: Record<string, unknown>[] = [];
  elements.forEach((element, i) => {
    if (element === null) return;
    if (!isPlainObject(element)) throw scimErrors.invalidValue(`"${path}"[${i}] must be an object`);
    const { operation, rest } = splitOperation(element, `"${path}"[${i}]`);
    (operation === 'delete' ? deletes : merges).push(rest);
  });
  // draft-scim-api-01 §3.3.2: "A delete operation is ignored if the attribute's name is in meta.attributes".
  const deleting = removed.has(path.toLowerCase()) ? [] : deletes;
  const isMembers = type.name === 'Group' && def.name === 'members';
  if (isMembers) return [...memberRemovals(deleting, path), ...(merges.length > 0 ? [{ op: 'add' as const, path, value: merges }] : [])];

  const ops: PatchOpBody[] = [];
  if (deleting.length > 0) {
    ops.push({ op: 'remove', path, value: deleting.map((e) => (valueOf(e) === undefined ? e : { value: valueOf(e) })) });
  }
  for (const element of merges) ops.push(...mergeOps(path, element));
  return ops;
}

function splitOperation(element: Record<string, unknown>, label: string): { operation: 'delete' | undefined; rest: Record<string, unknown> } {
  const rest: Record<string, unknown> = {};
  let operation: 'delete' | undefined;
  for (const [key, value] of Object.entries(element)) {
    if (key.toLowerCase() !== 'operation') {
      rest[key] = value;
      continue;
    }
    if (typeof value !== 'string' || value.toLowerCase() !== 'delete') {
      throw scimErrors.invalidValue(`${label}: "operation" must be "delete"`);
    }
    operation = 'delete';
  }
  return { operation, rest };
}

function valueOf(element: Record<string, unknown>): unknown {
  const key = Object.keys(element).find((k) => k.toLowerCase() === 'value');
  return key === undefined ? undefined : element[key];
}

/**
 * A merged element. With a `value`, each other sub-attribute replaces that sub-attribute of the
 * element holding the value (created from the filter's `eq` term when absent), so sub-attributes
 * the request leaves out are kept, as the draft's "merged" asks. Without one, it is appended.
 */
function mergeOps(path: string, element: Record<string, unknown>): PatchOpBody[] {
  const value = valueOf(element);
  if (value === undefined || value === null) return [{ op: 'add', path, value: [element] }];
  if (typeof value === 'object') throw scimErrors.invalidValue(`"${path}": "value" must be a string, number or boolean`);
  const selector = `${path}[value eq ${JSON.stringify(value)}]`;
  const subs = Object.entries(element).filter(([k]) => k.toLowerCase() !== 'value');
  // `add` on a filtered path sets matching elements and creates the one the `eq` term describes when
  // none matches; a `replace` would be noTarget there (RFC 7644 §3.5.2.3).
  if (subs.length === 0) return [{ op: 'add', path: `${selector}.value`, value }];
  return subs.map(([sub, subValue]) => ({ op: 'add', path: `${selector}.${sub}`, value: subValue }));
}

/**
 * Member removals as `members[value eq "a" or value eq "b" …]`: an unambiguous removal of exactly
 * these members (never "remove all"), with as few operations as the path length limit allows.
 */
function memberRemovals(deletes: readonly Record<string, unknown>[], path: string): PatchOpBody[] {
  const ops: PatchOpBody[] = [];
  let terms: string[] = [];
  let length = 0;
  const flush = () => {
    if (terms.length > 0) ops.push({ op: 'remove', path: `${path}[${terms.join(' or ')}]` });
    terms = [];
    length = 0;
  };
  deletes.forEach((member, i) => {
    const value = valueOf(member);
    if (typeof value !== 'string' || value === '') throw scimErrors.invalidValue(`"${path}"[${i}]: a member to delete needs its "value"`);
    const term = `value eq ${JSON.stringify(value)}`;
    if (length + term.length + 4 + path.length + 2 > DEFAULT_FILTER_LIMITS.maxLength) flush();
    terms.push(term);
    length += term.length + 4;
  });
  flush();
  return ops;
}
