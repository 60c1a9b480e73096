import type { AttemptResult, LaneRead, LaneRow, LaneSend, LaneStep } from '../domain/webhooks/create-delivery-service.ts';

type State = 'waiting' | 'sending' | 'delivered' | 'failed' | 'held';

/** An event the lane read: sent, waiting behind an earlier one of its resource, or settled. */
interface Entry {
  readonly send: LaneSend;
  state: State;
  failed?: Pick<AttemptResult, 'httpStatus' | 'error'>;
}

const settled = (s: State) => s === 'delivered' || s === 'failed' || s === 'held';

/**
 * One endpoint's lane on this worker (create-delivery-service.ts says what a lane is). It keeps each
 * resource's order: an event is sent only once the lane's earlier event of the same resource was
 * delivered, and after a failure the resource's later events are held (written as rows that wait
 * behind the failed one) until those rows are in the database, where `readLane` sees them pending.
 * The cursor moves over the settled prefix only, so a slow attempt holds the cursor, not the sends
 * after it.
 */
export class EndpointLane {
  /** The cursor as the database has it, while this worker holds the lane; null when it does not. */
  cursor: number | null = null;
  /** Read through this position (events after the cursor are in `entries` until settled and moved past). */
  #readThrough = 0;
  #entries: Entry[] = [];
  /** Unsettled entries per resource, in feed order: the first is sending, the rest wait. */
  #chains = new Map<string, Entry[]>();
  /** Resources with held or failed entries not yet written as rows: their next events are held too. */
  #blocked = new Map<string, number>();
  /** Bumped when the lane is lost: attempts of an earlier generation are dropped when they end. */
  generation = 0;
  /** The step the last round sent to the database (a take, or a move and how many entries it settled). */
  #inStep: { to: number; count: number } | 'take' | undefined;

  /** When the lease wants renewing (a third of it gone), if nothing else moves the lane before. */
  #renewAt = 0;
  /** When the lease ends at the latest (counted from before the round that took or renewed it). */
  leaseUntil = 0;
  /** This lane's attempts in flight, of any generation: the lane is not taken again while one is. */
  sending = 0;

  constructor(
    readonly webhookId: string,
    readonly leaseMs: number,
  ) {}

  /** Whether this round has anything for the database: a settled event to move past, or a lease to renew. */
  needsStep(now: number): boolean {
    if (this.cursor === null) return true;
    return now >= this.#renewAt || (this.#entries.length > 0 && settled(this.#entries[0]!.state)) || (this.#entries.length === 0 && this.#readThrough > this.cursor);
  }

  /** Entries read and not yet moved past: the lane reads no further than a window of them. */
  get outstanding(): number {
    return this.#entries.length;
  }

  /** This round's step: take the lane, or move it over what is settled (and renew its lease). */
  step(release = false): LaneStep {
    if (this.cursor === null) {
      this.#inStep = 'take';
      return { webhookId: this.webhookId };
    }
    let count = 0;
    const rows: LaneRow[] = [];
    for (const e of this.#entries) {
      if (!settled(e.state)) break;
      count++;
      if (e.state !== 'delivered') rows.push({ deliveryId: e.send.deliveryId, position: e.send.position, eventId: e.send.eventId, resourceKey: e.send.resourceKey, ...(e.failed ? { failed: e.failed } : {}) });
    }
    const to = count === this.#entries.length ? this.#readThrough : count === 0 ? this.cursor : this.#entries[count]!.send.position - 1;
    this.#inStep = { to, count };
    return { webhookId: this.webhookId, from: this.cursor, to, rows, release };
  }

  /**
   * What the database made of the step: the lane's cursor, or null when this worker does not hold it.
   * `roundStarted`: when the round began, before its write set the lease.
   */
  stepped(cursor: number | null, roundStarted = Date.now()): void {
    const step = this.#inStep;
    this.#inStep = undefined;
    // Lapsed while the step was on its way (step gone), or its attempts still in flight: stay lapsed;
    // a later round takes the lane again once they have ended (this worker is still its holder).
    if (step === undefined || (this.sending > 0 && (step === 'take' || cursor !== step.to))) {
      if (this.cursor !== null) this.#reset(null);
      return;
    }
    if (cursor !== null) this.leaseUntil = roundStarted + this.leaseMs;
    if (cursor !== null && this.cursor !== null && step !== 'take' && cursor === step.to) {
      for (const e of this.#entries.splice(0, step.count)) {
        if (e.state !== 'delivered') this.#unblock(e.send.resourceKey);
      }
      this.cursor = cursor;
      this.#renewAt = roundStarted + this.leaseMs / 3;
      return;
    }
    // Newly taken, lost, or moved by someone else: start over from the database's cursor.
    this.#reset(cursor);
  }

  /**
   * The lease runs out before an attempt started now could end (rounds stalled: the database away,
   * a long retention run): another worker may take the lane, so this one stops sending and gives up
   * what it read. Taken again later, it starts over from the database's cursor.
   */
  lapse(): void {
    this.#inStep = undefined;
    this.#reset(null);
  }

  /** Where the next read starts. */
  get readFrom(): number {
    return this.#readThrough;
  }

  /** Adds a page read from the feed; returns the events to send now, in feed order. */
  add(read: LaneRead): LaneSend[] {
    const ready: LaneSend[] = [];
    for (const send of read.sends) {
      const key = send.resourceKey;
      const chain = this.#chains.get(key);
      const entry: Entry = { send, state: chain ? 'waiting' : 'sending' };
      this.#entries.push(entry);
      if (read.pending.has(key) || this.#blocked.has(key)) this.#hold(entry);
      else if (chain) chain.push(entry);
      else {
        this.#chains.set(key, [entry]);
        ready.push(send);
      }
    }
    this.#readThrough = Math.max(this.#readThrough, read.through);
    return ready;
  }

  /** An attempt ended; returns the next event of its resource to send, if any. */
  settle(send: LaneSend, ok: boolean, result: Pick<AttemptResult, 'httpStatus' | 'error'>): LaneSend | undefined {
    const chain = this.#chains.get(send.resourceKey);
    const entry = chain?.[0];
    if (!chain || !entry || entry.send !== send) return undefined;
    chain.shift();
    if (ok) {
      entry.state = 'delivered';
      const next = chain[0];
      if (!next) {
        this.#chains.delete(send.resourceKey);
        return undefined;
      }
      next.state = 'sending';
      return next.send;
    }
    entry.state = 'failed';
    entry.failed = result;
    this.#block(send.resourceKey);
    // The resource's later events wait behind the failed one, as rows.
    for (const waiting of chain) this.#hold(waiting);
    this.#chains.delete(send.resourceKey);
    return undefined;
  }

  #hold(entry: Entry): void {
    entry.state = 'held';
    this.#block(entry.send.resourceKey);
  }

  #block(key: string): void {
    this.#blocked.set(key, (this.#blocked.get(key) ?? 0) + 1);
  }

  #unblock(key: string): void {
    const left = (this.#blocked.get(key) ?? 1) - 1;
    if (left > 0) this.#blocked.set(key, left);
    else this.#blocked.delete(key);
  }

  #reset(cursor: number | null): void {
    this.cursor = cursor;
    if (cursor === null) this.leaseUntil = 0;
    this.#renewAt = cursor === null ? 0 : this.leaseUntil - (this.leaseMs * 2) / 3;
    this.#readThrough = cursor ?? 0;
    this.#entries = [];
    this.#chains.clear();
    this.#blocked.clear();
    this.generation++;
  }
}
