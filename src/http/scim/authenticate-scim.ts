import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ScimAuthenticator } from '../../domain/directories/create-scim-authenticator.ts';
import type { DirectoryRecord } from '../../domain/records.ts';
import { ipAllowed } from '../../domain/directories/directory-settings.ts';
import { ScimError } from '../../scim/scim-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    directory?: DirectoryRecord;
  }
}

/**
 * The presented token: `Authorization: Bearer <token>`, or HTTP Basic with the token as the password
 * and any user name (IdP apps that only offer Basic, like Okta's older app templates).
 */
export function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  return undefined;
}

/**
 * One answer for every 401: a client cannot tell an unknown token from a revoked, expired or other
 * directory's one (which would confirm a leaked token is real). The log says which, without the token.
 */
const UNAUTHORIZED_DETAIL = 'send a valid token of this directory as "Authorization: Bearer <token>"';

function unauthorized(reply: FastifyReply): ScimError {
  reply.header('www-authenticate', 'Bearer realm="roster", Basic realm="roster"');
  return new ScimError(401, undefined, UNAUTHORIZED_DETAIL);
}

/** A token reaches exactly one directory; a paused or deleted directory answers with an error, never a silent 200. */
export function createScimAuthHook(authenticate: ScimAuthenticator) {
  return async function authenticateScim(request: FastifyRequest<{ Params: { directoryId: string } }>, reply: FastifyReply) {
    const token = presentedToken(request.headers.authorization);
    if (!token) {
      request.log.warn({ reason: 'missing', directoryId: request.params.directoryId }, 'SCIM authentication failed');
      throw unauthorized(reply);
    }
    const auth = await authenticate(token);
    if (!auth.ok) {
      request.log.warn({ reason: auth.reason, directoryId: request.params.directoryId }, 'SCIM authentication failed');
      throw unauthorized(reply);
    }
    // Before the allow-list: its 403 would tell a caller that another directory's token is real.
    if (auth.directory.id !== request.params.directoryId) {
      request.log.warn({ reason: 'other_directory', directoryId: request.params.directoryId, tokenId: auth.tokenId }, 'SCIM authentication failed');
      throw unauthorized(reply);
    }
    if (!ipAllowed(auth.directory.ipAllowlist, request.ip)) {
      request.log.warn({ directoryId: auth.directory.id, ip: request.ip }, 'SCIM request rejected by the directory IP allow-list');
      throw new ScimError(403, undefined, `requests from ${request.ip} are not allowed for this directory`);
    }
    if (auth.directory.status === 'deleted') throw new ScimError(404, undefined, 'this directory has been deleted');
    if (auth.directory.status === 'paused') throw new ScimError(403, undefined, 'this directory is paused; an administrator must resume it');
    if (auth.expiresAt) {
      // Tell both the IdP's logs and the operator's: the token stops working soon.
      reply.header('warning', `299 roster "the token expires at ${auth.expiresAt}; rotate it"`);
      request.log.warn({ directoryId: auth.directory.id, tokenId: auth.tokenId, expiresAt: auth.expiresAt }, 'SCIM token expires soon; rotate it');
    }
    request.directory = auth.directory;
  };
}
