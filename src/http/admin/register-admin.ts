import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import { renderApiError } from '../render-error.ts';
import { publicOrigin } from '../public-origin.ts';
import { adminInput } from './admin-inputs.ts';
import { actorOf, createAdminAuthHook } from './authenticate-admin.ts';
import { registerApiRoutes } from './api-route.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { registerAdminKeyRoutes } from './admin-key-routes.ts';
import { orgRoutes, type OrgDeps } from './org-routes.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerFeedAndWebhookRoutes, type FeedAndWebhookDeps } from './webhook-routes.ts';
import { registerScimBrowseRoutes } from './scim-browse-routes.ts';

export type AdminDeps = Pick<Services, 'directories' | 'tokens' | 'adminKeys' | 'admins' | 'adminSessions' | 'adminSetup' | 'verifyPassword' | 'requestLog' | 'audit' | 'provisioningStatus' | 'users' | 'groups'> &
  FeedAndWebhookDeps &
  OrgDeps & { readonly config: RosterConfig };

/** A route of the admin API as registered: tests walk them all (every write route is role-checked). */
export interface AdminRouteInfo {
  readonly method: string;
  readonly url: string;
  readonly access: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the admin API, filled as they are registered. */
    adminRoutes: readonly AdminRouteInfo[];
  }
}

type WithId = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>;

/** The admin REST API at `/api/v1`: directories and their tokens, and the console's sessions and admin accounts. */
export async function registerAdmin(app: FastifyInstance, deps: AdminDeps) {
  const { directories } = deps;
  const routes: AdminRouteInfo[] = [];
  app.decorate('adminRoutes', routes);
  await app.register(
    async (api) => {
      api.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: (route.config as { access?: string } | undefined)?.access });
      });
      api.setErrorHandler(renderApiError);
      api.addHook('onRequest', createAdminAuthHook(deps));
      const scimBaseUrl = (request: FastifyRequest, id: string) => `${publicOrigin(deps.config, request)}/scim/v2/${id}`;

      api.get('/directories', async (request) => ({ directories: (await directories.list()).map((d) => ({ ...d, scimBaseUrl: scimBaseUrl(request, d.id) })) }));
      api.post('/directories', async (request, reply) => {
        const { directory, token } = await directories.create(adminInput('createDirectory', request.body), actorOf(request));
        return reply.code(201).send({ ...directory, scimBaseUrl: scimBaseUrl(request, directory.id), token: token.token });
      });
      api.get('/directories/:id', async (request: WithId) => {
        const d = await directories.get(request.params.id);
        return { ...d, scimBaseUrl: scimBaseUrl(request, d.id) };
      });
      api.patch('/directories/:id', async (request: WithId) => directories.update(request.params.id, adminInput('updateDirectory', request.body), actorOf(request)));
      api.post('/directories/:id/pause', async (request: WithId) => directories.update(request.params.id, { status: 'paused' }, actorOf(request)));
      api.post('/directories/:id/resume', async (request: WithId) => directories.update(request.params.id, { status: 'active' }, actorOf(request)));
      api.delete('/directories/:id', async (request: WithId, reply) => {
        await directories.remove(request.params.id, actorOf(request));
        return reply.code(204).send();
      });

      api.get('/directories/:id/attributes', async (request: WithId) => ({ attributes: (await directories.get(request.params.id)).customAttributes }));
      api.post('/directories/:id/attributes', async (request: WithId, reply) => reply.code(201).send(await directories.addAttribute(request.params.id, adminInput('addAttribute', request.body), actorOf(request))));
      api.delete('/directories/:id/attributes/:name', async (request: FastifyRequest<{ Params: { id: string; name: string } }>, reply) => {
        await directories.removeAttribute(request.params.id, request.params.name, actorOf(request));
        return reply.code(204).send();
      });
      // For apps that authenticate users locally against the passwords their IdP syncs.
      api.post('/directories/:id/verify-password', async (request: WithId) => ({ valid: await deps.verifyPassword(request.params.id, adminInput('verifyPassword', request.body)) }));

      api.get('/directories/:id/tokens', async (request: WithId) => ({ tokens: await deps.tokens.list(request.params.id) }));
      api.post('/directories/:id/tokens', async (request: WithId, reply) => {
        const input = adminInput('createToken', request.body);
        const issued = await deps.tokens.create(request.params.id, { label: input.label ?? null, expiresAt: input.expiresAt ?? null }, actorOf(request));
        return reply.code(201).send({ ...issued.view, token: issued.token });
      });
      api.post('/tokens/:id/rotate', async (request: WithId, reply) => {
        const issued = await deps.tokens.rotate(request.params.id, adminInput('rotateToken', request.body).graceSeconds, actorOf(request));
        return reply.code(201).send({ ...issued.view, token: issued.token });
      });
      api.delete('/tokens/:id', async (request: WithId) => deps.tokens.revoke(request.params.id, actorOf(request)));
      registerFeedAndWebhookRoutes(api, deps);
      registerOpsRoutes(api, deps);
      registerSessionRoutes(api, deps);
      registerScimBrowseRoutes(api, deps);
      registerAdminKeyRoutes(api, deps);
      registerApiRoutes(api, orgRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
}
