import type { EventRecord, FeedEventRecord, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { EVENT_CATALOG } from './domain-event.ts';
import { envelopeJson, toEnvelope, type EventEnvelope } from './envelope-json.ts';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor.ts';

export type { EventEnvelope };

export interface FeedPage {
  readonly events: (EventEnvelope & { readonly cursor: string })[];
  /** Where the next page starts; a consumer stores it once it has handled the page. */
  readonly nextCursor: string;
  /** Whether more events were already there when this page was read. */
  readonly hasMore: boolean;
}

export interface FeedOptions {
  readonly after?: string;
  readonly limit?: number;
  readonly types?: readonly string[];
  readonly directoryId?: string;
}

export const FEED_MAX_PAGE = 1000;
/** Events the sequencer positions per write transaction. */
const SEQUENCE_BATCH = 5000;
/** Batches per call: a bound, never reached unless writers outrun the sequencer for a long time. */
const SEQUENCE_ROUNDS = 20;

/** A page as read from the store, before it is handed out as objects or as JSON text. */
interface StoredPage {
  readonly rows: readonly FeedEventRecord[];
  readonly nextCursor: string;
  readonly hasMore: boolean;
}

/** Reads the outbox: the ordered feed (positions, cursors, retention) and, for tests, in write order. */
export function createEventReader(store: Store, options: { retentionDays: number }) {
  /** Positions the events committed so far (store/kysely/feed-queries.ts); returns how many. */
  async function sequence(): Promise<number> {
    let total = 0;
    for (let round = 0; round < SEQUENCE_ROUNDS; round++) {
      if (!(await store.read((q) => q.feed.hasUnpositioned()))) break;
      const n = await store.write((q) => q.feed.assignPositions(SEQUENCE_BATCH));
      total += n;
      // 0: another node holds the sequencer right now; its batch will be visible in a moment.
      if (n < SEQUENCE_BATCH) break;
    }
    return total;
  }

  async function readPage(o: FeedOptions): Promise<StoredPage> {
    const limit = o.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > FEED_MAX_PAGE) throw new DomainError('event.invalid', `limit: must be a whole number from 1 to ${FEED_MAX_PAGE}`);
    const unknown = (o.types ?? []).find((t) => !(t in EVENT_CATALOG));
    if (unknown !== undefined) throw new DomainError('event.invalid', `types: unknown event type "${unknown}" (docs/events.md lists them)`);
    const after = o.after === undefined || o.after === '' ? undefined : decodeFeedCursor(o.after);
    await sequence();
    // Every position up to `head` is committed and visible (a sequencer batch commits with it):
    // reading through head only, a page that comes back short has seen everything up to head.
    const { head, prunedThrough } = await store.read((q) => q.feed.state());
    if (after !== undefined && after < prunedThrough) {
      const oldestCursor = encodeFeedCursor(prunedThrough);
      throw new DomainError('event.cursor_expired', `the events after this cursor are older than the retention (${options.retentionDays} days) and were deleted; continue from oldestCursor`, { oldestCursor });
    }
    const from = Math.max(after ?? 0, prunedThrough);
    const rows = from >= head ? [] : await store.read((q) => q.feed.page({ after: from, through: head, limit, directoryId: o.directoryId, types: o.types }));
    const full = rows.length === limit;
    const last = full ? rows[rows.length - 1]!.position : Math.max(head, from);
    return { rows, nextCursor: encodeFeedCursor(last), hasMore: full && last < head };
  }

  return {
    /** Events after `afterSeq` in write order (not the feed's order on PostgreSQL: tests and tools only). */
    list: (o: { afterSeq?: number; limit?: number; directoryId?: string } = {}): Promise<EventRecord[]> =>
      store.read((q) => q.events.list({ afterSeq: o.afterSeq ?? 0, limit: Math.min(o.limit ?? 100, 1000), directoryId: o.directoryId })),

    /**
     * One resource's history, newest first (the console's user and group pages): `before` is the
     * `seq` of the last event of the previous page.
     */
    async forResource(o: { directoryId: string; resourceId: string; before?: number; limit?: number }): Promise<{ events: (EventEnvelope & { seq: number })[]; next: number | null }> {
      const limit = Math.min(Math.max(o.limit ?? 50, 1), 200);
      const rows = await store.read((q) => q.events.listForResource({ directoryId: o.directoryId, resourceId: o.resourceId, beforeSeq: o.before, limit: limit + 1 }));
      const more = rows.length > limit;
      if (more) rows.pop();
      return { events: rows.map(({ seq, ...envelope }) => ({ ...envelope, seq })), next: more ? rows[rows.length - 1]!.seq : null };
    },

    sequence,

    /**
     * A page of the feed after the cursor, in commit order. A consumer that stores `nextCursor`
     * after handling a page never misses or reorders an event, across restarts and nodes.
     */
    async page(o: FeedOptions = {}): Promise<FeedPage> {
      const { rows, nextCursor, hasMore } = await readPage(o);
      return { events: rows.map((e) => ({ ...toEnvelope(e), cursor: encodeFeedCursor(e.position) })), nextCursor, hasMore };
    },

    /**
     * The same page as JSON text, as `GET /api/v1/events` sends it: JSON.stringify of `page()`'s
     * result, made without parsing each event's stored data (envelope-json.ts).
     */
    async pageJson(o: FeedOptions = {}): Promise<string> {
      const { rows, nextCursor, hasMore } = await readPage(o);
      const events = rows.map((e) => envelopeJson(e, encodeFeedCursor(e.position)));
      return `{"events":[${events.join(',')}],"nextCursor":${JSON.stringify(nextCursor)},"hasMore":${hasMore}}`;
    },

    /** The cursor of the oldest event still kept. */
    async oldestCursor(): Promise<string> {
      return encodeFeedCursor((await store.read((q) => q.feed.state())).prunedThrough);
    },

    /** Deletes events older than the retention; returns how many. */
    async prune(now: Date = new Date()): Promise<number> {
      const before = new Date(now.getTime() - options.retentionDays * 86_400_000).toISOString();
      // Retention goes by position: events committed but not yet positioned are positioned first.
      await sequence();
      let total = 0;
      for (let round = 0; round < 100; round++) {
        const n = await store.write((q) => q.feed.prune(before, 5000));
        total += n;
        if (n === 0) break;
      }
      return total;
    },
  };
}

export type EventReader = ReturnType<typeof createEventReader>;
