import type { FilterNode } from '../filter/filter-ast.ts';
import { matchesFilter } from '../filter/match-filter.ts';
import type { AttributeDef } from '../schemas/attribute-def.ts';
import { findSubAttribute, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { ScimError, scimErrors } from '../scim-error.ts';
import { checkValueCount, isPlainObject, jsonEqual, normalizeAttributeValue, normalizeMultiValue, valueKey } from '../normalize-attribute-value.ts';
import type { PatchOpName } from './parse-patch-request.ts';

/** The resource being patched (already a private clone) and what the operations touched so far. */
export interface PatchState {
  readonly type: ResourceTypeDef;
  readonly resource: Record<string, unknown>;
  /** Extension URNs an operation wrote or removed; their `schemas` entry is synced at the end. */
  readonly touchedExtensions: Set<string>;
  /** Values one multi-valued attribute may hold after the operation (`limits.maxMultiValuedValues`). */
  readonly maxValues: number;
}

/** A resolved PATCH path: `name.givenName`, `emails[type eq "work"].value`, `urn:…:User:manager.value`. */
export interface AttributeTarget {
  /** The extension URN holding the attribute, or undefined for the core schema. */
  readonly extension: string | undefined;
  readonly def: AttributeDef;
  /** The sub-attribute: after a dot (`name.givenName`) or after a value filter (`emails[…].value`). */
  readonly sub: AttributeDef | undefined;
  /** The value filter selecting elements of a multi-valued `def`. */
  readonly filter: FilterNode | undefined;
}

/** Applies one add/replace/remove to a non-member attribute of `state.resource`, in place. */
export function applyAttributeOperation(state: PatchState, op: PatchOpName, target: AttributeTarget, value: unknown, label: string): void {
  if (op === 'remove') removeTarget(state, target, value, label, true);
  else if (target.filter) setFilteredTarget(state, op, target, value, label);
  // RFC 7643 §2.5: null is the unassigned state, so replacing (or adding) null unassigns.
  else if (value === null) removeTarget(state, target, undefined, label, false);
  else setTarget(state, op, target, value, label);
}

/**
 * RFC 7644 §3.5.2.1 (add) and §3.5.2.3 (replace) without a value filter. Single-valued attributes
 * are set; complex ones merge the given sub-attributes ("sub-attributes that are not specified in
 * the value parameter are left unchanged"); multi-valued add appends values not already present
 * ("no changes SHOULD be made" for a value already there), multi-valued replace swaps all values.
 */
function setTarget(state: PatchState, op: PatchOpName, target: AttributeTarget, value: unknown, label: string): void {
  const { def, sub } = target;
  const container = getContainer(state, target.extension, true);
  if (sub) {
    if (def.multiValued) {
      throw scimErrors.invalidPath(`${label}: a sub-attribute of a multi-valued attribute needs a value filter, e.g. emails[type eq "work"].value.`);
    }
    const parent = { ...(readObject(container, def.name) ?? {}) };
    parent[sub.name] = normalizeAttributeValue(sub, value, label);
    writeKey(container, def.name, parent);
    return;
  }
  if (!def.multiValued && def.type === 'complex') {
    const incoming = normalizeAttributeValue(def, value, label) as Record<string, unknown>;
    const merged = { ...(readObject(container, def.name) ?? {}) };
    for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
      const nulled = raw === null ? findSubAttribute(def, key) : undefined;
      if (nulled) delete merged[nulled.name];
    }
    Object.assign(merged, incoming);
    if (Object.keys(merged).length > 0) writeKey(container, def.name, merged);
    else deleteKey(container, def.name);
    return;
  }
  if (!def.multiValued) {
    const next = normalizeAttributeValue(def, value, label);
    const current = readKey(container, def.name);
    // RFC 7643 §2.2: an immutable attribute may be set once, never changed.
    if (def.mutability === 'immutable' && current !== undefined && !jsonEqual(current, next)) {
      throw scimErrors.mutability(`${label}: "${def.name}" is immutable.`);
    }
    writeKey(container, def.name, next);
    return;
  }
  const list = op === 'replace' ? [] : [...readArray(container, def.name)];
  const incoming = Array.isArray(value) ? value : [value];
  // Counted before the values are checked, so an oversized request costs no more than its length.
  checkValueCount(def, list.length + incoming.length, state.maxValues, label);
  // Duplicates found through a Set of value keys: O(N), never pairwise.
  const present = new Set(list.map(valueKey));
  const written = new Set<unknown>();
  for (const item of normalizeMultiValue(def, incoming, label)) {
    const k = valueKey(item);
    if (present.has(k)) continue;
    present.add(k);
    list.push(item);
    written.add(item);
  }
  writeList(container, def, list, written);
}

