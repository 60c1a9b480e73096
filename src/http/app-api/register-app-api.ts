import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { decodeCursor, encodeCursor } from '../../domain/ops/create-audit-log.ts';
import { defineRoute, type ApiRoute } from '../admin/api-route.ts';
import { renderApiError } from '../render-error.ts';
import { presentedToken } from '../scim/authenticate-scim.ts';

export type AppApiDeps = Pick<Services, 'apps' | 'accounts' | 'orgGroups'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The app whose read-API key authenticated the request. */
    appId?: string;
  }
}

const limit = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional();
const cursor = z.string().max(100).optional();

/** What an app reads of an account: the profile, its groups and its apps; never SCIM internals. */
async function accountForApp(deps: AppApiDeps, appId: string, accountId: string) {
  const detail = await deps.accounts.get(accountId).catch(() => undefined);
  if (!detail || !detail.apps.some((a) => a.id === appId)) throw new DomainError('account.not_found', `no account ${accountId} with access to this app`);
  const { links: _links, groups, apps, ...profile } = detail;
  return { ...profile, groups: groups.map((g) => ({ id: g.id, name: g.name })), apps: apps.map((a) => ({ id: a.id, name: a.name, status: a.status })) };
}

/** The read API's routes, relative to `/api/v1/app`; the key says which app. */
export function appApiRoutes(deps: AppApiDeps): ApiRoute[] {
  const appOf = (request: FastifyRequest) => request.appId!;
  return [
    defineRoute({
      method: 'GET', path: '', tag: 'Read API', summary: 'The app this key belongs to, with its seat use', invalid: 'app.invalid', returns: 'the app',
      handle: ({ request }) => deps.apps.get(appOf(request)),
    }),
    defineRoute({
      method: 'GET', path: '/accounts', tag: 'Read API', summary: 'Accounts with access to the app (or queued), in the order they got it; `updatedSince` for incremental sync', invalid: 'app.invalid', returns: '`accounts` and `nextCursor`',
      query: z.object({ status: z.enum(['granted', 'queued']).optional(), updatedSince: z.iso.datetime({ offset: true }).optional(), cursor, limit }),
      handle: async ({ request, query }) => {
        const size = query.limit ?? 100;
        const rows = await deps.apps.access(appOf(request), { ...query, afterSeq: decodeCursor(query.cursor) ?? 0, limit: size });
        return { accounts: rows.map((r) => ({ ...r.account, access: { status: r.access.status, since: r.access.since } })), nextCursor: rows.length === size ? encodeCursor(rows[rows.length - 1]!.access.seq) : null };
      },
    }),
    defineRoute({
      method: 'GET', path: '/accounts/:id', tag: 'Read API', summary: 'One account with access to the app, with its groups and apps', invalid: 'app.invalid', returns: 'the account',
      handle: ({ request, params }) => accountForApp(deps, appOf(request), params.id!),
    }),
    defineRoute({
      method: 'GET', path: '/groups', tag: 'Read API', summary: 'Org groups, paged', invalid: 'app.invalid', returns: '`groups` and `nextCursor`',
      query: z.object({ search: z.string().max(200).optional(), cursor, limit }),
      handle: async ({ query }) => {
        const size = query.limit ?? 100;
        const groups = await deps.orgGroups.list({ search: query.search, afterSeq: decodeCursor(query.cursor) ?? 0, limit: size });
        return { groups: groups.map((g) => ({ id: g.id, name: g.name, memberCount: g.memberCount })), nextCursor: groups.length === size ? encodeCursor(groups[groups.length - 1]!.seq) : null };
      },
    }),
    defineRoute({
      method: 'GET', path: '/groups/:id/members', tag: 'Read API', summary: "A group's members that have access to the app, paged", invalid: 'app.invalid', returns: '`members` and `nextCursor`',
      query: z.object({ cursor, limit }),
      handle: async ({ request, params, query }) => {
        const size = query.limit ?? 100;
        await deps.orgGroups.get(params.id!);
        const members = await deps.accounts.list({ groupId: params.id!, appId: appOf(request), afterSeq: decodeCursor(query.cursor) ?? 0, limit: size });
        return { members, nextCursor: members.length === size ? encodeCursor(members[members.length - 1]!.seq) : null };
      },
    }),
  ];
}

/** The read API for apps at `/api/v1/app`, with app-scoped keys (`Authorization: Bearer rak_…`). */
export async function registerAppApi(app: FastifyInstance, deps: AppApiDeps, register: (api: FastifyInstance, routes: ApiRoute[]) => void) {
  await app.register(
    async (api) => {
      api.setErrorHandler(renderApiError);
      api.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        const key = presentedToken(request.headers.authorization);
        const appId = key ? await deps.apps.identifyKey(key) : undefined;
        if (!appId) {
          reply.header('www-authenticate', 'Bearer realm="roster-app"');
          return reply.code(401).send({ error: { code: 'app_key.invalid', message: 'send an app key as "Authorization: Bearer rak_…" (create one with `roster app key create`)' } });
        }
        request.appId = appId;
      });
      register(api, appApiRoutes(deps));
    },
    { prefix: '/api/v1/app' },
  );
}
