import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { decodeCursor, encodeCursor } from '../../domain/ops/create-audit-log.ts';
import type { ChangeResult } from '../../domain/org/run-change.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';

export type OrgDeps = Pick<Services, 'rules' | 'accounts' | 'orgGroups' | 'apps' | 'held'>;

const id = z.string().min(1).max(200);
const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const limit = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional();
const cursor = z.string().max(100).optional();
const preview = z.object({ preview: z.enum(['true', 'false']).optional() });
const isPreview = (q: { preview?: string } | undefined) => q?.preview === 'true';

/** A change's result for the API: with `?preview=true` only what it would do (`changes`), else the result and what it did. */
function changeBody<T>(change: ChangeResult<T>): unknown {
  const changes = { ...change.summary };
  if (change.preview) return { preview: true, changes };
  return { ...(change.result as object), changes };
}

/** A page of rows with a `seq`, and the cursor of the next page (null at the end). */
function page<T extends { seq: number }>(key: string, rows: readonly T[], size: number) {
  return { [key]: rows, nextCursor: rows.length === size ? encodeCursor(rows[rows.length - 1]!.seq) : null };
}

const accountQuery = z.object({
  search: z.string().max(200).optional(),
  status: z.enum(['active', 'deactivated']).optional(),
  groupId: id.optional(),
  appId: id.optional(),
  directoryId: id.optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  cursor,
  limit,
});

