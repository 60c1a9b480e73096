import type { FilterNode, PatchPath } from '../filter/filter-ast.ts';
import { parsePatchPath } from '../filter/parse-filter.ts';
import { resolveAttrPath } from '../filter/resolve-path.ts';
import type { AttributeDef } from '../schemas/attribute-def.ts';
import { findExtension, findSubAttribute, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { ScimError, scimErrors } from '../scim-error.ts';
import { applyAttributeOperation, deleteKey, runWithLabel, type AttributeTarget, type PatchState } from './apply-attribute-operation.ts';
import { createMemberDeltaBuilder, isEmptyMemberDelta, type MemberDelta, type MemberRef } from './member-delta.ts';
import { checkResourceStrings, checkString } from '../check-string-values.ts';
import { DEFAULT_MAX_MULTI_VALUED_VALUES, isPlainObject, jsonEqual, readManagerString } from '../normalize-attribute-value.ts';
import type { PatchOpName, PatchOperation } from './parse-patch-request.ts';

export interface ApplyPatchResult {
  /** The patched resource (a new object; the input is never touched). */
  resource: Record<string, unknown>;
  /** What to do to the group's membership table; empty for users. */
  members: MemberDelta;
  /** False when neither the resource nor the membership changes, so `meta.version` stays. */
  changed: boolean;
}

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a stored resource: a plain JSON object in canonical
 * attribute case, extension attributes under their URN, without `id`, `meta` and group `members`.
 *
 * Pure and all-or-nothing (RFC 7644 §3.5.2: "each operation ... MUST be applied ... If an error
 * occurs, the resource MUST NOT be changed"): the operations run on a clone, and the first error
 * is thrown before anything is returned. `members` operations never read members; they fold into
 * a {@link MemberDelta}.
 */
export interface ApplyPatchOptions {
  /** Values one multi-valued attribute may hold after the request (`limits.maxMultiValuedValues`); members excepted. */
  readonly maxMultiValuedValues?: number;
}

export function applyPatch(type: ResourceTypeDef, resource: Record<string, unknown>, ops: readonly PatchOperation[], options: ApplyPatchOptions = {}): ApplyPatchResult {
  const maxValues = options.maxMultiValuedValues ?? DEFAULT_MAX_MULTI_VALUED_VALUES;
  const state: PatchState = { type, resource: structuredClone(resource), touchedExtensions: new Set(), maxValues };
  const delta = createMemberDeltaBuilder();
  for (const op of ops) applyOperation(state, delta, op);
  syncExtensionSchemas(state);
  // NUL and lengths (issue 8 item 5): only what this request changed, so an older stored value never blocks a PATCH.
  checkResourceStrings(state.resource, resource);
  const members = delta.build();
  for (const member of members.add) {
    checkString(member.value, 'members.value', true);
    if (member.display !== undefined) checkString(member.display, 'members.display', false);
    if (member.type !== undefined) checkString(member.type, 'members.type', false);
  }
  for (const value of members.remove) checkString(value, 'members.value', true);
  const changed = !isEmptyMemberDelta(members) || !jsonEqual(state.resource, resource);
  return { resource: state.resource, members, changed };
}

type DeltaBuilder = ReturnType<typeof createMemberDeltaBuilder>;

/** Keys a pathless value may carry that are not attributes to patch. */
// Okta renames a group (and does so on every membership push) with
// `{"op":"replace","value":{"id":"abf4dd94-…","displayName":"Test SCIMv2"}}`: `id` (and `schemas`,
// `meta`) in a pathless value are ignored rather than rejected as read-only.
const IGNORED_VALUE_KEYS: ReadonlySet<string> = new Set(['id', 'schemas', 'meta']);

function applyOperation(state: PatchState, delta: DeltaBuilder, op: PatchOperation): void {
  const label = op.pathText === undefined ? `Operations[${op.index}]` : `Operations[${op.index}] path "${op.pathText}"`;
  if (op.path === undefined || op.pathText === undefined) {
    // parsePatchRequest already refuses this (RFC 7644 §3.5.2.2); kept for callers building ops by hand.
    if (op.op === 'remove') throw scimErrors.noTarget(`${label}: "remove" requires a "path".`);
    applyPathlessValue(state, delta, op.op, op.value, `Operations[${op.index}]`, undefined);
    return;
  }
  const extension = findExtension(state.type, op.pathText);
  if (extension) {
    // The path names a whole extension (`urn:…:enterprise:2.0:User`): its value holds extension attributes.
    if (op.op === 'remove') {
      state.touchedExtensions.add(extension.id);
      deleteKey(state.resource, extension.id);
    } else {
      applyPathlessValue(state, delta, op.op, { [extension.id]: op.value }, label, undefined);
    }
    return;
  }
  applyTarget(state, delta, op.op, resolveTarget(state.type, op.path, label), op.value, label);
}

function applyTarget(state: PatchState, delta: DeltaBuilder, op: PatchOpName, target: AttributeTarget, value: unknown, label: string): void {
  if (state.type.name === 'Group' && target.extension === undefined && target.def.name === 'members') {
    applyMembersOperation(delta, op, target, value, label);
  } else {
    const read = target.sub === undefined && target.filter === undefined ? readManagerString(target.def, value) : value;
    applyAttributeOperation(state, op, target, read, label);
  }
}

/**
 * Resolves a PATCH path against the resource type. `emails[type eq "work"].value` resolves to the
 * multi-valued `emails` with `value` as the sub-attribute of the matching elements.
 */
function resolveTarget(type: ResourceTypeDef, path: PatchPath, label: string): AttributeTarget {
  if (path.valueFilter && path.attr.subAttr !== undefined) {
    throw scimErrors.invalidPath(`${label}: a value filter must follow the attribute name, not a sub-attribute.`);
  }
  const resolved = runWithLabel(label, () => resolveAttrPath(type, path.attr, 'patch'));
  let sub: AttributeDef | undefined = resolved.sub;
  if (path.valueFilter) {
    if (!resolved.def.multiValued || resolved.def.type !== 'complex') {
      throw scimErrors.invalidPath(`${label}: a value filter needs a complex multi-valued attribute.`);
    }
    if (path.subAttr !== undefined) {
      sub = findSubAttribute(resolved.def, path.subAttr);
      if (!sub) throw scimErrors.invalidPath(`${label}: "${resolved.def.name}" has no sub-attribute "${path.subAttr}".`);
    }
  }
  // `schemas` follows the extension attributes present (see syncExtensionSchemas), never a client's edit.
  if (resolved.def.name === 'schemas' && resolved.extension === undefined) {
    throw scimErrors.mutability(`${label}: "schemas" is kept in step with the extension attributes and cannot be patched.`);
  }
  // RFC 7643 §2.2: readOnly attributes (id, meta, User.groups) cannot be modified by the client.
  if (resolved.def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw scimErrors.mutability(`${label}: the attribute is read-only.`);
  }
  return { extension: resolved.extension, def: resolved.def, sub, filter: path.valueFilter };
}

/**
 * A value without path (RFC 7644 §3.5.2.1 and §3.5.2.3): each key is an attribute to add or replace
 * by the same rules as a path. Keys are read as paths because Entra (with `aadOptscim062020`) sends
 * dotted and URN-qualified keys: `{"name.givenName":"Kkom","urn:…:enterprise:2.0:User:employeeNumber":"Aklq"}`.
 * An extension URN key holds an object of that extension's attributes. Unknown keys are an
 * invalid value (the value, not a path, is what the client got wrong).
 */
function applyPathlessValue(
  state: PatchState,
  delta: DeltaBuilder,
  op: 'add' | 'replace',
  value: unknown,
  label: string,
  extensionUrn: string | undefined,
): void {
  if (!isPlainObject(value)) throw scimErrors.invalidValue(`${label}: without "path", "value" must be an object of attributes.`);
  for (const [key, keyValue] of Object.entries(value)) {
    const keyLabel = `${label} value key "${extensionUrn === undefined ? key : `${extensionUrn}:${key}`}"`;
    // Generated clients send an extension object with its own `"schemas": [...]`; it is not an attribute.
    if (extensionUrn !== undefined && key.toLowerCase() === 'schemas') continue;
    if (extensionUrn === undefined) {
      if (IGNORED_VALUE_KEYS.has(key.toLowerCase())) continue;
      const extension = findExtension(state.type, key);
      // RFC 7644 §3.10: names may be qualified by their schema URN, the core one included, so a
      // core URN key holds core attributes just as an extension URN key holds extension attributes.
      const isCore = key.toLowerCase() === state.type.schema.id.toLowerCase();
      if (extension || isCore) {
        if (!isPlainObject(keyValue)) throw scimErrors.invalidValue(`${keyLabel}: a schema URN key must hold an object of attributes.`);
        applyPathlessValue(state, delta, op, keyValue, label, extension?.id);
        continue;
      }
    }
    const pathText = extensionUrn === undefined ? key : `${extensionUrn}:${key}`;
    let target: AttributeTarget;
    try {
      target = resolveTarget(state.type, runWithLabel(keyLabel, () => parsePatchPath(pathText)), keyLabel);
    } catch (error) {
      // A bad key is a bad value: the request has no path to blame. Read-only keys stay `mutability`.
      if (error instanceof ScimError && error.scimType !== 'mutability') {
        throw new ScimError(400, 'invalidValue', error.message, { cause: error });
      }
      throw error;
    }
    applyTarget(state, delta, op, target, keyValue, keyLabel);
  }
}

/**
 * `members` of a group, folded into the delta (never loaded). RFC 7644 §3.5.2.1 add appends,
 * §3.5.2.3 replace swaps the whole set, §3.5.2.2 remove with `members[value eq "…"]` removes those.
 */
function applyMembersOperation(delta: DeltaBuilder, op: PatchOpName, target: AttributeTarget, value: unknown, label: string): void {
  // RFC 7643 §4.2: members' sub-attributes are immutable; a member is added or removed, never edited.
  if (target.sub) throw scimErrors.mutability(`${label}: member sub-attributes are immutable.`);
  if (target.filter) {
    if (op !== 'remove') throw scimErrors.invalidPath(`${label}: a value filter on "members" is only supported by "remove".`);
    for (const memberValue of collectMemberValues(target.filter, label)) delta.removeMember(memberValue);
    return;
  }
  if (op === 'remove') {
    if (value === undefined || value === null) {
      delta.removeAllMembers();
      return;
    }
    // RFC 7644 §3.5.2.2 leaves `remove` on `members` with a value list open. Entra's default job
    // sends `{"op":"Remove","path":"members","value":[{"$ref":null,"value":"…"}]}` to remove the
    // listed members; reading it as "remove all" would silently empty the group. So: remove those.
    for (const member of normalizeMembers(value, label)) delta.removeMember(member.value);
    return;
  }
  const members = value === null ? [] : normalizeMembers(value, label);
  if (op === 'replace') delta.replaceAllMembers(members);
  else for (const member of members) delta.addMember(member);
}

/**
 * Member values named by a removal filter. Only `value eq "…"` terms joined by `or` can be applied
 * without reading the membership table, so other filters are refused rather than loaded and matched.
 */
function collectMemberValues(filter: FilterNode, label: string): string[] {
  if (filter.kind === 'logical' && filter.op === 'or') {
    return [...collectMemberValues(filter.left, label), ...collectMemberValues(filter.right, label)];
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.schema === undefined &&
    filter.path.subAttr === undefined &&
    filter.path.attr.toLowerCase() === 'value' &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  throw new ScimError(400, 'invalidFilter', `${label}: members can only be selected by \`value eq "…"\` terms joined by "or".`);
}

// A Map, not an object literal: a key such as `constructor` or `__proto__` must never be found on a prototype.
const MEMBER_KEYS: ReadonlyMap<string, string> = new Map([['value', 'value'], ['display', 'display'], ['type', 'type'], ['$ref', '$ref']]);

/** Member elements `{ value, display?, $ref?, type? }`; Entra sends `"$ref": null`. */
function normalizeMembers(value: unknown, label: string): MemberRef[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const itemLabel = `${label} member ${i}`;
    if (!isPlainObject(item)) throw scimErrors.invalidValue(`${itemLabel}: a member must be an object with "value".`);
    const member: Partial<MemberRef> = {};
    for (const [key, raw] of Object.entries(item)) {
      const name = MEMBER_KEYS.get(key.toLowerCase());
      if (name === undefined) throw scimErrors.invalidValue(`${itemLabel}: "members" has no sub-attribute "${key}".`);
      if (raw === null || name === '$ref') {
        if (raw !== null && typeof raw !== 'string') throw scimErrors.invalidValue(`${itemLabel}: "$ref" must be a string.`);
        continue;
      }
      if (typeof raw !== 'string') throw scimErrors.invalidValue(`${itemLabel}: "${name}" must be a string.`);
      member[name as keyof MemberRef] = raw;
    }
    if (!member.value) throw scimErrors.invalidValue(`${itemLabel}: a member needs a non-empty "value".`);
    return member as MemberRef;
  });
}

/**
 * Keeps `schemas` in step with the extensions an operation touched: a non-empty extension object
 * is declared in `schemas`; an empty one is dropped together with its URN (RFC 7643 §3).
 */
function syncExtensionSchemas(state: PatchState): void {
  const { resource } = state;
  for (const urn of state.touchedExtensions) {
    const key = Object.keys(resource).find((k) => k.toLowerCase() === urn.toLowerCase());
    const object = key === undefined ? undefined : resource[key];
    const present = isPlainObject(object) && Object.keys(object).length > 0;
    if (!present && key !== undefined) delete resource[key];
    const schemas = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : undefined;
    const declared = schemas?.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase()) ?? false;
    if (present && !declared) resource.schemas = [...(schemas ?? [state.type.schema.id]), urn];
    if (!present && declared && schemas) {
      resource.schemas = schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== urn.toLowerCase());
    }
  }
}
