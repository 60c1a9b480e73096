import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * On SQLite an event takes its feed position when it is inserted (event-queries.ts: the writing
 * transaction moves `event_sequencer.last_position` and inserts with the positions it took). SQLite
 * has one writer at a time, so insert order is commit order: the sequencer that PostgreSQL needs
 * (006-event-feed.ts) only wrote every event row a second time, under the write lock, from the
 * delivery worker's thread, where each of its batches held up the SCIM requests' writes
 * (docs/architecture.md, "The event feed's order"). A write rolled back gives its positions back.
 *
 * The events the sequencer had not reached when this runs are positioned here, in seq order, after
 * every position already given. PostgreSQL keeps the sequencer: its `seq` is not commit order.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.engine !== 'sqlite') return;
  await sql`update events set position = (select last_position from event_sequencer where id = 1) + p.n
    from (select seq, row_number() over (order by seq) as n from events where position is null) as p
    where events.seq = p.seq`.execute(db);
  await sql`update event_sequencer set last_position = max(last_position, coalesce((select max(position) from events), 0)) where id = 1`.execute(db);
}
