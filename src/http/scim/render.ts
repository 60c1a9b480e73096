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

export interface MemberResource {
  readonly value: string;
  readonly $ref: string;
  readonly type: 'User' | 'Group';
  readonly display?: string;
}

export function renderMember(baseUrl: string, m: MemberRecord): MemberResource {
  const member: MemberResource = { value: m.memberId, $ref: `${baseUrl}/${m.memberType}s/${m.memberId}`, type: m.memberType };
  return m.display === null ? member : { ...member, display: m.display };
}
