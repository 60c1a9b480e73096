import { isPlainObject, keyOf, opName, opPath, readMember, rewritePatchOperations, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_BOOLEAN_STRING = 'entra-boolean-string';

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/**
 * Entra ID's default job disables a user with the string "False" [E2]:
 * `{"op":"Replace","path":"active","value":"False"}` (and enables with "True"). Stored as sent, the
 * string would be truthy; `active` is a boolean (RFC 7643 §4.1.1), so the string becomes one. Only
 * `active` is rewritten here, by path or as a key of a pathless value: it is the attribute Entra
 * documents, and a string attribute that happens to hold "True" must stay a string.
 */
export function normalizeEntraBooleanString(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'User') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    const op = opName(operation);
    if (op !== 'add' && op !== 'replace') return undefined;
    const path = opPath(operation);
    const valueKey = keyOf(operation, 'value');
    if (valueKey === undefined) return undefined;
    const value = operation[valueKey];
    if (path !== undefined) {
      const flag = path.toLowerCase() === 'active' ? toBoolean(value) : undefined;
      if (flag === undefined) return undefined;
      return { operations: [{ ...operation, [valueKey]: flag }], detail: `active "${String(value)}" → ${flag}` };
    }
    if (!isPlainObject(value)) return undefined;
    const activeKey = keyOf(value, 'active');
    const flag = activeKey === undefined ? undefined : toBoolean(value[activeKey]);
    if (flag === undefined) return undefined;
    const raw = readMember(value, 'active');
    return { operations: [{ ...operation, [valueKey]: { ...value, [activeKey!]: flag } }], detail: `value.active "${String(raw)}" → ${flag}` };
  });
}
