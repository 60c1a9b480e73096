import type { EventRow } from '../database.ts';
import type { EventQueries, NewEvent } from '../store.ts';
import { toEvent } from './map-rows.ts';
import { insertMany, type Executor, type QueryContext } from './prepared.ts';

type EventArgs = Omit<EventRow, 'seq'>;

const insertOne = (db: Executor, a: EventArgs) =>
  db.insertInto('events').values({
    id: a.id,
    directory_id: a.directory_id,
    type: a.type,
    schema_version: a.schema_version,
    resource_type: a.resource_type,
    resource_id: a.resource_id,
    data: a.data,
    changed: a.changed,
    created_at: a.created_at,
    position: a.position,
  });

/**
 * Takes `n` feed positions: moves the sequencer's last position, then reads it. Two statements, not
 * one with RETURNING: SQLite's RETURNING costs ~24 µs a statement here, against ~1 µs for the update
 * and the read, and a create with rules takes positions four times.
 */
const movePositions = (db: Executor, a: { n: number }) =>
  db
    .updateTable('event_sequencer')
    .set((eb) => ({ last_position: eb('last_position', '+', a.n) }))
    .where('id', '=', 1);
const lastPosition = (db: Executor) => db.selectFrom('event_sequencer').select('last_position').where('id', '=', 1);
/** The same in one statement, for queries outside a write, where another write may run between two. */
const takePositions = (db: Executor, a: { n: number }) => movePositions(db, a).returning('last_position');

const toRow = (e: NewEvent, position: number | null = null): EventArgs => ({
  id: e.id,
  directory_id: e.directoryId,
  type: e.type,
  schema_version: e.schemaVersion,
  resource_type: e.resourceType,
  resource_id: e.resourceId,
  data: JSON.stringify(e.data),
  changed: e.changed === null ? null : JSON.stringify(e.changed),
  created_at: e.at,
  position,
});
/** Events per multi-row insert (nine parameters each). */
const ROWS_PER_INSERT = 100;

export function createEventQueries(ctx: QueryContext): EventQueries {
  const { db, run } = ctx;
  /**
   * SQLite: the positions after the last one, taken in the writing transaction (its one writer makes
   * insert order commit order); a write rolled back gives them back. PostgreSQL: none (null), the
   * sequencer positions events once committed (feed-queries.ts).
   */
  async function positionsFor(n: number): Promise<(i: number) => number | null> {
    if (!ctx.positionsAtInsert) return () => null;
    let rows: unknown[];
    if (ctx.deferEvents) {
      // Inside a write, which holds SQLite's one connection and its write lock from one to the other.
      await run(db, 'events.movePositions', movePositions, { n });
      ({ rows } = await run(db, 'events.lastPosition', lastPosition, {}));
    } else ({ rows } = await run(db, 'events.takePositions', takePositions, { n }));
    const first = Number((rows[0] as { last_position: number }).last_position) - n + 1;
    return (i) => first + i;
  }
  async function insert(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const position = await positionsFor(events.length);
    if (events.length === 1) await run(db, 'events.append', insertOne, toRow(events[0]!, position(0)));
    else await insertMany(ctx, 'events.appendMany', 'events', events.map((e, i) => toRow(e, position(i))), ROWS_PER_INSERT);
  }
  // A write's events wait here until its work ends (EventQueries.append); elsewhere they go at once.
  const pending: NewEvent[] = [];
  return {
    async append(e) {
      if (ctx.deferEvents) pending.push(e);
      else await insert([e]);
    },
    async appendMany(events) {
      if (ctx.deferEvents) pending.push(...events);
      else await insert(events);
    },
    async flush() {
      await insert(pending.splice(0));
    },
    discard() {
      pending.length = 0;
    },
    // Tests and tools: a directory's events are read through events_resource and sorted by seq.
    async list({ afterSeq, limit, directoryId }) {
      let q = db.selectFrom('events').selectAll().where('seq', '>', afterSeq);
      if (directoryId !== undefined) q = q.where('directory_id', '=', directoryId);
      return (await q.orderBy('seq').limit(limit).execute()).map(toEvent);
    },
    // A page of the resource's own events, newest first, on events_resource (migration 017).
    async listForResource({ directoryId, resourceId, beforeSeq, limit }) {
      let q = db.selectFrom('events').selectAll().where('directory_id', '=', directoryId).where('resource_id', '=', resourceId);
      if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
      return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toEvent);
    },
  };
}
