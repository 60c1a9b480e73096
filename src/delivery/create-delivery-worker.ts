import type { RosterConfig } from '../config/load-config.ts';
import type { Services } from '../domain/create-services.ts';
import { randomUUID } from 'node:crypto';
import type { AttemptResult, ClaimedSend, LaneSend, LaneStep, RoundClaim } from '../domain/webhooks/create-delivery-service.ts';
import type { WebhookEndpoint } from '../domain/webhooks/create-webhook-service.ts';
import { EndpointLane } from './endpoint-lane.ts';
import { createWebhookPoster } from './post-webhook.ts';
import { signatureHeader } from './sign-payload.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * What the worker reports to `/metrics` (domain/ops/ops-metrics.ts declares the metrics). In
 * `roster serve` the worker runs in a thread whose registry nobody scrapes, so the thread relays
 * these to the server's (delivery-thread.ts, start-delivery-thread.ts).
 */
export interface DeliveryMetrics {
  attempted(result: 'delivered' | 'failed', count: number): void;
  deadLettered(count: number): void;
  outboxLag(seconds: number): void;
}

/** A delivery row claimed, or an event of an endpoint's lane (of the lane's generation when it was read). */
interface QueuedSend {
  readonly send: ClaimedSend;
  readonly lane?: EndpointLane;
  readonly generation?: number;
}

/** A claim outlives the attempts it covers by this much, so no other node takes a delivery still in flight. */
const LEASE_MARGIN_MS = 5_000;
/**
 * A round claims up to this many times `concurrency` deliveries per endpoint and queues them locally:
 * on PostgreSQL a round costs about ten round trips, so claiming only the free slots capped a fast
 * endpoint at ~800 deliveries/s (measured); four slots' worth per round keeps the slots busy. The
 * lease covers the queue's wait: `BATCH_SLOTS + 1` timeouts.
 */
const BATCH_SLOTS = 4;
/**
 * Rounds start at most this often while an endpoint has a backlog (a claim or a lane read came back
 * full). A round can cost a write transaction (sequencer, lanes, outcomes with claims); started on every
 * finished send, as they were, they came by the thousand per second with a few rows each, and on
 * SQLite each took the write lock from the SCIM requests (issue 10's bench: creates at 0.55× with one
 * endpoint). A round every 15 ms still claims 64 × 66 = 4,266 deliveries/s per endpoint.
 */
const BACKLOG_ROUND_MS = 15;
/**
 * Without a backlog (events arriving as SCIM requests make them), rounds start at most this often: an
 * event waits up to this long before it is sent, and a round carries what arrived meanwhile.
 */
const LIVE_ROUND_MS = 50;
/** Retention runs this often on each node (deleting what is already gone is cheap). */
const PRUNE_EVERY_MS = 3_600_000;
/**
 * A lane reads no further than this many events past its cursor: a slow attempt at the front holds
 * the cursor (what a restart sends again), not the sends after it, up to this window.
 */
const LANE_WINDOW = 4096;
/** A lane another worker holds is asked for again this often (it is free once that worker's lease ends). */
const LANE_RETRY_MS = 1_000;
/** Endpoints (and their decrypted secrets) are re-read this often: a change reaches every node within it. */
const ENDPOINTS_TTL_MS = 1_000;
/** The outbox lag is measured this often (a few index probes). */
const LAG_EVERY_MS = 1_000;

/**
 * The delivery worker of one node (`roster serve` starts it, SIGTERM stops it). Each round it
 * positions new events (the feed's sequencer), moves each endpoint's lane over the events it settled
 * (create-delivery-service.ts), claims due delivery rows, reads the lanes' next events from the feed,
 * and sends them signed, up to `concurrency` in flight per endpoint. Each
 * endpoint has its own slots and every attempt has a hard timeout, so a slow or dead endpoint holds
 * only its own slots: other endpoints and SCIM requests never wait for it. Outcomes are recorded in
 * batches; a failure is retried with backoff, then dead-lettered (domain/webhooks/).
 */
