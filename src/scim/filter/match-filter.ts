import type { AttributeDef } from '../schemas/attribute-def.ts';
import { scimErrors } from '../scim-error.ts';
import type { CompareOp, FilterNode, FilterValue } from './filter-ast.ts';
import { coerceFilterValue, resolveElementPath } from './resolve-path.ts';

/**
 * Evaluates a value-path filter (`emails[type eq "work"]`, `members[value eq "2819c223"]`) against ONE
 * element of the multi-valued attribute `parent`, in memory. PATCH needs it to pick the elements a
 * path targets (RFC 7644 §3.5.2); lists are never filtered here, they are filtered in SQL.
 *
 * Paths in `filter` are relative to the element (its sub-attributes). For a simple multi-valued
 * attribute (no sub-attributes) pass the element as `{ value: element }`. Semantics follow RFC 7644
 * §3.4.2.2: case-insensitive unless the sub-attribute is caseExact, `ne` is true for a missing value,
 * `pr` means a non-empty value. Entra's quoted booleans (`primary eq "True"`) match `primary: true`,
 * and a stored `"True"` is read as true too.
 */
export function matchesFilter(element: Record<string, unknown>, filter: FilterNode, parent: AttributeDef): boolean {
  switch (filter.kind) {
    case 'logical':
      return filter.op === 'and'
        ? matchesFilter(element, filter.left, parent) && matchesFilter(element, filter.right, parent)
        : matchesFilter(element, filter.left, parent) || matchesFilter(element, filter.right, parent);
    case 'not':
      return !matchesFilter(element, filter.filter, parent);
    case 'present': {
      const { key } = resolveElementPath(parent, filter.path);
      return isPresent(readKey(element, key ?? 'value'));
    }
    case 'compare': {
      const { def, key } = resolveElementPath(parent, filter.path);
      const name = `${parent.name}.${key ?? 'value'}`;
      const expected = coerceFilterValue(def, filter.op, filter.value, name);
      return compareScimValues(def, filter.op, readKey(element, key ?? 'value'), expected);
    }
    case 'valuePath':
      throw scimErrors.invalidFilter(`Nested value filter '${filter.path.attr}[...]' inside the value filter of '${parent.name}'`);
  }
}

/**
 * Compares a stored value with a filter value already coerced by `coerceFilterValue`, by the rules
 * of RFC 7644 §3.4.2.2 for the attribute's type. An array matches when any of its items does.
 * Also used by the SQL compiler for values that are constants (`meta.resourceType`).
 */
export function compareScimValues(def: AttributeDef, op: CompareOp, actual: unknown, expected: FilterValue): boolean {
  if (Array.isArray(actual)) {
    if (expected === null) return op === 'eq' ? !isPresent(actual) : isPresent(actual);
    return actual.some((item) => compareScimValues(def, op, item, expected));
  }
  if (expected === null) return op === 'eq' ? !isPresent(actual) : isPresent(actual);
  const comparable = toComparable(def, actual);
  // A missing (or uncomparable) value equals nothing, so `ne` holds and every other operator fails.
  if (comparable === undefined) return op === 'ne';
  if (typeof comparable === 'boolean') return op === 'eq' ? comparable === expected : comparable !== expected;
  if (typeof comparable === 'number') return compareOrdered(op, comparable, expected as number);
  if (def.type === 'dateTime' && op !== 'co' && op !== 'sw' && op !== 'ew') {
    const time = Date.parse(comparable);
    if (Number.isNaN(time)) return op === 'ne';
    return compareOrdered(op, time, Date.parse(expected as string));
  }
  const fold = (s: string) => (def.caseExact ? s : s.toLowerCase());
  const left = fold(comparable);
  const right = fold(String(expected));
  switch (op) {
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    default:
      return compareOrdered(op, left, right);
  }
}

function compareOrdered<T extends number | string>(op: CompareOp, left: T, right: T): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    default:
      return false;
  }
}

/** The stored value as the type's comparable form, or undefined when absent or of the wrong shape. */
function toComparable(def: AttributeDef, actual: unknown): string | number | boolean | undefined {
  if (!isPresent(actual)) return undefined;
  switch (def.type) {
    case 'boolean':
      if (typeof actual === 'boolean') return actual;
      if (typeof actual === 'string' && /^(true|false)$/i.test(actual)) return actual.toLowerCase() === 'true';
      return undefined;
    case 'integer':
    case 'decimal': {
      const n = typeof actual === 'number' ? actual : typeof actual === 'string' ? Number(actual) : Number.NaN;
      return Number.isNaN(n) ? undefined : n;
    }
    default:
      return typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean' ? String(actual) : undefined;
  }
}

/** RFC 7644 §3.4.2.2 `pr`: a non-empty value; for complex values, at least one non-empty member. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (typeof value === 'object') return Object.values(value).some(isPresent);
  return true;
}

/** Reads a member by its canonical name, falling back to a case-insensitive match (RFC 7643 §2.1). */
function readKey(element: Record<string, unknown>, key: string): unknown {
  if (key in element) return element[key];
  const lower = key.toLowerCase();
  const found = Object.keys(element).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : element[found];
}
