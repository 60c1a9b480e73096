import type { ClaimedDelivery, DeliveryOutcome, DeliveryRecord, DeliveryStatus, NewDelivery, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { newId } from '../new-id.ts';
import { envelopeJson } from '../events/envelope-json.ts';
import type { WebhookEndpoint, WebhookService } from './create-webhook-service.ts';

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

/** Lane rows adding up to this many refresh the deliveries table's statistics. */
const ANALYZE_AFTER = 2000;
/** A round positions at most this many events (the rest in the next round). */
const ROUND_SEQUENCE_BATCH = 5000;

/** An endpoint the round claims delivery rows for, and how many at most. */
export interface RoundClaim {
  readonly webhookId: string;
  readonly limit: number;
}

/** An event the lane read and settled that needs a row: its failed first attempt, or none (it waits behind one). */
export interface LaneRow {
  readonly deliveryId: string;
  readonly position: number;
  readonly eventId: string;
  readonly resourceKey: string;
  /** The failed attempt; absent for an event that was not sent because an earlier one of its resource failed or waits. */
  readonly failed?: Pick<AttemptResult, 'httpStatus' | 'error'>;
}

/**
 * What a round does with an endpoint's lane: take it (`from` absent), or, held at `from`, move its
 * cursor to `to` with the rows of what it settled on the way, renewing the lease (`release` ends it).
 */
export interface LaneStep {
  readonly webhookId: string;
  readonly from?: number;
  readonly to?: number;
  readonly rows?: readonly LaneRow[];
  readonly release?: boolean;
}

/** An event of the lane to send: the claimed send with what the lane orders and settles it by. */
export interface LaneSend extends ClaimedSend {
  readonly position: number;
  readonly resourceKey: string;
}

/** A page of an endpoint's feed for its lane. */
export interface LaneRead {
  readonly sends: LaneSend[];
  /** The position the page covers through (its last event, or the head when it was not full). */
  readonly through: number;
  /** Resource keys among the page's with a pending delivery row: their events must wait behind it. */
  readonly pending: ReadonlySet<string>;
}

/** What one worker round did (`advance`). */
export interface RoundOutcome {
  readonly dead: number;
  /** Claimed deliveries by endpoint id, in feed order. */
  readonly claimed: Readonly<Record<string, ClaimedSend[]>>;
  /** Per lane step: the lane's cursor, or null when this worker does not hold it (any more). */
  readonly lanes: Readonly<Record<string, number | null>>;
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

/**
 * Webhook deliveries. Each endpoint has a **lane**: one worker at a time (holding a lease on the
 * endpoint's row) reads the endpoint's events straight from the feed, sends them, and moves the
 * endpoint's cursor past those it settled. An event delivered at the first attempt leaves no row; a
 * `webhook_deliveries` row is written only for an event whose attempt failed (retried with backoff,
 * then dead-lettered) or that must wait behind an earlier one of its resource. Those rows are
 * claimed, retried and redelivered as before. Every event at or before the cursor is therefore
 * delivered or has a row, and what is after it is sent again by whoever holds the lane next (at
 * least once). The worker (src/delivery/) sends and keeps each resource's order; this decides what
 * and when.
 *
 * Why: a row per delivery cost an insert and two updates under SQLite's single write lock, in the
 * worker's thread, and each of its transactions held up the SCIM requests' writes (issue 10's
 * bench: creates at 0.62-0.67x of their rate without a webhook; docs/benchmarks.md).
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

  /**
   * An endpoint that is down turns every event into a row: until the statistics know the table grew,
   * PostgreSQL planned claims as if it were tiny (a sort of every pending row per claim: 120-220 ms
   * instead of 5 ms, measured at 20,000). Counted across rounds.
   */
  let rowsSinceAnalyze = 0;
  async function analyzeAfter(added: number): Promise<void> {
    rowsSinceAnalyze += added;
    if (rowsSinceAnalyze < ANALYZE_AFTER) return;
    rowsSinceAnalyze = 0;
    await store.read((q) => q.deliveries.analyze());
  }

  /** The rows a lane step writes for the events it settled without delivering them. */
  function laneRows(webhookId: string, rows: readonly LaneRow[], at: Date): NewDelivery[] {
    return rows.map((r) => {
      const base = { id: r.deliveryId, webhookId, position: r.position, eventId: r.eventId, resourceKey: r.resourceKey, createdAt: at.toISOString() };
      if (r.failed === undefined) return { ...base, nextAttemptAt: at.getTime() };
      const dead = settings.maxAttempts <= 1;
      return { ...base, attempts: 1, status: dead ? ('dead' as const) : ('pending' as const), nextAttemptAt: dead ? at.getTime() : at.getTime() + retryDelayMs(1), lastStatus: r.failed.httpStatus, lastError: r.failed.error };
    });
  }

  return {
    retryDelayMs,

    /**
     * One round of the delivery worker as one write transaction: position new events (PostgreSQL's
     * sequencer), record the last round's outcomes, take, move or release the lanes, and claim the
     * due delivery rows. On SQLite that is one take of the write lock per round, and none when there
     * is nothing to write (reads only): each take could hold up the SCIM requests' writes. A failure
     * rolls all of it back: outcomes not recorded are sent again once their leases end, a lane not
     * moved is read again from its cursor (at least once).
     */
    async advance(o: { results: readonly AttemptResult[]; claims: readonly RoundClaim[]; lanes: readonly LaneStep[]; holder: string; leaseMs: number }): Promise<RoundOutcome> {
      const at = now();
      const leaseUntil = at.getTime() + o.leaseMs;
      const { outcomes, dead: deadOutcomes } = toOutcomes(o.results, at);
      const dead = deadOutcomes + (settings.maxAttempts <= 1 ? o.lanes.reduce((n, l) => n + (l.rows ?? []).filter((r) => r.failed).length, 0) : 0);
      // Reads first: whether any claim has a row due, whether events wait for a position.
      const probe = await store.read(async (q) => {
        const due: RoundClaim[] = [];
        for (const c of o.claims) if (await q.deliveries.hasDue(c.webhookId, at.getTime())) due.push(c);
        return { due, unpositioned: await q.feed.hasUnpositioned() };
      });
      const claimed: Record<string, ClaimedSend[]> = {};
      if (outcomes.length === 0 && o.lanes.length === 0 && probe.due.length === 0 && !probe.unpositioned) return { dead, claimed, lanes: {} };
      const lanes = await store.write(async (q) => {
        // The feed's sequencer (create-event-reader.ts), one batch: seq order, committed events only.
        if (probe.unpositioned) await q.feed.assignPositions(ROUND_SEQUENCE_BATCH);
        if (outcomes.length > 0) await q.deliveries.complete(outcomes);
        const held: Record<string, number | null> = {};
        for (const l of o.lanes) {
          if (l.from === undefined) {
            held[l.webhookId] = (await q.webhooks.takeLane(l.webhookId, o.holder, at.getTime(), leaseUntil)) ?? null;
            continue;
          }
          const to = l.to ?? l.from;
          const moved = await q.webhooks.moveLane(l.webhookId, o.holder, l.from, to, l.release ? 0 : leaseUntil);
          // Lost (the lease lapsed and another worker took the lane, or the endpoint is gone): its rows are the new holder's to write.
          if (moved && l.rows && l.rows.length > 0) await q.deliveries.insertMany(laneRows(l.webhookId, l.rows, at));
          held[l.webhookId] = moved && !l.release ? to : null;
        }
        for (const c of probe.due) {
          const rows = await q.deliveries.claim(c.webhookId, at.getTime(), c.limit, leaseUntil, at.toISOString());
          claimed[c.webhookId] = rows.map((r) => toClaimedSend(r, leaseUntil));
        }
        return held;
      });
      await analyzeAfter(o.lanes.reduce((n, l) => n + (lanes[l.webhookId] !== null ? (l.rows?.length ?? 0) : 0), 0));
      return { dead, claimed, lanes };
    },

    /**
     * The next page of an endpoint's events for its lane, after `after` (reads only): each with a
     * delivery id of its own, and which of their resources have a pending row to wait behind.
     */
    async readLane(endpoint: WebhookEndpoint, after: number, limit: number): Promise<LaneRead> {
      return store.read(async (q) => {
        const { head } = await q.feed.state();
        if (head <= after || limit <= 0) return { sends: [], through: Math.max(after, head), pending: new Set<string>() };
        const events = await q.feed.page({ after, through: head, limit, directoryId: endpoint.directoryId ?? undefined, types: endpoint.eventTypes ?? [] });
        const sends = events.map((e): LaneSend => ({ deliveryId: newId(), attempt: 1, leaseUntil: Number.MAX_SAFE_INTEGER, eventId: e.id, eventType: e.type, body: envelopeJson(e), position: e.position, resourceKey: `${e.resourceType}:${e.resourceId}` }));
        const pending = sends.length === 0 ? new Set<string>() : await q.deliveries.pendingResources(endpoint.id, sends.map((s) => s.resourceKey));
        return { sends, through: events.length === limit ? events[events.length - 1]!.position : head, pending };
      });
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
