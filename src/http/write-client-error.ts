import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { toV1ErrorBody } from '../scim/v1/v1-error-body.ts';
import { ScimError } from '../scim/scim-error.ts';
import { errorFamily, SCIM_CONTENT_TYPE } from './render-error.ts';
import { V1_CONTENT_TYPE } from './scim-v1/send-v1.ts';

/** Node's HTTP parser errors that still leave a socket a response can be written to. */
function statusOf(code: string | undefined): { status: number; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, detail: 'the request headers are larger than this server accepts' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, detail: 'the request took too long to arrive' };
  return { status: 400, detail: 'the request is not valid HTTP (unknown method, bad header or framing)' };
}

/** The request target from the first line of the raw bytes Node could not parse (`METHOD /path HTTP/1.1`). */
function targetOf(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return '';
  const line = rawPacket.subarray(0, 2048).toString('latin1').split('\r\n', 1)[0] ?? '';
  return line.split(' ')[1] ?? '';
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (an unknown method, headers
 * over the size limit, a bad Content-Length) before Fastify saw it. Where the socket can still be
 * written, the answer takes the shape of the API the request was for: an RFC 7644 §3.12 body under
 * `/scim/v2`, a 1.1 body under `/scim/v1`, the admin API's otherwise. The connection is closed after.
 */
export function writeClientError(this: { log: { debug: (o: object, m: string) => void } }, error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = statusOf(error.code);
  const family = errorFamily(targetOf(error.rawPacket));
  let type = 'application/json; charset=utf-8';
  let body: unknown;
  if (family === 'v2') {
    type = SCIM_CONTENT_TYPE;
    body = new ScimError(status, undefined, detail).toBody();
  } else if (family === 'v1') {
    type = V1_CONTENT_TYPE;
    body = toV1ErrorBody({ status: String(status), detail });
  } else {
    body = { error: { code: status === 431 ? 'request.headers_too_large' : 'request.invalid', message: detail } };
  }
  this.log.debug({ code: error.code, status }, 'HTTP parser refused the request');
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  } else {
    socket.destroy(error);
  }
}
