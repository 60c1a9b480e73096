import type { ClaimedDelivery, DeliveryOutcome, DeliveryRecord, DeliveryStatus, FeedIndexEntry, Queries, Store, WebhookRecord } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { newId } from '../new-id.ts';
import { envelopeJson } from '../events/envelope-json.ts';
import type { WebhookService } from './create-webhook-service.ts';

export interface DeliverySettings {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly retentionDays: number;
}

/** A delivery as admins see it. */
export interface DeliveryView {
  readonly id: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When a pending delivery is next tried. */
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ClaimedSend {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly leaseUntil: number;
  readonly eventId: string;
  readonly eventType: string;
  /** The event's envelope as JSON text: the request body, signed as it is sent. */
  readonly body: string;
}

/** How one attempt went, as the worker saw it. */
export interface AttemptResult {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly ok: boolean;
  /** The receiver's HTTP status, or null when none came (refused, timed out). */
  readonly httpStatus: number | null;
  readonly error: string | null;
}

/** A fan-out adding this many deliveries refreshes the table's statistics. */
const ANALYZE_AFTER = 2000;
/** Events the fan-out reads per endpoint and transaction. */
const FANOUT_BATCH = 1000;
/** Events a worker round positions at most (the rest in the next round). */
const ROUND_SEQUENCE_BATCH = 5000;

/** An endpoint the round claims for, and how many deliveries at most. */
export interface RoundClaim {
  readonly webhookId: string;
  readonly limit: number;
}

/** What one worker round did (`advance`). */
export interface RoundOutcome {
  /** Deliveries the fan-out added. */
  readonly added: number;
  /** Some endpoint's fan-out stopped at its batch size: more is waiting. */
  readonly fanOutFull: boolean;
  readonly dead: number;
  /** Claimed deliveries by endpoint id, in feed order. */
  readonly claimed: Readonly<Record<string, ClaimedSend[]>>;
}

const toView = (d: DeliveryRecord): DeliveryView => ({
  id: d.id,
  webhookId: d.webhookId,
  eventId: d.eventId,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? new Date(d.nextAttemptAt).toISOString() : null,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const toClaimedSend = (c: ClaimedDelivery, leaseUntil: number): ClaimedSend => ({ deliveryId: c.delivery.id, attempt: c.delivery.attempts, leaseUntil, eventId: c.event.id, eventType: c.event.type, body: envelopeJson(c.event) });

const wants = (h: WebhookRecord, e: FeedIndexEntry) => (h.eventTypes === null || h.eventTypes.includes(e.type)) && (h.directoryId === null || h.directoryId === e.directoryId);

/**
 * Webhook deliveries: the fan-out from the feed, claims, outcomes with retries and dead letters,
 * redelivery. The worker (src/delivery/) sends; this decides what and when.
 */
export function createDeliveryService(deps: { store: Store; webhooks: WebhookService; settings: DeliverySettings; now?: () => Date; random?: () => number }) {
  const { store, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;

  /**
   * Exponential backoff with "equal jitter": the nth retry waits between half and all of
   * base·2^(n-1), capped, so endpoints that failed together do not retry in lockstep.
   */
  function retryDelayMs(attempt: number): number {
    const full = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(full / 2 + random() * (full / 2));
  }

  /** Delivered, retried later with backoff, or dead-lettered after the last attempt. */
  function toOutcomes(results: readonly AttemptResult[], at: Date): { outcomes: DeliveryOutcome[]; dead: number } {
    let dead = 0;
    const outcomes = results.map((r): DeliveryOutcome => {
      const status: DeliveryStatus = r.ok ? 'delivered' : r.attempt >= settings.maxAttempts ? 'dead' : 'pending';
      if (status === 'dead') dead++;
      return {
        id: r.deliveryId,
        attempts: r.attempt,
        status,
        nextAttemptAt: status === 'pending' ? at.getTime() + retryDelayMs(r.attempt) : at.getTime(),
        lastStatus: r.httpStatus,
        lastError: r.error,
        at: at.toISOString(),
      };
    });
    return { outcomes, dead };
  }

  /** Whether some enabled endpoint's fan-out is behind the feed's head. */
  async function behindHead(q: Queries): Promise<boolean> {
    const { head } = await q.feed.state();
    return (await q.webhooks.list()).some((h) => h.enabled && h.cursor < head);
  }

  /** Moves each endpoint behind `head` (locked, skipping those another node holds) one batch along the feed. */
  async function fanOutLocked(q: Queries, head: number): Promise<{ added: number; full: boolean }> {
    let full = false;
    let added = 0;
    const at = now();
    for (const hook of await q.webhooks.lockBehind(head)) {
      const entries = await q.feed.index(hook.cursor, head, FANOUT_BATCH);
      const wanted = entries.filter((e) => wants(hook, e));
      await q.deliveries.insertMany(
        wanted.map((e) => ({ id: newId(), webhookId: hook.id, position: e.position, eventId: e.id, resourceKey: `${e.resourceType}:${e.resourceId}`, nextAttemptAt: at.getTime(), createdAt: at.toISOString() })),
      );
      const hookFull = entries.length === FANOUT_BATCH;
      full ||= hookFull;
      await q.webhooks.setCursor(hook.id, hookFull ? entries[entries.length - 1]!.position : head);
      added += wanted.length;
    }
    return { added, full };
  }

  /**
   * A backlog that arrived at once (an endpoint re-enabled, a bulk import) can be most of the table;
   * until the statistics know it, PostgreSQL planned claims as if the table were tiny (a sort of every
   * pending row per claim: 120-220 ms instead of 5 ms, measured at 20,000). Counted across calls, as
   * the worker's rounds fan out a batch at a time.
   */
  let addedSinceAnalyze = 0;
  async function analyzeAfter(added: number): Promise<void> {
    addedSinceAnalyze += added;
    if (addedSinceAnalyze < ANALYZE_AFTER) return;
    addedSinceAnalyze = 0;
    await store.read((q) => q.deliveries.analyze());
  }

  return {
    retryDelayMs,

    /**
     * Moves each enabled endpoint's cursor along the feed, adding a delivery for each event it
     * wants. An endpoint another node is fanning out is skipped (its row is locked). Returns how
     * many deliveries were added.
     */
    async fanOut(): Promise<number> {
      let added = 0;
      for (let round = 0; round < 20; round++) {
        if (!(await store.read(behindHead))) break;
        const step = await store.write(async (q) => fanOutLocked(q, (await q.feed.state()).head));
        added += step.added;
        if (!step.full) break;
      }
      await analyzeAfter(added);
      return added;
    },

    /**
     * One round of the delivery worker as one write transaction: position new events, fan them out,
     * record the last round's outcomes and claim what is due. On SQLite that is one take of the write
     * lock per round instead of three, each of which the SCIM requests' writes could find taken (a
     * commit costs ~1 ms here, measured, and a lower-priority thread holding the lock holds up every
     * SCIM write: docs/benchmarks.md). A failure rolls all of it back: outcomes not recorded are sent
     * again once their leases end (at least once).
     */
    async advance(o: { results: readonly AttemptResult[]; claims: readonly RoundClaim[]; leaseMs: number }): Promise<RoundOutcome> {
      const at = now();
      const leaseUntil = at.getTime() + o.leaseMs;
      const { outcomes, dead } = toOutcomes(o.results, at);
      // Nothing to write (no endpoint, or a quiet moment): reads only, no write lock.
      if (o.results.length === 0 && o.claims.length === 0 && !(await store.read(async (q) => (await q.feed.hasUnpositioned()) || (await behindHead(q))))) {
        return { added: 0, fanOutFull: false, dead: 0, claimed: {} };
      }
      const done = await store.write(async (q) => {
        // The feed's sequencer (create-event-reader.ts), one batch: seq order, committed events only.
        if (await q.feed.hasUnpositioned()) await q.feed.assignPositions(ROUND_SEQUENCE_BATCH);
        const { head } = await q.feed.state();
        const fanned = await fanOutLocked(q, head);
        if (outcomes.length > 0) await q.deliveries.complete(outcomes);
        const claimed: Record<string, ClaimedSend[]> = {};
        for (const c of o.claims) {
          const rows = await q.deliveries.claim(c.webhookId, at.getTime(), c.limit, leaseUntil, at.toISOString());
          claimed[c.webhookId] = rows.map((r) => toClaimedSend(r, leaseUntil));
        }
        return { ...fanned, claimed };
      });
      await analyzeAfter(done.added);
      return { added: done.added, fanOutFull: done.full, dead, claimed: done.claimed };
    },

    /** Claims up to `limit` due deliveries of an endpoint for `leaseMs`, with their events. */
    async claim(webhookId: string, limit: number, leaseMs: number): Promise<ClaimedSend[]> {
      const at = now();
      const leaseUntil = at.getTime() + leaseMs;
      const claimed = await store.write((q) => q.deliveries.claim(webhookId, at.getTime(), limit, leaseUntil, at.toISOString()));
      return claimed.map((c) => toClaimedSend(c, leaseUntil));
    },

    /** Records attempts: delivered, retried later with backoff, or dead-lettered after the last attempt. */
    async record(results: readonly AttemptResult[]): Promise<{ dead: number }> {
      if (results.length === 0) return { dead: 0 };
      const { outcomes, dead } = toOutcomes(results, now());
      await store.write((q) => q.deliveries.complete(outcomes));
      return { dead };
    },

    /** Claimed deliveries a stopping worker never sent: due again now (their claim counted as an attempt). */
    async release(claims: readonly ClaimedSend[]): Promise<void> {
      if (claims.length === 0) return;
      const at = now();
      await store.write((q) =>
        q.deliveries.complete(claims.map((c) => ({ id: c.deliveryId, attempts: c.attempt, status: 'pending' as const, nextAttemptAt: at.getTime(), lastStatus: null, lastError: 'not sent: the worker stopped', at: at.toISOString() }))),
      );
    },

    async list(webhookId: string, options: { status?: DeliveryStatus; limit?: number } = {}): Promise<DeliveryView[]> {
      await deps.webhooks.mustGet(webhookId);
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
      return (await store.read((q) => q.deliveries.list(webhookId, { status: options.status, limit }))).map(toView);
    },

    /** Dead letters back to pending, due now: one (`deliveryId`), or all of the endpoint's. */
    async redeliver(webhookId: string, deliveryId?: string): Promise<{ redelivered: number }> {
      await deps.webhooks.mustGet(webhookId);
      if (deliveryId !== undefined) {
        const d = await store.read((q) => q.deliveries.get(deliveryId));
        if (!d || d.webhookId !== webhookId) throw new DomainError('webhook.delivery_not_found', `no delivery ${deliveryId} for webhook ${webhookId}`);
        if (d.status !== 'dead') throw new DomainError('webhook.invalid', `delivery ${deliveryId} is ${d.status}, not dead-lettered`);
      }
      const at = now();
      return { redelivered: await store.write((q) => q.deliveries.redeliver(webhookId, deliveryId, at.getTime(), at.toISOString())) };
    },

    /** Seconds since the oldest event an enabled endpoint is still owed was made; 0 when none is owed. */
    async outboxLagSeconds(): Promise<number> {
      const at = await store.read((q) => q.deliveries.oldestOwedAt());
      return at === null ? 0 : Math.max(0, (now().getTime() - Date.parse(at)) / 1000);
    },

    /** Deletes finished deliveries older than the retention. */
    async prune(at: Date = now()): Promise<number> {
      const before = new Date(at.getTime() - settings.retentionDays * 86_400_000).toISOString();
      return store.write((q) => q.deliveries.prune(before));
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
