import { isPlainObject, keyOf, opName, opPath, rewritePatchOperations, rewriteResourceBody, unchanged, withoutMembers, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const OKTA_MEMBERS_NULL = 'okta-members-null';

/**
 * Okta's group objects carry `"members": null` where it has no member list to give [O1] (its
 * reference shows group bodies with `"members": null`). In a pathless PATCH value, the RFC reading
 * of null (RFC 7643 §2.5: unassigned) would turn
 * `{"op":"replace","value":{"id":"…","displayName":"Test SCIMv2","members":null}}`, a rename, into
 * "remove all members"; Okta never means that (it removes members with `members[value eq "…"]`).
 * So the key is dropped from pathless values, and from a POST, where it means no members anyway.
 * A PUT replaces the whole group (RFC 7644 §3.5.1) and an explicit `"path":"members"` says what
 * it means: both are left as sent.
 */
export function normalizeOktaMembersNull(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'Group') return unchanged(request);
  if (request.action === 'create') {
    return rewriteResourceBody(request, (body) => {
      const key = keyOf(body, 'members');
      if (key === undefined || body[key] !== null) return undefined;
      return { body: withoutMembers(body, ['members']), changes: [{ at: key, detail: '"members": null dropped (a new group has no members)' }] };
    });
  }
  return rewritePatchOperations(request, (operation) => {
    const op = opName(operation);
    if ((op !== 'replace' && op !== 'add') || opPath(operation) !== undefined) return undefined;
    const valueKey = keyOf(operation, 'value');
    const value = valueKey === undefined ? undefined : operation[valueKey];
    if (!isPlainObject(value)) return undefined;
    const key = keyOf(value, 'members');
    if (key === undefined || value[key] !== null) return undefined;
    return { operations: [{ ...operation, [valueKey!]: withoutMembers(value, ['members']) }], detail: '"members": null dropped from the pathless value (membership unchanged, not emptied)' };
  });
}
