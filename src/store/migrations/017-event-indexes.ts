import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Every change writes events, so every index on `events` is paid by every SCIM write: a create with
 * a realistic rule set writes five. Two of them served no query: `events_id` (events are never read
 * by id, and nothing relies on the table to keep ids unique: they are version 7 UUIDs with 62 random
 * bits, new-id.ts) and `events_created_at` (retention goes by position, feed-queries.ts). And `events_directory_seq` did not serve the query that needs one: a
 * resource's history (the console's user and group pages) read every event of the directory to find
 * the resource's. One index on (directory, resource, seq) serves that page; listing a directory's
 * events in write order (tests and tools) reads it too. Organization events (no directory) are left
 * out of it: no page asks for them by directory, and a create with rules writes three of them, each
 * on another page of the index (its group's, its app's).
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`drop index events_id`.execute(db);
  await sql`drop index events_created_at`.execute(db);
  await sql`drop index events_directory_seq`.execute(db);
  await sql`create index events_resource on events (directory_id, resource_id, seq) where directory_id is not null`.execute(db);
}
