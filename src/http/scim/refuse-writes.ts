import type { FastifyInstance, FastifyReply } from 'fastify';
import { ScimError } from '../../scim/scim-error.ts';

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Discovery documents are read-only (RFC 7644 §4: "GET" only): a write to one is 405 with
 * `Allow: GET` (RFC 9110 §15.5.6), as a SCIM error, rather than the 404 of an unknown endpoint.
 */
export function refuseWrites(app: FastifyInstance, urls: readonly string[]): void {
  const handler = async (_request: unknown, reply: FastifyReply) => {
    reply.header('allow', 'GET');
    throw new ScimError(405, undefined, 'this endpoint is read-only; only GET is allowed');
  };
  for (const url of urls) app.route({ method: [...WRITE_METHODS], url, handler });
}
