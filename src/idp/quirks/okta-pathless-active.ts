import { isPlainObject, keyOf, opName, opPath, rewritePatchOperations, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const OKTA_PATHLESS_ACTIVE = 'okta-pathless-active';

/**
 * Okta deactivates (and reactivates) a user with a pathless replace [O1, I24]:
 * `{"op":"replace","value":{"active":false}}`, where other clients send `"path":"active"`. RFC
 * 7644 §3.5.2.3 allows a pathless value, and the protocol layer applies it; the rewrite into
 * `{"op":"replace","path":"active","value":false}` makes the log read as the lifecycle change it is.
 * Only a value whose single key is `active` with a boolean is rewritten.
 */
export function normalizeOktaPathlessActive(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'User') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    if (opName(operation) !== 'replace' || opPath(operation) !== undefined) return undefined;
    const valueKey = keyOf(operation, 'value');
    const value = valueKey === undefined ? undefined : operation[valueKey];
    if (!isPlainObject(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0]!.toLowerCase() !== 'active' || typeof value[keys[0]!] !== 'boolean') return undefined;
    const active = value[keys[0]!] as boolean;
    const rest = Object.fromEntries(Object.entries(operation).filter(([k]) => !['path', 'value'].includes(k.toLowerCase())));
    return { operations: [{ ...rest, path: 'active', value: active }], detail: `{"value":{"active":${active}}} → {"path":"active","value":${active}}` };
  });
}
