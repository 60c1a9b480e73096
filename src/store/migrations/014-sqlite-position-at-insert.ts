import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * On SQLite an event takes its feed position when it is inserted. SQLite has one writer at a time,
 * so the order in which events are inserted is the order in which they commit: the sequencer that
 * PostgreSQL needs (006-event-feed.ts) only rewrote every event row a second time, under the write
 * lock, from the delivery worker's thread, where each of its batches held up the SCIM requests'
 * writes (docs/architecture.md, "The event feed's order"). A rolled-back write rolls its positions
 * back with it, so positions stay gapless.
 *
 * PostgreSQL keeps the sequencer: its `seq` is taken before commit and is not commit order.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.engine !== 'sqlite') return;
  // Events the sequencer had not reached yet (committed: the migration runs alone) are positioned first.
  await sql`update events set position = (select last_position from event_sequencer where id = 1) + p.n
    from (select seq, row_number() over (order by seq) as n from events where position is null) as p
    where events.seq = p.seq`.execute(db);
  await sql`update event_sequencer set last_position = max(last_position, coalesce((select max(position) from events), 0)) where id = 1`.execute(db);
  await sql`create trigger events_position_at_insert after insert on events for each row when new.position is null
    begin
      update event_sequencer set last_position = last_position + 1 where id = 1;
      update events set position = (select last_position from event_sequencer where id = 1) where seq = new.seq;
    end`.execute(db);
}
