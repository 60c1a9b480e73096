import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export const SCIM_MEDIA_TYPE = 'application/scim+json';

export interface SimResponse {
  /** HTTP status, or 0 when no response arrived (connection refused, timeout). */
  readonly status: number;
  readonly contentType: string | undefined;
  /** The parsed JSON body; undefined for an empty or non-JSON body. */
  readonly body: unknown;
  readonly text: string;
  readonly ms: number;
  /** Why there is no response, when status is 0. */
  readonly error?: string;
}

export interface SimClientOptions {
  /** The SCIM base URL as an admin pastes it into the IdP (`https://host/scim/v2/<dir>`, maybe with `?aadOptscim062020`). */
  readonly baseUrl: string;
  readonly token: string;
  /** Sent as `User-Agent` when set; Entra sometimes sends none [I1]. */
  readonly userAgent?: string;
  /** Appended to every request's query string (Entra keeps its tenant-URL flag on each call [E2]). */
  readonly extraQuery?: string;
  readonly timeoutMs: number;
  readonly connections: number;
}

export interface SimClient {
  /** The base URL without query string or trailing slash. */
  readonly base: string;
  send(method: string, path: string, body?: unknown): Promise<SimResponse>;
  close(): Promise<void>;
}

/** Splits a pasted base URL into the URL requests are built on and the query it carried. */
export function splitBaseUrl(baseUrl: string): { base: string; query: string } {
  const url = new URL(baseUrl);
  const query = url.search.replace(/^\?/, '');
  url.search = '';
  url.hash = '';
  return { base: url.toString().replace(/\/+$/, ''), query };
}

/**
 * An HTTP client that speaks like an IdP: bearer token, SCIM media type, one JSON body per call,
 * over its own undici agent (so a run never shares sockets with anything else and closes cleanly).
 * Errors never throw: a failed connection is a response with status 0, which the checks report.
 */
export function createSimClient(options: SimClientOptions): SimClient {
  const { base, query } = splitBaseUrl(options.baseUrl);
  const extra = [query, options.extraQuery ?? ''].filter(Boolean).join('&');
  const agent = new Agent({ connections: options.connections, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: SCIM_MEDIA_TYPE };
  if (options.userAgent) headers['user-agent'] = options.userAgent;

  async function send(method: string, path: string, body?: unknown): Promise<SimResponse> {
    const url = base + path + (extra ? (path.includes('?') ? '&' : '?') + extra : '');
    const started = performance.now();
    try {
      const res = await request(url, {
        method: method as 'GET',
        dispatcher: agent,
        headers: body === undefined ? headers : { ...headers, 'content-type': `${SCIM_MEDIA_TYPE}; charset=utf-8` },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await res.body.text();
      const ms = performance.now() - started;
      const type = res.headers['content-type'];
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, contentType: Array.isArray(type) ? type[0] : type, body: parsed, text, ms };
    } catch (error) {
      return { status: 0, contentType: undefined, body: undefined, text: '', ms: performance.now() - started, error: (error as Error).message };
    }
  }

  return { base, send, close: () => agent.close() };
}
