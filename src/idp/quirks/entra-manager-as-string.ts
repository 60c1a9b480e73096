import { keyOf, opName, opPath, rewritePatchOperations, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';
import { isManagerPath, MANAGER_PATH } from './manager-path.ts';

export const ENTRA_MANAGER_AS_STRING = 'entra-manager-as-string';

/**
 * Some Entra ID tenants send the manager as the bare id string [E1, G2] (scimgateway carries a
 * "fix Azure bug" for it): `{"op":"Replace","path":"manager","value":"00aa…"}`. The enterprise
 * `manager` is complex (RFC 7643 §4.3), so the string becomes its `value`:
 * `{"op":…,"path":"urn:…:enterprise:2.0:User:manager","value":{"value":"00aa…"}}`. An empty string
 * is left as sent (it names no manager; the protocol layer refuses it).
 */
export function normalizeEntraManagerString(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'User') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    const op = opName(operation);
    if ((op !== 'add' && op !== 'replace') || !isManagerPath(opPath(operation))) return undefined;
    const valueKey = keyOf(operation, 'value');
    const id = valueKey === undefined ? undefined : operation[valueKey];
    if (typeof id !== 'string' || id.trim() === '') return undefined;
    const pathKey = keyOf(operation, 'path')!;
    return {
      operations: [{ ...operation, [pathKey]: MANAGER_PATH, [valueKey!]: { value: id } }],
      detail: `path "manager" with the string "${id}" → "${MANAGER_PATH}" with {"value":"${id}"}`,
    };
  });
}
