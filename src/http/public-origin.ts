import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../config/load-config.ts';

/** A DNS name (RFC 1123 labels; `_` too, as container names have it), without a trailing dot. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** `host`, `host:port`, `1.2.3.4[:port]` or `[::1][:port]`, nothing else (RFC 9110 §7.2 `Host`). */
export function isValidHost(value: string): boolean {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const [, host = '', port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (host.startsWith('[')) return isIPv6(host.slice(1, -1));
  return isIPv4(host) || HOSTNAME.test(host);
}

/** The address this request reached, when the client's Host cannot be used. */
function listeningAddress(request: FastifyRequest): string {
  const socket = request.raw.socket;
  const address = socket.localAddress ?? '127.0.0.1';
  const host = isIPv6(address) ? `[${address}]` : address;
  return socket.localPort ? `${host}:${socket.localPort}` : host;
}

/**
 * The public origin of this server, for `Location`, `meta.location` and `$ref`: ROSTER_PUBLIC_URL
 * (production sets it), else what the client called. Without it, the Host header (or a trusted
 * proxy's X-Forwarded-Host/-Proto) is client input that flows into URLs an IdP follows, so only
 * `http`/`https` and a syntactically valid host are used; anything else falls back to the socket's
 * own scheme and the listening address.
 */
export function publicOrigin(config: RosterConfig, request: FastifyRequest): string {
  if (config.publicUrl) return config.publicUrl;
  const socketProtocol = (request.raw.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const claimed = request.protocol;
  const protocol = claimed === 'http' || claimed === 'https' ? claimed : socketProtocol;
  const host = isValidHost(request.host) ? request.host : listeningAddress(request);
  return `${protocol}://${host}`;
}
