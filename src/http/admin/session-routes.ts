import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';

export type SessionRouteDeps = Pick<Services, 'admins' | 'adminSessions' | 'adminSetup'> & { readonly config: RosterConfig };

/** Fields the domain checks itself (it says which is wrong and why); the schema only names them. */
const fields = <K extends string>(...names: K[]) => z.object(Object.fromEntries(names.map((n) => [n, z.unknown().optional()])) as Record<K, z.ZodOptional<z.ZodUnknown>>);

function sessionOf(request: FastifyRequest) {
  if (!request.adminSession) throw new DomainError('auth.invalid', 'no console session: this request was made with an admin key');
  return request.adminSession;
}

/**
 * First-run setup, sign-in and sign-out, password change, and admin accounts (docs/console-and-admins.md),
 * as route data inside the admin API, behind its auth hook; `access` says who may call each.
 */
export function sessionRoutes(deps: SessionRouteDeps): ApiRoute[] {
  const cookie = (reply: FastifyReply | undefined) => reply!;
  return [
    defineRoute({
      method: 'GET', path: '/setup', tag: 'Admins', summary: 'Whether the first-run setup is still needed', invalid: 'request.invalid', access: 'public', returns: '`needed`',
      handle: async () => ({ needed: await deps.adminSetup.needed() }),
    }),
    defineRoute({
      method: 'POST', path: '/setup', tag: 'Admins', summary: 'Creates the first owner with the setup token and signs in', invalid: 'request.invalid', access: 'public', status: 201, returns: '`admin` and `csrfToken`; sets the session cookie',
      body: fields('token', 'email', 'password'),
      handle: async ({ body, request, reply }) => {
        const started = await deps.adminSetup.complete({ token: body.token, email: body.email, password: body.password }, request.ip);
        setSessionCookie(cookie(reply), request, deps.config, started.token);
        return { admin: started.admin, csrfToken: started.csrfToken };
      },
    }),
    defineRoute({
      method: 'POST', path: '/session', tag: 'Admins', summary: 'Signs in to the console', invalid: 'request.invalid', access: 'public', returns: '`admin` and `csrfToken`; sets the session cookie',
      body: fields('email', 'password'),
      handle: async ({ body, request, reply }) => {
        const started = await deps.adminSessions.login(body.email, body.password, request.ip);
        setSessionCookie(cookie(reply), request, deps.config, started.token);
        return { admin: started.admin, csrfToken: started.csrfToken };
      },
    }),
    defineRoute({
      method: 'GET', path: '/session', tag: 'Admins', summary: 'The signed-in admin', invalid: 'request.invalid', returns: '`admin` and `csrfToken`',
      handle: async ({ request }) => {
        const session = sessionOf(request);
        return { admin: session.admin, csrfToken: session.csrfToken };
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/session', tag: 'Admins', summary: 'Signs out', invalid: 'request.invalid', access: 'self', status: 204, returns: 'nothing; clears the session cookie',
      handle: async ({ request, reply }) => {
        await deps.adminSessions.logout(sessionOf(request).sessionId);
        clearSessionCookie(cookie(reply), request, deps.config);
      },
    }),
    defineRoute({
      method: 'POST', path: '/session/password', tag: 'Admins', summary: "Changes the signed-in admin's password", invalid: 'request.invalid', access: 'self', status: 204, returns: 'nothing',
      body: fields('currentPassword', 'newPassword'),
      handle: async ({ body, request, actor }) => {
        const session = sessionOf(request);
        await deps.admins.changePassword(session.admin.id, { currentPassword: body.currentPassword, newPassword: body.newPassword }, actor, session.sessionId);
      },
    }),
    defineRoute({
      method: 'GET', path: '/admins', tag: 'Admins', summary: 'Admin accounts', invalid: 'request.invalid', returns: '`admins`',
      handle: async () => ({ admins: await deps.admins.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/admins', tag: 'Admins', summary: 'Creates an admin account (owners only)', invalid: 'request.invalid', access: 'owner', status: 201, returns: 'the admin',
      body: fields('email', 'password', 'role'),
      handle: ({ body, actor }) => deps.admins.create({ email: body.email, password: body.password, role: body.role }, actor),
    }),
    defineRoute({
      method: 'GET', path: '/admins/:id', tag: 'Admins', summary: 'One admin account', invalid: 'request.invalid', returns: 'the admin',
      handle: ({ params }) => deps.admins.get(params.id!),
    }),
    defineRoute({
      method: 'PATCH', path: '/admins/:id', tag: 'Admins', summary: "Changes an admin's role (owners only)", invalid: 'request.invalid', access: 'owner', returns: 'the admin',
      body: fields('role'),
      handle: ({ params, body, actor }) => deps.admins.setRole(params.id!, body.role, actor),
    }),
    defineRoute({
      method: 'DELETE', path: '/admins/:id', tag: 'Admins', summary: 'Removes an admin account (owners only)', invalid: 'request.invalid', access: 'owner', status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.admins.remove(params.id!, actor),
    }),
  ];
}
