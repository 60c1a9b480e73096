import { Agent, request } from 'undici';

export interface PostResult {
  readonly ok: boolean;
  readonly httpStatus: number | null;
  /** Why it failed, short and without secrets: `HTTP 500`, `ECONNREFUSED`, `timeout`. */
  readonly error: string | null;
}

/** Receivers may answer with anything; only this much of a body is read (and dropped). */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** How often attempts past their deadline are looked for: an attempt ends at most this late. */
const SWEEP_MS = 100;

/**
 * The abort handle of one attempt, in the EventEmitter shape undici accepts as a `signal`. An
 * `AbortSignal.timeout` joined with the shutdown signal by `AbortSignal.any` cost a tenth of the
 * delivery worker's CPU (timers, weak references, event targets: measured at 3,000 deliveries/s);
 * this is one small object, aborted by one sweep timer for every attempt in flight.
 */
class Attempt {
  aborted = false;
  reason: Error | undefined;
  #listener: (() => void) | undefined;
  constructor(readonly deadline: number) {}

  on(_type: 'abort', listener: () => void): this {
    this.#listener = listener;
    return this;
  }

  once(type: 'abort', listener: () => void): this {
    return this.on(type, listener);
  }

  removeListener(): this {
    this.#listener = undefined;
    return this;
  }

  abort(reason: 'timeout' | 'aborted: shutting down'): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = Object.assign(new Error(reason), { code: reason });
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}

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
  const inFlight = new Set<Attempt>();
  let sweeper: NodeJS.Timeout | undefined;

  function sweep(): void {
    const now = Date.now();
    for (const attempt of inFlight) if (attempt.deadline <= now) attempt.abort('timeout');
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  return {
    async post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
      // The deadline is checked every SWEEP_MS: the attempt's limit is timeoutMs less one sweep, so it never runs past timeoutMs.
      const attempt = new Attempt(Date.now() + Math.max(1, options.timeoutMs - SWEEP_MS));
      inFlight.add(attempt);
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, SWEEP_MS);
        sweeper.unref();
      }
      try {
        const res = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', ...headers },
          dispatcher: agent,
          signal: attempt,
        });
        await res.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        return { ok, httpStatus: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}` };
      } catch (error) {
        const e = error as { code?: string; name?: string; cause?: { code?: string } };
        const reason = attempt.aborted ? attempt.reason!.message : (e.code ?? e.cause?.code ?? e.name ?? 'request failed');
        return { ok: false, httpStatus: null, error: reason };
      } finally {
        inFlight.delete(attempt);
      }
    },

    /** Cuts off every attempt in flight (shutdown): they end as failed with `aborted: shutting down`. */
    abortAll(): void {
      for (const attempt of inFlight) attempt.abort('aborted: shutting down');
    },

    close: async () => {
      clearInterval(sweeper);
      sweeper = undefined;
      await agent.close();
    },
  };
}
