import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Printable ASCII without spaces, at most 128 characters: safe to echo in a header and a log line. */
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

/**
 * The request id, echoed as `x-request-id` so an admin can find the log line of a failed call. A
 * client's own id (an IdP's correlation id) is kept when it is bounded and printable; otherwise a
 * new one is generated, so a client cannot write arbitrary text into the log or the response.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && ACCEPTABLE.test(sent) ? sent : randomUUID();
}
