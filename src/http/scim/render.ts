import type { UserView } from '../../domain/provisioning/create-user-provisioning.ts';
import { renderResource } from '../../scim/render-resource.ts';
import type { GroupRecord, MemberRecord } from '../../domain/records.ts';

/**
 * SCIM JSON of domain records. Rendering needs the base URL the client called (or ROSTER_PUBLIC_URL),
 * so it happens here, at the edge; the domain never sees URLs.
 */

export function renderUser(baseUrl: string, view: UserView): Record<string, unknown> {
  const { user, groups } = view;
  // A user in no group has no `groups` (RFC 7643 §2.5: an empty multi-valued attribute is unassigned).
  const extra = groups && groups.length > 0 && { groups: groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' })) };
  return renderResource('User', user, `${baseUrl}/Users/${user.id}`, extra || undefined);
}

export function renderGroup(baseUrl: string, group: GroupRecord): Record<string, unknown> {
  return renderResource('Group', group, `${baseUrl}/Groups/${group.id}`);
}

/**
 * A member reference as JSON text, written directly: a 100,000-member group is 100,000 of these, and
 * building an object per member to serialize it cost a third of the read. `$ref` is left out for
 * SCIM 1.1, which has none.
 */
export function memberJson(baseUrl: string | undefined, m: MemberRecord): string {
  const id = JSON.stringify(m.memberId);
  const ref = baseUrl === undefined ? '' : `"$ref":${JSON.stringify(`${baseUrl}/${m.memberType}s/${m.memberId}`)},`;
  const display = m.display === null ? '' : `,"display":${JSON.stringify(m.display)}`;
  return `{"value":${id},${ref}"type":"${m.memberType}"${display}}`;
}
