import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import { publicOrigin } from '../public-origin.ts';

export const SESSION_COOKIE = 'roster_session';

/** The session cookie's value, if the request carries one (RFC 6265 §5.4 `Cookie: a=b; c=d`). */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? value : undefined;
    }
  }
  return undefined;
}

/**
 * `Secure` when the client reached Roster over HTTPS, as public-origin.ts decides it: the
 * configured ROSTER_PUBLIC_URL, else the socket or a trusted proxy's X-Forwarded-Proto. Over plain
 * HTTP (a LAN, a test) a Secure cookie would never be sent back.
 */
function attributes(config: RosterConfig, request: FastifyRequest): string {
  // HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it.
  const secure = publicOrigin(config, request).startsWith('https:') ? '; Secure' : '';
  return `HttpOnly; SameSite=Strict; Path=/${secure}`;
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, config: RosterConfig, token: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; ${attributes(config, request)}`);
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, config: RosterConfig): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${attributes(config, request)}; Max-Age=0`);
}
