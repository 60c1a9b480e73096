import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import type { ProvisioningContext } from '../../domain/provisioning/provisioning-context.ts';
import type { GroupRecord, UserRecord } from '../../domain/records.ts';
import { toListQuery } from '../../scim/list-query.ts';
import { userTypeWith } from '../../scim/schemas/custom-schema.ts';
import { groupResourceType, type ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import { publicOrigin } from '../public-origin.ts';
import { renderGroup, renderUser } from '../scim/render.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';

export type ScimBrowseDeps = Pick<Services, 'directories' | 'users' | 'groups' | 'events'> & { readonly config: RosterConfig };

/** A console page: small enough to render at once, the total counted by the database. */
const MAX_PAGE = 200;
const MAX_MEMBER_PAGE = 500;

const text = z.string().trim().max(200, 'must be at most 200 characters');
const paging = {
  filter: z.string().max(2048, 'must be at most 2048 characters').optional(),
  q: text.optional(),
  startIndex: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(1),
  count: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(50),
};
const usersQuery = z.object({
  ...paging,
  active: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  group: z.string().max(200).optional(),
});
const groupsQuery = z.object(paging);
const historyQuery = z.object({
  before: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
});
const membersQuery = z.object({
  after: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be zero or more').default(0),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_MEMBER_PAGE, `must be at most ${MAX_MEMBER_PAGE}`).default(100),
});

/** A SCIM string literal (RFC 7644 §3.4.2.2 compares JSON strings): quotes and backslashes escaped. */
const literal = (value: string) => JSON.stringify(value);

/**
 * The console's search box and filters as one SCIM filter, so the search runs through the same
 * parser and SQL compiler as an IdP's (src/store/compile-filter.ts): nothing is filtered in memory.
 */
function combinedFilter(parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  return present.length === 0 ? undefined : present.map((p) => `(${p})`).join(' and ');
}

function userSearch(q: string): string {
  const v = literal(q);
  return `userName sw ${v} or displayName co ${v} or emails.value sw ${v} or externalId eq ${v} or id eq ${v}`;
}

function groupSearch(q: string): string {
  const v = literal(q);
  return `displayName co ${v} or externalId eq ${v} or id eq ${v}`;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function primaryEmail(resource: Record<string, unknown>): string | null {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : [];
  const email = emails.find((e) => e?.primary === true) ?? emails[0];
  return email ? str(email.value) : null;
}

/** A user as a list row: what an admin scans for, never the whole resource. */
function userRow(user: UserRecord) {
  const r = user.resource as Record<string, unknown>;
  const name = r.name as Record<string, unknown> | undefined;
  return {
    id: user.id,
    userName: str(r.userName),
    displayName: str(r.displayName) ?? str(name?.formatted),
    email: primaryEmail(r),
    externalId: str(r.externalId),
    active: r.active !== false,
    updatedAt: user.updatedAt,
  };
}

function groupRow(group: GroupRecord) {
  const r = group.resource as Record<string, unknown>;
  return { id: group.id, displayName: str(r.displayName), externalId: str(r.externalId), memberCount: group.memberCount, updatedAt: group.updatedAt };
}

/**
 * The SCIM layer of a directory as the console browses it: users and groups searched, filtered and
 * paged by the database, a user's resource as its IdP reads it back, a group's members page by page.
 * Read-only; every write to this layer comes from the IdP over SCIM.
 */
export function scimBrowseRoutes(deps: ScimBrowseDeps): ApiRoute[] {
  // Read when a request comes, not when the table is built: the OpenAPI document builds it without deps.
  const config = () => deps.config;

  async function contextOf(directoryId: string): Promise<ProvisioningContext & { userType: ResourceTypeDef }> {
    const directory = await deps.directories.get(directoryId);
    return { directoryId: directory.id, userType: userTypeWith(directory.customAttributes), groupType: groupResourceType, passwordMode: directory.passwordMode };
  }
  const baseUrl = (request: FastifyRequest, id: string) => `${publicOrigin(config(), request)}/scim/v2/${id}`;
  const tag = 'Directories (SCIM layer)';

  return [
    defineRoute({
      method: 'GET', path: '/directories/:id/users', tag, summary: "A directory's SCIM users, searched, filtered and paged by the database", invalid: 'request.invalid', returns: '`users`, `totalResults`, `startIndex`, `itemsPerPage`',
      query: usersQuery,
      handle: async ({ params, query: q }) => {
        const ctx = await contextOf(params.id!);
        const filter = combinedFilter([
          q.filter,
          q.q ? userSearch(q.q) : undefined,
          q.active === undefined ? undefined : `active eq ${q.active}`,
          q.group ? `groups.value eq ${literal(q.group)}` : undefined,
        ]);
        const query = toListQuery(ctx.userType, { filter, startIndex: q.startIndex, count: q.count, sortOrder: 'ascending' }, config().limits);
        const page = await deps.users.list(ctx, query, { withGroups: false });
        return { totalResults: page.totalResults, startIndex: q.startIndex, itemsPerPage: page.items.length, users: page.items.map((v) => userRow(v.user)) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/users/:userId', tag, summary: 'One SCIM user as its IdP reads it back, with its groups', invalid: 'request.invalid', returns: 'the user and its `resource`',
      handle: async ({ params, request }) => {
        const ctx = await contextOf(params.id!);
        const view = await deps.users.get(ctx, params.userId!, { withGroups: true });
        return { ...userRow(view.user), createdAt: view.user.createdAt, version: view.user.version, groups: view.groups ?? [], resource: renderUser(baseUrl(request, ctx.directoryId), view) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/resources/:resourceId/events', tag, summary: "A user's or group's events, newest first", invalid: 'request.invalid', returns: 'the events',
      query: historyQuery,
      handle: async ({ params, query: q }) => {
        const directory = await deps.directories.get(params.id!);
        return deps.events.forResource({ directoryId: directory.id, resourceId: params.resourceId!, before: q.before, limit: q.limit });
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/groups', tag, summary: "A directory's SCIM groups, searched and paged by the database", invalid: 'request.invalid', returns: '`groups`, `totalResults`, `startIndex`, `itemsPerPage`',
      query: groupsQuery,
      handle: async ({ params, query: q }) => {
        const ctx = await contextOf(params.id!);
        const filter = combinedFilter([q.filter, q.q ? groupSearch(q.q) : undefined]);
        const query = toListQuery(ctx.groupType, { filter, startIndex: q.startIndex, count: q.count, sortOrder: 'ascending' }, config().limits);
        const page = await deps.groups.list(ctx, query);
        return { totalResults: page.totalResults, startIndex: q.startIndex, itemsPerPage: page.items.length, groups: page.items.map(groupRow) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/groups/:groupId', tag, summary: 'One SCIM group without its members (they come page by page)', invalid: 'request.invalid', returns: 'the group and its `resource`',
      handle: async ({ params, request }) => {
        const ctx = await contextOf(params.id!);
        const group = await deps.groups.get(ctx, params.groupId!);
        return { ...groupRow(group), createdAt: group.createdAt, version: group.version, resource: renderGroup(baseUrl(request, ctx.directoryId), group) };
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/groups/:groupId/members', tag, summary: "A SCIM group's members, one page at a time", invalid: 'request.invalid', returns: '`members` and `next`',
      query: membersQuery,
      handle: async ({ params, query: q }) => {
        const ctx = await contextOf(params.id!);
        const page = await deps.groups.memberPage(ctx, params.groupId!, q.after, q.limit);
        return { members: page.members.map((m) => ({ value: m.memberId, type: m.memberType, display: m.display })), next: page.next };
      },
    }),
  ];
}
