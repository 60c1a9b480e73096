import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Events become typed envelopes (docs/events.md): each has its own id (consumers drop duplicates by
 * it), a schema version, and for updates the changed attributes; organization-wide events have no
 * directory, so `directory_id` may be null. Events written before this migration get the id
 * `legacy-<seq>`: unique, and stable across reads.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const json = sql.raw(ctx.engine === 'postgres' ? 'json' : 'text');
  if (ctx.engine === 'postgres') {
    await sql`alter table events
      add column id text,
      add column schema_version integer not null default 1,
      add column changed json,
      alter column directory_id drop not null`.execute(db);
    await sql`update events set id = 'legacy-' || seq`.execute(db);
    await sql`alter table events alter column id set not null`.execute(db);
  } else {
    // SQLite cannot drop a NOT NULL constraint: the table is rebuilt, keeping every seq.
    await sql`create table events_new (
      seq integer primary key autoincrement,
      id text not null,
      directory_id text,
      type text not null,
      schema_version integer not null default 1,
      resource_type text not null,
      resource_id text not null,
      data ${json} not null,
      changed ${json},
      created_at text not null
    )`.execute(db);
    await sql`insert into events_new (seq, id, directory_id, type, resource_type, resource_id, data, created_at)
      select seq, 'legacy-' || seq, directory_id, type, resource_type, resource_id, data, created_at from events`.execute(db);
    await sql`drop table events`.execute(db);
    await sql`alter table events_new rename to events`.execute(db);
    await db.schema.createIndex('events_directory_seq').on('events').columns(['directory_id', 'seq']).execute();
  }
  await db.schema.createIndex('events_id').unique().on('events').column('id').execute();
}
