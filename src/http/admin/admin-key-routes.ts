import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';

const LABEL_MAX = 200;

/**
 * Admin keys (for the CLI and scripts) from the console: listed by any admin, created and revoked by
 * owners only (a key acts as an admin and outlives the account of whoever made it). The key itself is
 * in the create answer only.
 */
export function adminKeyRoutes(deps: Pick<Services, 'adminKeys'>): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET', path: '/admin-keys', tag: 'Admins', summary: 'Admin keys (never the keys themselves)', invalid: 'request.invalid', returns: '`adminKeys`',
      handle: async () => ({ adminKeys: await deps.adminKeys.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/admin-keys', tag: 'Admins', summary: 'Creates an admin key, shown once (owners only)', invalid: 'request.invalid', access: 'owner', status: 201, returns: 'the key (`key`, shown once) and its id',
      body: z.object({ label: z.string({ message: `must be a string of at most ${LABEL_MAX} characters` }).max(LABEL_MAX, `must be a string of at most ${LABEL_MAX} characters`).nullable().optional() }),
      handle: async ({ body, actor }) => {
        const created = await deps.adminKeys.create(body.label ?? null, actor);
        return { ...created.view, key: created.key };
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/admin-keys/:id', tag: 'Admins', summary: 'Revokes an admin key (owners only)', invalid: 'request.invalid', access: 'owner', status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.adminKeys.revoke(params.id!, actor),
    }),
  ];
}