/**
 * A value-filtered add/replace: `emails[type eq "work"].value` replaces the sub-attribute on every
 * matching element; `addresses[type eq "work"]` replaces the matching elements (RFC 7644 §3.5.2.3).
 *
 * When nothing matches, `replace` is 400 noTarget (RFC 7644 §3.5.2.3: "no record match was made").
 * `add` creates the element when the filter is only `eq` terms joined by `and`, which describe it
 * exactly: `{"op":"add","path":"emails[type eq \"work\"].value","value":"x"}` adds a work email
 * (RFC 7644 §3.5.2.1: add creates what is missing). Any other filter stays noTarget. Entra's
 * `Replace` that expects creation is rewritten to this `add` by its profile
 * (src/idp/quirks/entra-replace-filter-adds.ts).
 */
function setFilteredTarget(state: PatchState, op: 'add' | 'replace', target: AttributeTarget, value: unknown, label: string): void {
  if (value === null) {
    removeTarget(state, target, undefined, label, false);
    return;
  }
  const { def, sub } = target;
  const filter = target.filter as FilterNode;
  const next = sub
    ? normalizeAttributeValue(sub, value, label)
    : normalizeAttributeValue(def, Array.isArray(value) && value.length === 1 ? value[0] : value, label);
  const container = getContainer(state, target.extension, true);
  const list = [...readArray(container, def.name)];
  const written = new Set<unknown>();
  list.forEach((element, i) => {
    if (!isMatch(element, filter, def, label)) return;
    if (sub) {
      element[sub.name] = next;
      written.add(element);
    } else {
      list[i] = structuredClone(next);
      written.add(list[i]);
    }
  });
  if (written.size === 0) {
    const seed = op === 'add' ? buildElementFromEqTerms(def, filter, label) : undefined;
    if (!seed) throw scimErrors.noTarget(`${label}: the value filter matches no element.`);
    const created = sub ? { ...seed, [sub.name]: next } : { ...seed, ...(next as Record<string, unknown>) };
    checkValueCount(def, list.length + 1, state.maxValues, label);
    list.push(created);
    written.add(created);
  }
  writeList(container, def, list, written);
}

/**
 * RFC 7644 §3.5.2.2. A filtered path removes the matching elements (or their sub-attribute); with
 * `requireMatch`, a filter matching nothing is 400 noTarget. Removing an absent attribute changes
 * nothing. A value list on an unfiltered multi-valued path removes only the elements it names
 * (the reading Roster gives to Entra's `members` removals, applied the same way everywhere).
 */
function removeTarget(state: PatchState, target: AttributeTarget, value: unknown, label: string, requireMatch: boolean): void {
  const { def, sub, filter } = target;
  if (!filter && !sub && def.required) {
    throw scimErrors.mutability(`${label}: "${def.name}" is required and cannot be removed.`);
  }
  const container = getContainer(state, target.extension, false);
  if (!def.multiValued) {
    if (!container) return;
    if (!sub) return deleteKey(container, def.name);
    const parent = readObject(container, def.name);
    if (!parent) return;
    const rest = { ...parent };
    delete rest[sub.name];
    if (Object.keys(rest).length > 0) writeKey(container, def.name, rest);
    else deleteKey(container, def.name);
    return;
  }
  const list = container ? readArray(container, def.name) : [];
  let selected: unknown[];
  if (filter) {
    selected = list.filter((element) => isMatch(element, filter, def, label));
    if (requireMatch && selected.length === 0) throw scimErrors.noTarget(`${label}: the value filter matches no element.`);
  } else if (value !== undefined && value !== null && !sub) {
    const matches = templateMatcher(normalizeMultiValue(def, value, label));
    selected = list.filter(matches);
  } else {
    selected = list;
  }
  if (!container || selected.length === 0) return;
  const chosen = new Set(selected);
  const remaining = sub
    ? list.map((element) => (chosen.has(element) && isPlainObject(element) ? omitKey(element, sub.name) : element))
        .filter((element) => !isPlainObject(element) || Object.keys(element).length > 0)
    : list.filter((element) => !chosen.has(element));
  writeList(container, def, remaining, new Set());
}

/**
 * The element an all-`eq` filter describes: `type eq "work" and primary eq "True"` →
 * `{ type: "work", primary: true }`, typed by the sub-attribute definitions. Undefined for any
 * other filter shape.
 */
