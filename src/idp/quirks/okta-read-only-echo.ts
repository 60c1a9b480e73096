import { keyOf, rewriteResourceBody, unchanged, withoutMembers, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const OKTA_READ_ONLY_ECHO = 'okta-read-only-echo';

/**
 * Okta updates a user by GET then PUT of the full body it read, `id`, `meta` and `groups` included
 * [O1], and creates users with `"groups":[]`. Those attributes are read-only (RFC 7643 §3.1,
 * §4.1.2); RFC 7643 §2.2 says to ignore them, which the protocol layer does. The rewrite drops them
 * before it, so the log shows what Roster actually applies.
 */
export function normalizeOktaReadOnlyEcho(request: IdpRequest): QuirkOutcome {
  if (request.resourceType === undefined) return unchanged(request);
  const names = request.resourceType === 'User' ? ['id', 'meta', 'groups'] : ['id', 'meta'];
  return rewriteResourceBody(request, (body) => {
    const present = names.map((n) => keyOf(body, n)).filter((k): k is string => k !== undefined);
    if (present.length === 0) return undefined;
    return { body: withoutMembers(body, present), changes: [{ at: present.join(', '), detail: 'read-only attributes echoed by the client dropped (RFC 7643 §2.2)' }] };
  });
}
