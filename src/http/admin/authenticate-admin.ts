import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import { adminActor, sameSecret } from '../../domain/admins/admin-views.ts';
import type { AdminSessionService, ActiveSession } from '../../domain/admins/create-admin-session-service.ts';
import type { AdminKeyService, AdminKeyView } from '../../domain/directories/create-admin-key-service.ts';
import type { AuditActor } from '../../domain/records.ts';
import { presentedToken } from '../scim/authenticate-scim.ts';
import { clearSessionCookie, sessionCookieOf } from './session-cookie.ts';

/**
 * Who may call an admin API route, in its route `config.access`:
 * - `public`: anyone (setup, login);
 * - `self`: any signed-in admin, read_only too, even for a write (logout, own password change);
 * - `owner`: owners only for writes (admin accounts and admin keys);
 * - absent: any admin for reads, owner and admin roles for writes.
 */
export type AdminAccess = 'public' | 'self' | 'owner';

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin key that authenticated an admin API request. */
    adminKey?: AdminKeyView;
    /** The console session that authenticated an admin API request. */
    adminSession?: ActiveSession;
  }
  interface FastifyContextConfig {
    access?: AdminAccess;
  }
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who made an admin API request, for the audit log: the key (id, prefix, label) or the admin (id, email), and the client's address. */
export function actorOf(request: FastifyRequest): AuditActor {
  if (request.adminSession) return adminActor(request.adminSession.admin, request.ip);
  const key = request.adminKey;
  if (!key) return { type: 'system', id: null, label: null, address: request.ip };
  return { type: 'admin_key', id: key.id, label: key.label ? `${key.prefix} (${key.label})` : key.prefix, address: request.ip };
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * The admin API takes an admin key (`Authorization: Bearer rsk_…` or `X-Api-Key: rsk_…`, acting
 * as role `admin`) or a console session cookie. Every role and CSRF check of the API is here, in
 * one hook, so a new route is covered without a line of its own: a cookie-authenticated write needs
 * `X-CSRF-Token`, and read_only admins write nothing but their own logout and password.
 */
export function createAdminAuthHook(deps: { adminKeys: AdminKeyService; adminSessions: AdminSessionService; config: RosterConfig }) {
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply) {
    const access = request.routeOptions.config?.access;
    if (access === 'public') return;
    const header = request.headers['x-api-key'];
    const key = typeof header === 'string' ? header : presentedToken(request.headers.authorization);
    let role: string;
    if (key) {
      const found = await deps.adminKeys.identify(key);
      if (!found) {
        request.log.warn('admin API authentication failed');
        reply.header('www-authenticate', 'Bearer realm="roster-admin"');
        return refuse(reply, 401, 'auth.invalid', 'send an admin key as "Authorization: Bearer rsk_…" (create one with `roster admin-key create`), or sign in');
      }
      request.adminKey = found;
      role = 'admin';
    } else {
      const cookie = sessionCookieOf(request);
      const session = cookie ? await deps.adminSessions.identify(cookie) : undefined;
      if (!session) {
        if (cookie) clearSessionCookie(reply, request, deps.config);
        reply.header('www-authenticate', 'Bearer realm="roster-admin"');
        return refuse(reply, 401, 'auth.invalid', cookie ? 'the session has ended; sign in again' : 'sign in, or send an admin key as "Authorization: Bearer rsk_…"');
      }
      request.adminSession = session;
      role = session.admin.role;
      const csrf = request.headers['x-csrf-token'];
      if (!SAFE_METHODS.has(request.method) && (typeof csrf !== 'string' || !sameSecret(csrf, session.csrfToken))) {
        return refuse(reply, 403, 'auth.csrf', 'send the session\'s CSRF token (the csrfToken of /api/v1/session) in the X-CSRF-Token header');
      }
    }
    if (SAFE_METHODS.has(request.method) || access === 'self') return;
    if (role === 'read_only') return refuse(reply, 403, 'auth.forbidden', 'a read_only admin cannot change anything');
    if (access === 'owner' && role !== 'owner') return refuse(reply, 403, 'auth.forbidden', 'only an owner can manage admin accounts and admin keys');
  };
}
