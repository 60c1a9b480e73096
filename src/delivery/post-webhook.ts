import { Agent, request } from 'undici';

export interface PostResult {
  readonly ok: boolean;
  readonly httpStatus: number | null;
  /** Why it failed, short and without secrets: `HTTP 500`, `ECONNREFUSED`, `timeout`. */
  readonly error: string | null;
}

/** Receivers may answer with anything; only this much of a body is read (and dropped). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One HTTP client for every endpoint: kept-alive connections (a TLS handshake per delivery would cap
 * the rate), at most `connections` per origin, and a hard limit per attempt covering connect,
 * headers and body, so a slow receiver holds only its own endpoint's slots.
 */
export function createWebhookPoster(options: { timeoutMs: number; connections: number }) {
  const agent = new Agent({
    connections: options.connections,
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });

  return {
    async post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<PostResult> {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      try {
        const res = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', ...headers },
          dispatcher: agent,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        await res.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        return { ok, httpStatus: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}` };
      } catch (error) {
        const e = error as { code?: string; name?: string; cause?: { code?: string } };
        const reason = timeout.aborted ? 'timeout' : signal?.aborted ? 'aborted: shutting down' : (e.code ?? e.cause?.code ?? e.name ?? 'request failed');
        return { ok: false, httpStatus: null, error: reason };
      }
    },
    close: () => agent.close(),
  };
}
