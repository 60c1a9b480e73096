import { isPlainObject } from './normalize-attribute-value.ts';
import { scimErrors } from './scim-error.ts';

/**
 * One rule for strings on both engines (issue 8 item 5). PostgreSQL refuses `\u0000` in `text` and
 * `jsonb`, and a btree index row must stay below ~2,700 bytes, where SQLite stores either; a value one
 * engine would answer with a 500 is refused by both with 400 `invalidValue`, before any SQL runs.
 */
export const STRING_LIMITS = {
  /**
   * `userName`, `displayName` and `externalId` are indexed columns (with the directory id, lowercased
   * for the unique ones): 1,024 bytes of UTF-8 keeps even a lowercased row well under the btree limit.
   */
  indexedMaxBytes: 1024,
  /** Any other string value, in characters (UTF-16 code units, as JSON counts them). */
  maxChars: 65_536,
} as const;

/** Top-level attributes stored in indexed columns (users and groups). */
const INDEXED: ReadonlySet<string> = new Set(['username', 'displayname', 'externalid']);

const encoder = new TextEncoder();

/** Checks one string: no NUL, and at most the limit of its attribute. `name` goes into the detail, never the value. */
export function checkString(value: string, name: string, indexed: boolean): void {
  if (value.includes('\u0000')) {
    throw scimErrors.invalidValue(`"${name}" contains a NUL character (\\u0000), which is not allowed in a string value.`);
  }
  if (indexed) {
    // Cheap bound first: a UTF-16 code unit is at most 3 bytes of UTF-8.
    if (value.length * 3 > STRING_LIMITS.indexedMaxBytes) {
      const bytes = encoder.encode(value).length;
      if (bytes > STRING_LIMITS.indexedMaxBytes) {
        throw scimErrors.invalidValue(`"${name}" is ${bytes} bytes long in UTF-8; the maximum is ${STRING_LIMITS.indexedMaxBytes}.`);
      }
    }
  } else if (value.length > STRING_LIMITS.maxChars) {
    throw scimErrors.invalidValue(`"${name}" is ${value.length} characters long; the maximum is ${STRING_LIMITS.maxChars}.`);
  }
}

/** Checks every string in a JSON value (object keys included), naming where it sits (`emails[2].value`). */
export function checkStrings(value: unknown, name: string, indexed = false): void {
  if (typeof value === 'string') {
    checkString(value, name, indexed);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkStrings(item, `${name}[${i}]`));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkString(key, `${name}.${key}`, false);
      checkStrings(item, `${name}.${key}`);
    }
  }
}

/**
 * Checks the attributes of a resource (core attributes at the top, extension objects under their
 * URN). With `before`, only attributes whose value differs are checked: a PATCH is refused for what
 * it writes, never for what an older version stored.
 */
export function checkResourceStrings(resource: Record<string, unknown>, before?: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(resource)) {
    if (before !== undefined && Object.hasOwn(before, key) && JSON.stringify(before[key]) === JSON.stringify(value)) continue;
    checkString(key, key, false);
    if (key.toLowerCase().startsWith('urn:') && isPlainObject(value)) {
      for (const [name, item] of Object.entries(value)) checkStrings(item, `${key}:${name}`);
    } else {
      checkStrings(value, key, INDEXED.has(key.toLowerCase()));
    }
  }
}
