import { isPlainObject, keyOf, opName, opPath, rewritePatchOperations, unchanged, withoutMembers, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const OKTA_RENAME_WITH_ID = 'okta-rename-with-id';

/**
 * Okta renames a pushed group, and repeats the rename before every membership update, with the
 * group's `id` in a pathless value [O1]:
 * `{"op":"replace","value":{"id":"abf4dd94-…","displayName":"Test SCIMv2"}}`. `id` is read-only
 * (RFC 7643 §3.1) and the protocol layer ignores it there; the rewrite drops it and, when only
 * `displayName` is left, sends `{"op":"replace","path":"displayName","value":"Test SCIMv2"}`.
 */
export function normalizeOktaRenameWithId(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'Group') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    if (opName(operation) !== 'replace' || opPath(operation) !== undefined) return undefined;
    const valueKey = keyOf(operation, 'value');
    const value = valueKey === undefined ? undefined : operation[valueKey];
    if (!isPlainObject(value) || keyOf(value, 'id') === undefined) return undefined;
    const rest = withoutMembers(value, ['id']);
    const keys = Object.keys(rest);
    if (keys.length === 1 && keys[0]!.toLowerCase() === 'displayname' && typeof rest[keys[0]!] === 'string') {
      const others = withoutMembers(operation, ['path', 'value']);
      return { operations: [{ ...others, path: 'displayName', value: rest[keys[0]!] }], detail: '"id" dropped from the rename value (read-only) → path "displayName"' };
    }
    return { operations: [{ ...operation, [valueKey!]: rest }], detail: '"id" dropped from the pathless value (read-only)' };
  });
}
