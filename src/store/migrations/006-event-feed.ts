import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * The event feed's commit order (docs/architecture.md, "The event feed's order").
 *
 * `events.seq` is taken when the row is inserted; on PostgreSQL that is before the transaction
 * commits, so a transaction holding seq 10 can commit after one holding seq 11, and a reader that
 * polled `seq > 10` in between never sees 10. `position` is the feed's order instead: null when the
 * event is written, assigned afterwards by the sequencer (feed-queries.ts, `assignPositions`) to
 * committed events only, one batch at a time under the lock of `event_sequencer`'s row, so positions
 * only ever grow in the order events became visible and a reader keeping `position > last` misses none.
 * `pruned_through` is the last position retention deleted: a cursor below it is gone (410).
 *
 * Events already in the table are committed: they take their seq as position.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`alter table events add column position bigint`.execute(db);
  await sql`update events set position = seq`.execute(db);
  await db.schema.createIndex('events_position').unique().on('events').column('position').execute();
  // Only the rows the sequencer has not reached yet: a handful at any time, whatever the table's size.
  await sql`create index events_unpositioned on events (seq) where position is null`.execute(db);
  await db.schema.createIndex('events_created_at').on('events').column('created_at').execute();
  await db.schema
    .createTable('event_sequencer')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_position', 'bigint', (c) => c.notNull())
    .addColumn('pruned_through', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into event_sequencer (id, last_position, pruned_through) select 1, coalesce(max(seq), 0), 0 from events`.execute(db);
}
