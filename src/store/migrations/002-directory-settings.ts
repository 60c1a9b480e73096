import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Per-directory settings (password sync, IP allow-list, custom attributes) and stored password
 * hashes. Settings live on the directory row, so the one query that authenticates a request
 * brings them along.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('directories').addColumn('password_mode', 'text', (c) => c.notNull().defaultTo('ignore')).execute();
  await db.schema.alterTable('directories').addColumn('ip_allowlist', 'text').execute();
  await db.schema.alterTable('directories').addColumn('custom_attributes', 'text').execute();

  await sql`create table user_passwords (
    user_id text primary key references users(id) on delete cascade,
    directory_id text not null,
    hash text not null,
    updated_at text not null
  )`.execute(db);
}