/** The organization layer's admin API (issue 9), as data: validated by these schemas, described by them in OpenAPI. */
export function orgRoutes(deps: OrgDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET', path: '/directories/:id/rules', tag: 'Rules', summary: "A directory's rules: attribute mapping, sync settings, group mapping and the mass-deprovision guard", invalid: 'rules.invalid', returns: 'the rules and their version (0: the IdP defaults)',
      handle: ({ params }) => deps.rules.get(params.id!),
    }),
    defineRoute({
      method: 'PATCH', path: '/directories/:id/rules', tag: 'Rules', summary: 'Replaces the named parts of the rules (attributes, sync, groups, guard) and reconciles the directory; `?preview=true` only says what would change', invalid: 'rules.invalid', returns: 'the saved rules and `changes`',
      body: z.object({ attributes: z.unknown().optional(), sync: z.unknown().optional(), groups: z.unknown().optional(), guard: z.unknown().optional() }).strict(),
      query: preview,
      handle: async ({ params, body, query, actor }) => changeBody(isPreview(query) ? await deps.rules.preview(params.id!, body) : await deps.rules.update(params.id!, body, actor)),
    }),
    defineRoute({
      method: 'GET', path: '/rules/defaults', tag: 'Rules', summary: "An IdP profile's default rules", invalid: 'rules.invalid', returns: 'the default rules',
      query: z.object({ idp: z.string().max(64) }),
      handle: async ({ query }) => deps.rules.defaults(query.idp),
    }),
    defineRoute({
      method: 'POST', path: '/directories/:id/reconcile', tag: 'Rules', summary: "Recomputes the directory's accounts, memberships and access set-wise", invalid: 'rules.invalid', returns: 'how many accounts were recomputed',
      handle: ({ params }) => deps.rules.reconcile(params.id!),
    }),

    defineRoute({
      method: 'GET', path: '/domains', tag: 'Domains', summary: "The organization's domains", invalid: 'domain.invalid', returns: '`domains`',
      handle: async () => ({ domains: await deps.rules.listDomains() }),
    }),
    defineRoute({
      method: 'POST', path: '/domains', tag: 'Domains', summary: 'Adds a domain (accounts with its emails are internal and link by email); `?preview=true` says what would change', invalid: 'domain.invalid', returns: 'the domain and `changes`',
      body: z.object({ domain: z.string().min(1).max(253) }), query: preview,
      handle: async ({ body, query, actor }) => changeBody(await deps.rules.addDomain(body.domain, actor, isPreview(query))),
    }),
    defineRoute({
      method: 'DELETE', path: '/domains/:domain', tag: 'Domains', summary: 'Removes a domain; `?preview=true` says what would change', invalid: 'domain.invalid', returns: 'the domain and `changes`',
      query: preview,
      handle: async ({ params, query, actor }) => changeBody(await deps.rules.removeDomain(params.domain!, actor, isPreview(query))),
    }),

    defineRoute({
      method: 'GET', path: '/accounts', tag: 'Accounts', summary: 'Accounts, filtered and paged (by cursor)', invalid: 'account.invalid', returns: '`accounts` and `nextCursor`', query: accountQuery,
      handle: async ({ query }) => {
        const size = query.limit ?? 100;
        return page('accounts', await deps.accounts.list({ ...query, afterSeq: decodeCursor(query.cursor) ?? 0, limit: size }), size);
      },
    }),
    defineRoute({
      method: 'GET', path: '/accounts/:id', tag: 'Accounts', summary: 'One account with its links (the SCIM users), groups (with why) and apps', invalid: 'account.invalid', returns: 'the account',
      handle: ({ params }) => deps.accounts.get(params.id!),
    }),
    defineRoute({
      method: 'GET', path: '/accounts/:id/explain', tag: 'Accounts', summary: 'Why the account has (or has not) an app: grant, group, mapping rule, directory and IdP group', invalid: 'account.invalid', returns: 'the explanation',
      query: z.object({ app: id }),
      handle: ({ params, query }) => deps.accounts.explain(params.id!, query.app),
    }),
    defineRoute({
      method: 'POST', path: '/accounts/:id/links', tag: 'Accounts', summary: "Links a directory's user to this account by hand", invalid: 'account.invalid', returns: 'the account and `changes`',
      body: z.object({ directoryId: id, userId: id }),
      handle: async ({ params, body, actor }) => changeBody(await deps.accounts.link(params.id!, body, actor)),
    }),
    defineRoute({
      method: 'GET', path: '/link-conflicts', tag: 'Accounts', summary: 'Users not linked by email because another user of their directory has that email', invalid: 'account.invalid', returns: '`conflicts`',
      handle: async () => ({ conflicts: await deps.accounts.conflicts() }),
    }),

    defineRoute({
      method: 'GET', path: '/org-groups', tag: 'Org groups', summary: 'Org groups, paged', invalid: 'org_group.invalid', returns: '`groups` and `nextCursor`',
      query: z.object({ search: z.string().max(200).optional(), cursor, limit }),
      handle: async ({ query }) => {
        const size = query.limit ?? 100;
        return page('groups', await deps.orgGroups.list({ search: query.search, afterSeq: decodeCursor(query.cursor) ?? 0, limit: size }), size);
      },
    }),
    defineRoute({
      method: 'POST', path: '/org-groups', tag: 'Org groups', summary: 'Creates an org group by hand', invalid: 'org_group.invalid', status: 201, returns: 'the group',
      body: z.object({ name, description: z.string().max(1000).nullable().optional() }),
      handle: ({ body, actor }) => deps.orgGroups.create(body, actor),
    }),
    defineRoute({
      method: 'GET', path: '/org-groups/:id', tag: 'Org groups', summary: 'One org group with its member count', invalid: 'org_group.invalid', returns: 'the group',
      handle: ({ params }) => deps.orgGroups.get(params.id!),
    }),
    defineRoute({
      method: 'DELETE', path: '/org-groups/:id', tag: 'Org groups', summary: 'Deletes a group no directory syncs', invalid: 'org_group.invalid', status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.orgGroups.remove(params.id!, actor),
    }),
    defineRoute({
      method: 'GET', path: '/org-groups/:id/members', tag: 'Org groups', summary: "A group's members, paged (a million-member group is read page by page)", invalid: 'org_group.invalid', returns: '`members` and `nextCursor`',
      query: z.object({ cursor, limit }),
      handle: async ({ params, query }) => {
        const size = query.limit ?? 100;
        return page('members', await deps.orgGroups.members(params.id!, { afterSeq: decodeCursor(query.cursor) ?? 0, limit: size }), size);
      },
    }),
    defineRoute({
      method: 'POST', path: '/org-groups/:id/members', tag: 'Org groups', summary: 'Adds accounts to the group by hand', invalid: 'org_group.invalid', returns: '`changes`',
      body: z.object({ accountIds: z.array(id).min(1).max(1000) }),
      handle: async ({ params, body, actor }) => changeBody(await deps.orgGroups.addMembers(params.id!, body.accountIds, actor)),
    }),
    defineRoute({
      method: 'POST', path: '/org-groups/:id/members/remove', tag: 'Org groups', summary: "Removes accounts an admin added by hand (a membership from the IdP stays)", invalid: 'org_group.invalid', returns: '`changes`',
      body: z.object({ accountIds: z.array(id).min(1).max(1000) }),
      handle: async ({ params, body, actor }) => changeBody(await deps.orgGroups.removeMembers(params.id!, body.accountIds, actor)),
    }),
    defineRoute({
      method: 'PUT', path: '/org-groups/:id/default', tag: 'Org groups', summary: 'Makes the group a default group (`new`: new accounts join it; `all`: every account) or not (null); a synced group cannot be one', invalid: 'org_group.invalid', returns: 'the group and `changes`',
      body: z.object({ kind: z.enum(['new', 'all']).nullable() }), query: preview,
      handle: async ({ params, body, query, actor }) => changeBody(await deps.orgGroups.setDefault(params.id!, body.kind, actor, isPreview(query))),
    }),

    defineRoute({
      method: 'GET', path: '/apps', tag: 'Apps', summary: 'Apps with their grants and seat use', invalid: 'app.invalid', returns: '`apps`',
      handle: async () => ({ apps: await deps.apps.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/apps', tag: 'Apps', summary: 'Creates an app', invalid: 'app.invalid', status: 201, returns: 'the app',
      body: z.object({ name, kind: z.enum(['wiki', 'issue_tracker', 'code_host', 'other']).default('other'), seatLimit: z.number().int().min(0).max(100_000_000).nullable().optional() }),
      handle: ({ body, actor }) => deps.apps.create(body, actor),
    }),
    defineRoute({
      method: 'GET', path: '/apps/:id', tag: 'Apps', summary: 'One app', invalid: 'app.invalid', returns: 'the app',
      handle: ({ params }) => deps.apps.get(params.id!),
    }),
    defineRoute({
      method: 'PATCH', path: '/apps/:id', tag: 'Apps', summary: "Changes an app's name, kind or seat limit (a raised limit seats the queue)", invalid: 'app.invalid', returns: 'the app',
      body: z.object({ name: name.optional(), kind: z.enum(['wiki', 'issue_tracker', 'code_host', 'other']).optional(), seatLimit: z.number().int().min(0).max(100_000_000).nullable().optional() }),
      handle: ({ params, body, actor }) => deps.apps.update(params.id!, body, actor),
    }),
    defineRoute({
      method: 'DELETE', path: '/apps/:id', tag: 'Apps', summary: 'Deletes an app; its access is revoked', invalid: 'app.invalid', status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.apps.remove(params.id!, actor),
    }),
    defineRoute({
      method: 'POST', path: '/apps/:id/grants', tag: 'Apps', summary: 'Grants the app to an org group; `?preview=true` lists who would gain it', invalid: 'app.invalid', returns: 'the app and `changes`',
      body: z.object({ groupId: id }), query: preview,
      handle: async ({ params, body, query, actor }) => changeBody(await deps.apps.grant(params.id!, body.groupId, actor, isPreview(query))),
    }),
    defineRoute({
      method: 'DELETE', path: '/apps/:id/grants/:groupId', tag: 'Apps', summary: 'Removes a grant; `?preview=true` lists who would lose the app', invalid: 'app.invalid', returns: 'the app and `changes`',
      query: preview,
      handle: async ({ params, query, actor }) => changeBody(await deps.apps.ungrant(params.id!, params.groupId!, actor, isPreview(query))),
    }),
    defineRoute({
      method: 'GET', path: '/apps/:id/access', tag: 'Apps', summary: 'Accounts with the app (or queued for a seat), paged', invalid: 'app.invalid', returns: '`access` and `nextCursor`',
      query: z.object({ status: z.enum(['granted', 'queued']).optional(), updatedSince: z.iso.datetime({ offset: true }).optional(), cursor, limit }),
      handle: async ({ params, query }) => {
        const size = query.limit ?? 100;
        const rows = await deps.apps.access(params.id!, { ...query, afterSeq: decodeCursor(query.cursor) ?? 0, limit: size });
        return { access: rows.map((r) => ({ ...r.account, access: { status: r.access.status, since: r.access.since } })), nextCursor: rows.length === size ? encodeCursor(rows[rows.length - 1]!.access.seq) : null };
      },
    }),
    defineRoute({
      method: 'GET', path: '/apps/:id/keys', tag: 'Apps', summary: "The app's read-API keys (never the keys themselves)", invalid: 'app.invalid', returns: '`keys`',
      handle: async ({ params }) => ({ keys: await deps.apps.listKeys(params.id!) }),
    }),
    defineRoute({
      method: 'POST', path: '/apps/:id/keys', tag: 'Apps', summary: 'Creates a read-API key for the app, shown once', invalid: 'app.invalid', status: 201, returns: 'the key (`key`, shown once) and its id',
      body: z.object({ label: z.string().max(200).nullable().optional() }),
      handle: async ({ params, body, actor }) => {
        const issued = await deps.apps.createKey(params.id!, body.label ?? null, actor);
        return { ...issued.view, key: issued.key };
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/apps/:id/keys/:keyId', tag: 'Apps', summary: 'Revokes a read-API key', invalid: 'app.invalid', status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.apps.revokeKey(params.id!, params.keyId!, actor),
    }),

    defineRoute({
      method: 'GET', path: '/held', tag: 'Held deprovisions', summary: 'Deprovisions the mass-deprovision guard held (or, by status, decided ones)', invalid: 'request.invalid', returns: '`held`',
      query: z.object({ status: z.enum(['held', 'approved', 'rejected', 'applied']).optional(), directoryId: id.optional(), limit }),
      handle: async ({ query }) => ({ held: await deps.held.list(query) }),
    }),
    defineRoute({
      method: 'POST', path: '/held/approve', tag: 'Held deprovisions', summary: 'Approves held deprovisions (by id, or all of a directory or of every directory), applied in the order held', invalid: 'request.invalid', returns: 'how many were decided and applied, and `changes`',
      body: z.union([z.object({ ids: z.array(id).min(1).max(10_000) }), z.object({ all: z.literal(true), directoryId: id.optional() })]),
      handle: async ({ body, actor }) => changeBody('ids' in body ? await deps.held.approve(body.ids, actor) : await deps.held.approveAll(body.directoryId, actor)),
    }),
    defineRoute({
      method: 'POST', path: '/held/reject', tag: 'Held deprovisions', summary: 'Rejects held deprovisions: the accounts stay as they are', invalid: 'request.invalid', returns: 'how many were decided, and `changes`',
      body: z.union([z.object({ ids: z.array(id).min(1).max(10_000) }), z.object({ all: z.literal(true), directoryId: id.optional() })]),
      handle: async ({ body, actor }) => changeBody('ids' in body ? await deps.held.reject(body.ids, actor) : await deps.held.rejectAll(body.directoryId, actor)),
    }),
  ];
}
