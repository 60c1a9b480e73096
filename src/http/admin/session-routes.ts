import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { actorOf } from './authenticate-admin.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';

export type SessionRouteDeps = Pick<Services, 'admins' | 'adminSessions' | 'adminSetup'> & { readonly config: RosterConfig };

type WithBody = FastifyRequest<{ Body: unknown; Params: { id: string } }>;

/** The body as an object (absent = `{}`); its fields are checked by the domain. */
function fields(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new DomainError('request.invalid', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function sessionOf(request: FastifyRequest) {
  if (!request.adminSession) throw new DomainError('auth.invalid', 'no console session: this request was made with an admin key');
  return request.adminSession;
}

/**
 * First-run setup, sign-in and sign-out, password change, and admin accounts (docs/console-and-admins.md).
 * Registered inside the admin API, behind its auth hook; `config.access` says who may call each.
 */
export function registerSessionRoutes(api: FastifyInstance, deps: SessionRouteDeps): void {
  const { config } = deps;

  api.get('/setup', { config: { access: 'public' } }, async () => ({ needed: await deps.adminSetup.needed() }));
  api.post('/setup', { config: { access: 'public' } }, async (request: WithBody, reply) => {
    const body = fields(request.body);
    const started = await deps.adminSetup.complete({ token: body.token, email: body.email, password: body.password }, request.ip);
    setSessionCookie(reply, request, config, started.token);
    return reply.code(201).send({ admin: started.admin, csrfToken: started.csrfToken });
  });

  api.post('/session', { config: { access: 'public' } }, async (request: WithBody, reply) => {
    const body = fields(request.body);
    const started = await deps.adminSessions.login(body.email, body.password, request.ip);
    setSessionCookie(reply, request, config, started.token);
    return reply.code(200).send({ admin: started.admin, csrfToken: started.csrfToken });
  });
  api.get('/session', async (request) => {
    const session = sessionOf(request);
    return { admin: session.admin, csrfToken: session.csrfToken };
  });
  api.delete('/session', { config: { access: 'self' } }, async (request, reply) => {
    await deps.adminSessions.logout(sessionOf(request).sessionId);
    clearSessionCookie(reply, request, config);
    return reply.code(204).send();
  });
  api.post('/session/password', { config: { access: 'self' } }, async (request: WithBody, reply) => {
    const session = sessionOf(request);
    const body = fields(request.body);
    await deps.admins.changePassword(session.admin.id, { currentPassword: body.currentPassword, newPassword: body.newPassword }, actorOf(request), session.sessionId);
    return reply.code(204).send();
  });

  api.get('/admins', async () => ({ admins: await deps.admins.list() }));
  api.post('/admins', { config: { access: 'owner' } }, async (request: WithBody, reply) => {
    const body = fields(request.body);
    return reply.code(201).send(await deps.admins.create({ email: body.email, password: body.password, role: body.role }, actorOf(request)));
  });
  api.get('/admins/:id', async (request: WithBody) => deps.admins.get(request.params.id));
  api.patch('/admins/:id', { config: { access: 'owner' } }, async (request: WithBody) => deps.admins.setRole(request.params.id, fields(request.body).role, actorOf(request)));
  api.delete('/admins/:id', { config: { access: 'owner' } }, async (request: WithBody, reply) => {
    await deps.admins.remove(request.params.id, actorOf(request));
    return reply.code(204).send();
  });
}
