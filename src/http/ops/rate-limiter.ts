/**
 * A token bucket per directory, in this node's memory: `perSecond` requests a second on average,
 * `burst` at once. With several nodes behind a load balancer each node keeps its own buckets, so a
 * directory may reach (nodes × perSecond); an IdP's requests usually spread evenly, and the limit is
 * there to keep one IdP's burst from starving the others, not to meter it exactly.
 */
export interface RateLimiter {
  /** Takes one request's token; when there is none, how many seconds until there is. */
  take(directoryId: string, nowMs?: number): { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };
  readonly perSecond: number;
  readonly burst: number;
}

export function createRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    perSecond,
    burst,
    take(directoryId, nowMs = performance.now()) {
      let bucket = buckets.get(directoryId);
      if (!bucket) {
        bucket = { tokens: burst, at: nowMs };
        buckets.set(directoryId, bucket);
      } else {
        bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
        bucket.at = nowMs;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
