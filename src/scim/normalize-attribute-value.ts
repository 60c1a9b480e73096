import type { AttributeDef } from './schemas/attribute-def.ts';
import { enterpriseUserSchema } from './schemas/enterprise-user-schema.ts';
import { findSubAttribute } from './schemas/resource-types.ts';
import { scimErrors } from './scim-error.ts';

/**
 * Type-checks a PATCH value against its attribute definition (RFC 7643 §2.3) and returns it with
 * sub-attribute names in canonical case. Error messages name the attribute and the expected type,
 * never the value: the attribute may be `password` (RFC 7643 §7, writeOnly).
 *
 * `label` prefixes every error (`Operations[2] path "active"`), so the IdP learns which operation failed.
 */
export function normalizeAttributeValue(def: AttributeDef, value: unknown, label: string): unknown {
  if (def.type === 'complex') return normalizeComplexValue(def, value, label);
  const checked = def.type === 'boolean' ? coerceBooleanString(value) : value;
  if (!hasType(def, checked)) throw scimErrors.invalidValue(`${label}: "${def.name}" must be ${describeType(def)}.`);
  return checked;
}

/**
 * The values of a multi-valued attribute: an array, or one value standing for a one-element array
 * (RFC 7644 §3.5.2.1 allows either for `add`). `null` elements are dropped (RFC 7643 §2.5: unassigned).
 */
export function normalizeMultiValue(def: AttributeDef, value: unknown, label: string): unknown[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item) => item !== null).map((item) => normalizeAttributeValue(def, item, label));
}

/**
 * Entra ID (default job, without `aadOptscim062020`) sends booleans as strings, e.g.
 * `{"op":"Replace","path":"active","value":"False"}` and `roles[primary eq "True"]`. "True"/"False"
 * in any case become booleans; every other value passes through to the type check. This is the
 * only coercion PATCH performs.
 */
export function coerceBooleanString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}

/**
 * A complex value: an object whose keys are sub-attributes (case-insensitive, stored canonical).
 * `null` sub-attributes are left out; read-only sub-attributes cannot be written (RFC 7643 §2.2).
 */
function normalizeComplexValue(def: AttributeDef, value: unknown, label: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw scimErrors.invalidValue(`${label}: "${def.name}" must be an object of sub-attributes.`);
  const out: Record<string, unknown> = {};
  for (const [key, subValue] of Object.entries(value)) {
    const sub = findSubAttribute(def, key);
    if (!sub) throw scimErrors.invalidValue(`${label}: "${def.name}" has no sub-attribute "${key}".`);
    if (sub.mutability === 'readOnly') throw scimErrors.mutability(`${label}: "${def.name}.${sub.name}" is read-only.`);
    if (subValue === null) continue;
    out[sub.name] = sub.multiValued ? normalizeMultiValue(sub, subValue, label) : normalizeAttributeValue(sub, subValue, label);
  }
  return out;
}

// RFC 7643 §2.3.5: xsd:dateTime, e.g. 2008-01-23T04:56:22Z.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
// RFC 7643 §2.3.6: base64, RFC 4648 §4 alphabet.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function hasType(def: AttributeDef, value: unknown): boolean {
  switch (def.type) {
    case 'string':
    case 'reference':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'dateTime':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
    case 'binary':
      return typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value);
    case 'complex':
      return isPlainObject(value);
  }
}

function describeType(def: AttributeDef): string {
  switch (def.type) {
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'decimal':
      return 'a number';
    case 'dateTime':
      return 'an xsd:dateTime string';
    case 'binary':
      return 'a base64 string';
    case 'complex':
      return 'an object';
    default:
      return 'a string';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values, ignoring object key order (duplicate checks, `changed`). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/**
 * A string equal for two JSON values exactly when {@link jsonEqual} holds (object keys sorted), so
 * duplicate checks and removals by value use a Set or Map: O(N) where pairwise comparison was
 * O(N²) (issue 8: 16,000 emails in one `add` held the event loop for 9.7 s).
 */
export function valueKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${valueKey(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Values one multi-valued attribute may hold, unless the configuration says otherwise (`limits.maxMultiValuedValues`). */
export const DEFAULT_MAX_MULTI_VALUED_VALUES = 1000;

/**
 * Refuses a multi-valued attribute with more values than the limit, naming it (400 `invalidValue`:
 * the value is what is wrong, not the size of the body, which has its own 413). Group `members`
 * are not attribute values (they live in their own table) and are never passed here.
 */
export function checkValueCount(def: AttributeDef, count: number, max: number, label: string): void {
  if (count > max) {
    throw scimErrors.invalidValue(`${label}: "${def.name}" may hold at most ${max} values; this request would give it ${count}.`);
  }
}

const ENTERPRISE_MANAGER = enterpriseUserSchema.attributes.find((a) => a.name === 'manager');

/**
 * Entra ID sends the enterprise `manager` as the bare id string [E1, G2]:
 * `{"op":"Replace","path":"urn:…:enterprise:2.0:User:manager","value":"00aa…"}`. `manager` is complex
 * (RFC 7643 §4.3) and a string has no other meaning there, so on every directory it reads as
 * `{"value":"00aa…"}`. An empty string stays as sent, for the type check to refuse.
 */
export function readManagerString(def: AttributeDef, value: unknown): unknown {
  return def === ENTERPRISE_MANAGER && typeof value === 'string' && value.trim() !== '' ? { value } : value;
}
