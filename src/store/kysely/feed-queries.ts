import { sql } from 'kysely';
import type { FeedQueries } from '../store.ts';
import { FEED_COLUMNS, toFeedEvent } from './map-rows.ts';
import { listArgs, listOf, type Executor, type QueryContext } from './prepared.ts';

interface PageArgs {
  readonly after: number;
  readonly through: number;
  readonly limit: number;
  readonly directoryId?: string;
}

/**
 * A feed page, compiled once per shape (with or without a directory, and per number of types): a
 * reader walking the feed asks the same query again and again.
 *
 * The directory is compared through an expression so that no engine reads the page through the
 * directory's index (`events_directory_seq` then, `events_resource` now): SQLite did, then sorted every event of the directory
 * by position for each page, a cost that grew with the directory's history (a lane of a
 * directory-scoped webhook read 20,000 events per page of 16). Walking the position range, a page
 * costs the events between two positions, and a reader moves past what it walked.
 */
const pageQuery = (withDirectory: boolean, typeCount: number) => (db: Executor, a: PageArgs & Record<string, unknown>) => {
  let q = db.selectFrom('events').select(FEED_COLUMNS).where('position', '>', a.after).where('position', '<=', a.through);
  if (withDirectory) q = q.where(sql<string>`coalesce(directory_id, '')`, '=', a.directoryId!);
  if (typeCount > 0) q = q.where('type', 'in', listOf<string>(a, typeCount));
  return q.orderBy('position').limit(a.limit);
};

const stateQuery = (db: Executor) => db.selectFrom('event_sequencer').select(['last_position', 'pruned_through']).where('id', '=', 1);
const unpositionedQuery = (db: Executor) => db.selectFrom('events').select('seq').where('position', 'is', null).limit(1);

/**
 * The event feed's order. On PostgreSQL `events.seq` (a bigserial) is taken at insert, before the
 * transaction commits: a transaction holding seq 10 may commit after one holding seq 11, and a
 * reader that polled `seq > 10` in between would never see 10. Two fixes were measured (16 writers,
 * one insert and one event per transaction, fsync on, the bench machine):
 *
 * - a position taken from one counter row (or an advisory lock + sequence) in the writing
 *   transaction: exact commit order, but it serializes every writer from its event to its COMMIT,
 *   and PostgreSQL can no longer share WAL flushes between them: 1,009–1,295 transactions/s
 *   instead of 4,530–5,617 (about 4× fewer SCIM writes on PostgreSQL);
 * - reading only below the oldest in-flight transaction id (`pg_snapshot_xmin`), ordered by xid:
 *   no write cost, but xid order is not commit order (a transaction that took its xid first can
 *   write a resource after a later one committed it), so one resource's events could be read out
 *   of order, and any long transaction on the server stalls the feed.
 *
 * Roster assigns positions after commit instead: events are written with `position` null, and
 * this sequencer gives positions to the events that are committed (visible) when it runs, in seq
 * order, one batch at a time while it holds `event_sequencer`'s row. Positions therefore only grow
 * in the order events became visible: a reader keeping `position > last` misses nothing, and an
 * event still in flight is simply positioned by a later batch. Within a batch seq order keeps each
 * resource's causal order: a writer that waited on a row lock for another transaction's commit took
 * its seq after that transaction's. The write path is untouched; the cost is one UPDATE per batch of
 * events, off the request path (the delivery worker runs it, and the feed before it reads). SQLite
 * has one writer, so its insert order is commit order: there an event takes its position as it is
 * inserted (event-queries.ts, migration 014) and the sequencer finds nothing to do.
 */
export function createFeedQueries({ db, run, lockRows }: QueryContext): FeedQueries {
  // PostgreSQL: another node sequencing right now holds the row; this one skips it and assigns nothing.
  const lockSequencer = lockRows ? sql` for update skip locked` : sql``;
  async function state() {
    const { rows } = await run(db, 'feed.state', stateQuery, {});
    const row = rows[0]!;
    return { head: Number(row.last_position), prunedThrough: Number(row.pruned_through) };
  }
  return {
    async hasUnpositioned() {
      const { rows } = await run(db, 'feed.unpositioned', unpositionedQuery, {});
      return rows.length > 0;
    },

    async assignPositions(limit) {
      const { rows } = await sql<{ last_position: number }>`select last_position from event_sequencer where id = 1${lockSequencer}`.execute(db);
      if (rows.length === 0) return 0;
      const base = Number(rows[0]!.last_position);
      const assigned = await sql<{ position: number }>`update events set position = p.pos
        from (select seq, cast(${base} as bigint) + row_number() over (order by seq) as pos
              from events where position is null order by seq limit ${limit}) as p
        where events.seq = p.seq
        returning events.position`.execute(db);
      const n = assigned.rows.length;
      if (n > 0) await db.updateTable('event_sequencer').set({ last_position: base + n }).where('id', '=', 1).execute();
      return n;
    },

    state,

    async page({ after, through, limit, directoryId, types = [] }) {
      const withDirectory = directoryId !== undefined;
      // The plain walk is one named statement on PostgreSQL; the filtered shapes (keys ending in a
      // number) keep plans made with their values, like every statement whose selectivity varies.
      const key = withDirectory || types.length > 0 ? `feed.page.${withDirectory ? 'd' : 'a'}.${types.length}` : 'feed.page';
      const { rows } = await run(db, key, pageQuery(withDirectory, types.length), { after, through, limit, directoryId, ...listArgs(types) });
      return rows.map(toFeedEvent);
    },

    async prune(before, limit) {
      const { prunedThrough } = await state();
      const oldest = await db.selectFrom('events').select(['position', 'created_at']).where('position', '>', prunedThrough).orderBy('position').limit(limit).execute();
      // A prefix in position order, up to the first event too young to go (node clocks may differ a little).
      let upTo: number | undefined;
      for (const row of oldest) {
        if (row.created_at >= before) break;
        upTo = Number(row.position);
      }
      // Nor past an enabled endpoint's lane: what is after its cursor has no delivery row to keep it.
      const lanes = await db.selectFrom('webhooks').select((eb) => eb.fn.min('cursor').as('cursor')).where('enabled', '=', 1).executeTakeFirst();
      if (upTo !== undefined && lanes?.cursor !== null && lanes?.cursor !== undefined) upTo = Math.min(upTo, Number(lanes.cursor));
      if (upTo === undefined || upTo <= prunedThrough) return 0;
      const deleted = await db
        .deleteFrom('events')
        // From the start: events kept earlier for a delivery go once it is done.
        .where('position', '<=', upTo)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.position', '=', 'events.position').where('d.status', '<>', 'delivered'))),
        )
        .executeTakeFirst();
      await db.updateTable('event_sequencer').set({ pruned_through: upTo }).where('id', '=', 1).execute();
      return Number(deleted.numDeletedRows);
    },
  };
}
