import { Agent } from 'undici';

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
 * One attempt, as undici's dispatch handler (its lowest level, under `request`): the status is kept,
 * the body counted and dropped, and the attempt settles once. `request` built a readable stream, a
 * parsed header object and an abort-signal listener for each attempt, none of which a delivery reads
 * (the delivery thread's CPU per send is what the SCIM requests share the cores with: issue 10).
 * The deadline is enforced by the poster's sweep, which calls `abort`.
 *
 * It implements undici's first handler interface (onConnect, onHeaders, …), which undici 7 marks
 * deprecated but runs as it is. A handler with `onRequestStart` (the newer one) is wrapped by
 * undici's UnwrapHandler, which parses every response's headers into an object: what this avoids.
 */
class Attempt {
  aborted = false;
  reason: Error | undefined;
  #abort: ((reason: Error) => void) | undefined;
  #status: number | null = null;
  #bytes = 0;
  #settled = false;
  readonly done: Promise<PostResult>;
  #resolve!: (result: PostResult) => void;

  constructor(readonly deadline: number) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  abort(reason: 'timeout' | 'aborted: shutting down' | 'response too large'): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = Object.assign(new Error(reason), { code: reason });
    if (this.#abort) return this.#abort(this.reason);
    // Not yet on a connection (queued behind the endpoint's busy ones, or connecting): it ends now, so
    // neither the deadline nor a shutdown waits for undici's connect timeout; undici drops the
    // request when it gets a connection (onConnect below).
    this.#settle({ ok: false, httpStatus: null, error: reason });
  }

  #settle(result: PostResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }

  /** Settled by the status once one came: what a receiver's answer says, whatever its body does after. */
  #byStatus(): PostResult {
    const status = this.#status!;
    const ok = status >= 200 && status < 300;
    return { ok, httpStatus: status, error: ok ? null : `HTTP ${status}` };
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.aborted) abort(this.reason!);
    else this.#abort = abort;
  }

  onHeaders(statusCode: number): boolean {
    // 1xx (informational) answers come before the final one.
    if (statusCode >= 200) this.#status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#bytes += chunk.length;
    if (this.#bytes <= MAX_RESPONSE_BYTES) return true;
    this.abort('response too large');
    // As undici's own requests do after an abort: the parser stops here (the socket is gone).
    return false;
  }

  onComplete(): void {
    this.#settle(this.#status === null ? { ok: false, httpStatus: null, error: 'no response' } : this.#byStatus());
  }

  onError(error: Error): void {
    if (this.#status !== null) return this.#settle(this.#byStatus());
    const e = error as { code?: string; name?: string; cause?: { code?: string } };
    const reason = this.aborted ? this.reason!.message : (e.code ?? e.cause?.code ?? e.name ?? 'request failed');
    this.#settle({ ok: false, httpStatus: null, error: reason });
  }
}

/** An endpoint URL as undici's dispatch takes it; endpoints are few, so each is parsed once. */
const targets = new Map<string, { origin: string; path: string }>();
function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (target === undefined) {
    const u = new URL(url);
    target = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (targets.size >= 1_000) targets.clear();
    targets.set(url, target);
  }
  return target;
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
      // The deadline is checked every SWEEP_MS: the attempt's limit is timeoutMs less one sweep, so it never runs past timeoutMs
      // (an attempt still connecting ends at once when aborted: Attempt.abort).
      const attempt = new Attempt(Date.now() + Math.max(1, options.timeoutMs - SWEEP_MS));
      inFlight.add(attempt);
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, SWEEP_MS);
        sweeper.unref();
      }
      try {
        const { origin, path } = targetOf(url);
        agent.dispatch({ origin, path, method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', ...headers } }, attempt);
        return await attempt.done;
      } catch (error) {
        // An endpoint URL that no longer parses (it was checked when saved).
        const e = error as { code?: string; name?: string };
        return { ok: false, httpStatus: null, error: e.code ?? e.name ?? 'request failed' };
      } finally {
        inFlight.delete(attempt);
      }
    },

    /** Cuts off every attempt in flight (shutdown): they end as failed with `aborted: shutting down`. */
    abortAll(): void {
      for (const attempt of inFlight) attempt.abort('aborted: shutting down');
    },

    /**
     * Closes the connections. Every attempt has ended by now (the worker stops after `abortAll`);
     * what undici may still hold is a connect an ended attempt left behind, not worth waiting for.
     */
    close: async () => {
      clearInterval(sweeper);
      sweeper = undefined;
      await agent.destroy();
    },
  };
}