function buildElementFromEqTerms(def: AttributeDef, filter: FilterNode, label: string): Record<string, unknown> | undefined {
  if (filter.kind === 'logical' && filter.op === 'and') {
    const left = buildElementFromEqTerms(def, filter.left, label);
    const right = left && buildElementFromEqTerms(def, filter.right, label);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.subAttr !== undefined || filter.value === null) return undefined;
  const sub = findSubAttribute(def, filter.path.attr);
  if (!sub || sub.type === 'complex' || sub.mutability === 'readOnly') return undefined;
  return { [sub.name]: normalizeAttributeValue(sub, filter.value, label) };
}

function isMatch(element: unknown, filter: FilterNode, def: AttributeDef, label: string): element is Record<string, unknown> {
  return isPlainObject(element) && runWithLabel(label, () => matchesFilter(element, filter, def));
}

/** Prefixes errors of the shared filter code with the operation, keeping their status and scimType. */
export function runWithLabel<T>(label: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ScimError) throw new ScimError(error.status, error.scimType, `${label}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Whether a stored element is one a removal value names: equal on every sub-attribute given (or,
 * for a simple value, equal). Templates are grouped by the sub-attributes they name, each group a
 * Set of keys, so removing M values from N costs O((N + M) · groups), never O(N · M); sub-attribute
 * names are canonical after normalization, so there are at most as many groups as subsets of them.
 */
function templateMatcher(templates: readonly unknown[]): (element: unknown) => boolean {
  const simple = new Set<string>();
  const byNames = new Map<string, { names: string[]; keys: Set<string> }>();
  for (const template of templates) {
    if (!isPlainObject(template)) {
      simple.add(valueKey(template));
      continue;
    }
    const names = Object.keys(template).sort();
    const id = JSON.stringify(names);
    let group = byNames.get(id);
    if (!group) byNames.set(id, (group = { names, keys: new Set() }));
    group.keys.add(valueKey(names.map((n) => template[n])));
  }
  return (element) => {
    if (!isPlainObject(element)) return simple.has(valueKey(element));
    if (simple.has(valueKey(element))) return true;
    for (const { names, keys } of byNames.values()) {
      if (names.every((n) => Object.hasOwn(element, n)) && keys.has(valueKey(names.map((n) => element[n])))) return true;
    }
    return false;
  };
}

/**
 * Writes a multi-valued attribute, or unassigns it when empty (RFC 7643 §2.5). RFC 7643 §2.4 allows
 * one `primary: true` per attribute: the element this operation set wins and the others are set to
 * false; if the operation set none, the last one in the list wins.
 */
function writeList(container: Record<string, unknown>, def: AttributeDef, list: unknown[], written: ReadonlySet<unknown>): void {
  if (list.length === 0) return deleteKey(container, def.name);
  if (findSubAttribute(def, 'primary')) {
    const primaries = list.filter((element): element is Record<string, unknown> => isPlainObject(element) && element.primary === true);
    const winner = primaries.findLast((element) => written.has(element)) ?? primaries[primaries.length - 1];
    for (const element of primaries) if (element !== winner) element.primary = false;
  }
  writeKey(container, def.name, list);
}

/** The object holding the target: the resource, or its extension object (created on demand). */
function getContainer(state: PatchState, extension: string | undefined, create: true): Record<string, unknown>;
function getContainer(state: PatchState, extension: string | undefined, create: false): Record<string, unknown> | undefined;
function getContainer(state: PatchState, extension: string | undefined, create: boolean): Record<string, unknown> | undefined {
  if (extension === undefined) return state.resource;
  state.touchedExtensions.add(extension);
  const current = readKey(state.resource, extension);
  if (isPlainObject(current)) return current;
  if (!create) return undefined;
  const created: Record<string, unknown> = {};
  writeKey(state.resource, extension, created);
  return created;
}

// Stored keys are in canonical case; reads tolerate other spellings so a write never leaves two.
function readKey(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function readObject(object: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = readKey(object, name);
  return isPlainObject(value) ? value : undefined;
}

function readArray(object: Record<string, unknown>, name: string): unknown[] {
  const value = readKey(object, name);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function writeKey(object: Record<string, unknown>, name: string, value: unknown): void {
  if (!Object.hasOwn(object, name)) deleteKey(object, name);
  object[name] = value;
}

export function deleteKey(object: Record<string, unknown>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) delete object[key];
}

function omitKey(object: Record<string, unknown>, name: string): Record<string, unknown> {
  const rest = { ...object };
  delete rest[name];
  return rest;
}
