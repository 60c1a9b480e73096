import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/** Text columns that filters (`gt`, `lt`, `sw` …) and `sortBy` compare. */
const COLUMNS: Record<string, string[]> = {
  users: ['user_name', 'user_name_lower', 'external_id', 'display_name', 'created_at', 'updated_at'],
  groups: ['display_name', 'display_name_lower', 'external_id', 'created_at', 'updated_at'],
};

/**
 * PostgreSQL compares and sorts text by the database's collation: under an ICU or libc locale
 * `userName gt "t"` and `sortBy=externalId` gave other answers than on SQLite, which compares by
 * code point. `collate "C"` makes both engines agree, whatever locale the database was created with
 * (and lets `like 'abc%'` use the indexes). SQLite needs nothing.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.engine !== 'postgres') return;
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const alters = columns.map((c) => sql`alter column ${sql.id(c)} type text collate "C"`);
    await sql`alter table ${sql.id(table)} ${sql.join(alters)}`.execute(db);
  }
}
