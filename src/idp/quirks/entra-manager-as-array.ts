import { isPlainObject, keyOf, opName, opPath, rewritePatchOperations, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';
import { isManagerPath, MANAGER_PATH } from './manager-path.ts';

export const ENTRA_MANAGER_AS_ARRAY = 'entra-manager-as-array';

/**
 * Entra ID sets a user's manager with a one-element array, by the unqualified name [E1]:
 * `{"op":"Add","path":"manager","value":[{"$ref":"http://…/Users/00aa…","value":"00aa…"}]}`.
 * `manager` is the enterprise extension's single-valued complex attribute (RFC 7643 §4.3), so an
 * array is not a valid value. The element's `value` (the manager's id) becomes
 * `{"op":…,"path":"urn:…:enterprise:2.0:User:manager","value":{"value":"00aa…"}}`; Entra's `$ref`
 * points into Entra, not at this server, and is dropped. Arrays of any other length, or elements
 * without a string `value`, stay as sent so the protocol layer answers with a precise 400.
 */
export function normalizeEntraManagerArray(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'User') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    const op = opName(operation);
    if ((op !== 'add' && op !== 'replace') || !isManagerPath(opPath(operation))) return undefined;
    const valueKey = keyOf(operation, 'value');
    const value = valueKey === undefined ? undefined : operation[valueKey];
    if (!Array.isArray(value) || value.length !== 1 || !isPlainObject(value[0])) return undefined;
    const idKey = keyOf(value[0], 'value');
    const id = idKey === undefined ? undefined : value[0][idKey];
    if (typeof id !== 'string' || id.trim() === '') return undefined;
    const pathKey = keyOf(operation, 'path')!;
    return {
      operations: [{ ...operation, [pathKey]: MANAGER_PATH, [valueKey!]: { value: id } }],
      detail: `path "manager" with a one-element array → "${MANAGER_PATH}" with {"value":"${id}"}`,
    };
  });
}