export function createDeliveryWorker(deps: { services: Pick<Services, 'events' | 'webhooks' | 'deliveries'>; settings: RosterConfig['webhooks']; log: WorkerLog; metrics?: DeliveryMetrics }) {
  const { services, settings, log, metrics } = deps;
  const poster = createWebhookPoster({ timeoutMs: settings.timeoutMs, connections: settings.concurrency });
  const inFlight = new Map<string, number>();
  /** What an endpoint has to send: delivery rows claimed, and events of its lane (tagged with the lane's generation). */
  const queues = new Map<string, { endpoint: WebhookEndpoint; items: QueuedSend[] }>();
  const lanes = new Map<string, EndpointLane>();
  /** This worker, as the holder of the lanes it takes. */
  const holder = randomUUID();
  let laneTries = 0;
  const leaseMs = settings.timeoutMs * (BATCH_SLOTS + 1) + LEASE_MARGIN_MS;
  const sends = new Set<Promise<void>>();
  const results: AttemptResult[] = [];
  const shutdown = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let interrupt: (() => void) | undefined;
  let endpoints: { at: number; list: WebhookEndpoint[] } = { at: 0, list: [] };
  let lastPrune = 0;
  let lastLag = 0;

  const wakeUp = () => wake?.();
  /** Waits `ms`; a finished send cuts it short only if `wakeable`, stop() always. */
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        interrupt = undefined;
        resolve();
      }
      if (wakeable) wake = done;
      interrupt = done;
    });

  function reportOutcomes(batch: readonly AttemptResult[], dead: number): void {
    if (metrics) {
      const delivered = batch.filter((r) => r.ok).length;
      if (delivered > 0) metrics.attempted('delivered', delivered);
      if (delivered < batch.length) metrics.attempted('failed', batch.length - delivered);
      if (dead > 0) metrics.deadLettered(dead);
    }
    if (dead > 0) log.warn({ dead }, 'webhook deliveries dead-lettered after their last attempt');
  }

  /** The last round of a stopping worker: outcomes recorded, the lanes moved over what they settled and released. */
  async function finish(): Promise<void> {
    const batch = results.splice(0, results.length);
    const held = [...lanes.values()].filter((l) => l.cursor !== null);
    if (batch.length === 0 && held.length === 0) return;
    const steps = held.map((l) => l.step(true));
    const outcome = await services.deliveries.advance({ results: batch, claims: [], lanes: steps, holder, leaseMs });
    reportOutcomes(batch, outcome.dead);
  }

  /** Whether an attempt started now could end after `leaseUntil` (then another worker may send it too). */
  const outlasts = (leaseUntil: number) => Date.now() + settings.timeoutMs + LEASE_MARGIN_MS / 2 > leaseUntil;

  /** Starts queued sends of an endpoint while it has free slots. */
  function pump(endpointId: string): void {
    const queue = queues.get(endpointId);
    if (!queue) return;
    while (queue.items.length > 0 && (inFlight.get(endpointId) ?? 0) < settings.concurrency && !shutdown.signal.aborted) {
      const item = queue.items.shift()!;
      const lane = item.lane;
      if (lane) {
        // A lane lost meanwhile: whoever holds it now sends the event.
        if (lane.generation !== item.generation) continue;
        // Its lease would end before this attempt could: stop sending from it (another worker may take it).
        if (outlasts(lane.leaseUntil)) {
          lane.lapse();
          continue;
        }
        send(queue.endpoint, item);
        continue;
      }
      // Too late to finish within the lease: leave it; once the lease ends it is claimed again.
      if (outlasts(item.send.leaseUntil)) continue;
      send(queue.endpoint, item);
    }
  }

  function send(endpoint: WebhookEndpoint, item: QueuedSend): void {
    const claimed = item.send;
    const body = claimed.body;
    const headers = {
      'roster-signature': signatureHeader(endpoint.secret, body, Math.floor(Date.now() / 1000)),
      'roster-event-id': claimed.eventId,
      'roster-event-type': claimed.eventType,
      'roster-delivery-id': claimed.deliveryId,
      'roster-delivery-attempt': String(claimed.attempt),
    };
    // Counted from here on: nothing between this and the finally below can throw.
    inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 0) + 1);
    if (item.lane) item.lane.sending++;
    const p = poster
      .post(endpoint.url, body, headers)
      .then((r) => {
        // Cut off by shutdown: nothing is recorded, the lease runs out and another round sends it again.
        if (shutdown.signal.aborted && !r.ok) return;
        if (!r.ok) log.info({ webhookId: endpoint.id, deliveryId: claimed.deliveryId, attempt: claimed.attempt, error: r.error }, 'webhook delivery attempt failed');
        const lane = item.lane;
        if (!lane) {
          results.push({ deliveryId: claimed.deliveryId, attempt: claimed.attempt, ok: r.ok, httpStatus: r.httpStatus, error: r.error });
          return;
        }
        if (lane.generation !== item.generation) return;
        metrics?.attempted(r.ok ? 'delivered' : 'failed', 1);
        const next = lane.settle(item.send as LaneSend, r.ok, { httpStatus: r.httpStatus, error: r.error });
        if (next) queues.get(endpoint.id)?.items.unshift({ send: next, lane, generation: lane.generation });
      })
      .finally(() => {
        if (item.lane) item.lane.sending--;
        const left = inFlight.get(endpoint.id)! - 1;
        inFlight.set(endpoint.id, left);
        sends.delete(p);
        pump(endpoint.id);
        // Slots going idle with nothing queued: claim more without waiting for the poll interval.
        if (left < settings.concurrency / 2 && (queues.get(endpoint.id)?.items.length ?? 0) === 0) wakeUp();
      });
    sends.add(p);
  }

  /** One round; says whether it found work, and whether an endpoint has more due than it claimed or read. */
  async function round(): Promise<'idle' | 'live' | 'backlog'> {
    if (Date.now() - endpoints.at > ENDPOINTS_TTL_MS) endpoints = { at: Date.now(), list: await services.webhooks.enabledEndpoints() };
    // An endpoint disabled or deleted: its lane stops (its sends in flight are dropped when they end),
    // and what this node kept for it goes once nothing of it is in flight.
    for (const [id, lane] of lanes) {
      if (endpoints.list.some((e) => e.id === id)) continue;
      if (lane.cursor !== null) lane.lapse();
      if ((inFlight.get(id) ?? 0) === 0) {
        lanes.delete(id);
        queues.delete(id);
        inFlight.delete(id);
      }
    }
    let backlog = false;
    const claims: RoundClaim[] = [];
    const steps: LaneStep[] = [];
    const tryTakes = Date.now() - laneTries >= LANE_RETRY_MS;
    if (tryTakes) laneTries = Date.now();
    for (const endpoint of endpoints.list) {
      const queue = queues.get(endpoint.id) ?? { endpoint, items: [] };
      queue.endpoint = endpoint;
      queues.set(endpoint.id, queue);
      const room = settings.concurrency * BATCH_SLOTS - queue.items.length - (inFlight.get(endpoint.id) ?? 0);
      // Claim again once the queue runs low, not for every free slot (a full queue is a backlog too).
      if (room < settings.concurrency || !running) backlog ||= queue.items.length > 0;
      else claims.push({ webhookId: endpoint.id, limit: room });
      let lane = lanes.get(endpoint.id);
      if (!lane) lanes.set(endpoint.id, (lane = new EndpointLane(endpoint.id, leaseMs)));
      // Not taken again while attempts of its last holding are in flight: one event is never sent twice at once.
      if (lane.cursor !== null ? lane.needsStep(Date.now()) : tryTakes && lane.sending === 0) steps.push(lane.step());
    }
    // The sequencer, the last round's outcomes, the lanes and the claims in one transaction (advance).
    const batch = results.splice(0, results.length);
    const roundStarted = Date.now();
    const outcome = await services.deliveries.advance({ results: batch, claims, lanes: steps, holder, leaseMs });
    reportOutcomes(batch, outcome.dead);
    for (const step of steps) lanes.get(step.webhookId)?.stepped(outcome.lanes[step.webhookId] ?? null, roundStarted);
    let found = batch.length > 0 || results.length > 0;
    for (const c of claims) {
      const claimed = outcome.claimed[c.webhookId] ?? [];
      const queue = queues.get(c.webhookId)!;
      for (const send of claimed) queue.items.push({ send });
      found ||= claimed.length > 0;
      backlog ||= claimed.length === c.limit;
    }
    // Each lane held reads its next events from the feed into the room its endpoint has left.
    for (const endpoint of endpoints.list) {
      const lane = lanes.get(endpoint.id)!;
      const queue = queues.get(endpoint.id)!;
      if (lane.cursor === null || !running) continue;
      const room = Math.min(settings.concurrency * BATCH_SLOTS - queue.items.length - (inFlight.get(endpoint.id) ?? 0), LANE_WINDOW - lane.outstanding);
      if (room < settings.concurrency) {
        backlog = true;
        continue;
      }
      const generation = lane.generation;
      const read = await services.deliveries.readLane(endpoint, lane.readFrom, room);
      if (lane.generation !== generation) continue;
      for (const send of lane.add(read)) queue.items.push({ send, lane, generation });
      found ||= read.sends.length > 0 || lane.outstanding > 0;
      backlog ||= read.sends.length === room;
    }
    for (const endpoint of endpoints.list) pump(endpoint.id);
    if (metrics && Date.now() - lastLag >= LAG_EVERY_MS) {
      lastLag = Date.now();
      metrics.outboxLag(await services.deliveries.outboxLagSeconds());
    }
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      const deliveries = await services.deliveries.prune();
      const events = await services.events.prune();
      if (deliveries + events > 0) log.info({ events, deliveries }, 'retention: old events and deliveries deleted');
    }
    if (backlog) return 'backlog';
    return found ? 'live' : 'idle';
  }

  async function run(): Promise<void> {
    while (running) {
      const started = Date.now();
      let found: Awaited<ReturnType<typeof round>> = 'idle';
      try {
        found = await round();
      } catch (error) {
        log.warn({ reason: (error as Error).message }, 'delivery worker round failed; retrying');
      }
      if (!running) break;
      // Idle: wait for the poll interval, or for an endpoint's slots to go idle. Either way the next
      // round starts no sooner than the gap after this one did, so its transactions carry more rows.
      if (found === 'idle') await pause(settings.pollIntervalMs, true);
      if (!running) break;
      const gapMs = Math.min(found === 'backlog' ? BACKLOG_ROUND_MS : LIVE_ROUND_MS, settings.pollIntervalMs);
      const rest = gapMs - (Date.now() - started);
      if (rest > 0) await pause(rest, false);
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = run();
    },

    /** Stops claiming; lets sends in flight finish (up to `graceMs`), records their outcomes. */
    async stop(graceMs = Math.min(settings.timeoutMs, 5_000)): Promise<void> {
      running = false;
      interrupt?.();
      await loop;
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...sends]), grace]);
      shutdown.abort();
      poster.abortAll();
      await Promise.allSettled([...sends]);
      // Claimed but never sent: handed back at once rather than left to their leases. A lane's unsent
      // events stay after its cursor, for whoever takes the lane next.
      const unsent = [...queues.values()].flatMap((q) => q.items.splice(0, q.items.length)).flatMap((item) => (item.lane ? [] : [item.send]));
      await services.deliveries.release(unsent).catch(() => undefined);
      await finish().catch((error) => log.warn({ reason: (error as Error).message }, 'could not record the last delivery outcomes; they will be sent again'));
      await poster.close();
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
