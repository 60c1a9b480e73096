import type { Store } from '../../store/store.ts';
import { tokenData } from '../directories/views.ts';
import type { EventRecorder } from '../events/record-event.ts';
import type { OpsMetrics } from './ops-metrics.ts';

/** Days before a token's expiry at which its directory's admins are warned. */
export const TOKEN_EXPIRY_THRESHOLDS_DAYS: readonly number[] = [14, 1];

const DAY_MS = 86_400_000;

export interface TokenExpiryWarning {
  readonly tokenId: string;
  readonly directoryId: string;
  readonly prefix: string;
  readonly expiresAt: string;
  readonly thresholdDays: number;
}

/**
 * Warns once per token and threshold (14 days, then 1 day before expiry) with a `token.expiring`
 * event; `roster serve` runs it periodically and logs each warning. The warnings already sent are
 * rows of `token_expiry_warnings` written in the event's transaction, so a restart or a second node
 * never sends one twice. A token first seen inside several thresholds (created to expire in 12 hours)
 * gets the nearest one only; the farther ones are marked as passed.
 */
export function createTokenExpiryCheck(deps: { store: Store; events: EventRecorder; metrics: OpsMetrics; now?: () => Date }) {
  const { store, events } = deps;
  const now = deps.now ?? (() => new Date());
  const horizonDays = Math.max(...TOKEN_EXPIRY_THRESHOLDS_DAYS);

  return async function checkTokenExpiry(at: Date = now()): Promise<TokenExpiryWarning[]> {
    const from = at.toISOString();
    const tokens = await store.read((q) => q.ops.tokensExpiringBy(from, new Date(at.getTime() + horizonDays * DAY_MS).toISOString()));
    const warnings: TokenExpiryWarning[] = [];
    for (const token of tokens) {
      // Compared as instants: text order misplaces years beyond 9999 (`+010000-…`).
      const left = Date.parse(token.expiresAt!) - at.getTime();
      if (!(left > 0 && left <= horizonDays * DAY_MS)) continue;
      const due = TOKEN_EXPIRY_THRESHOLDS_DAYS.filter((days) => left <= days * DAY_MS);
      const nearest = Math.min(...due);
      const sent = await store.write(async (q) => {
        const directory = await q.directories.get(token.directoryId);
        if (!directory || directory.status === 'deleted') return false;
        let fresh = false;
        for (const days of due) {
          const marked = await q.ops.markExpiryWarned(token.id, days, from);
          if (days === nearest) fresh = marked;
        }
        if (!fresh) return false;
        await events.record(q, { type: 'token.expiring', directoryId: token.directoryId, resourceId: token.id, data: { ...tokenData(token), thresholdDays: nearest }, at: from });
        return true;
      });
      if (!sent) continue;
      deps.metrics.tokenExpiryWarnings.inc({ threshold_days: String(nearest) });
      warnings.push({ tokenId: token.id, directoryId: token.directoryId, prefix: token.prefix, expiresAt: token.expiresAt!, thresholdDays: nearest });
    }
    return warnings;
  };
}
