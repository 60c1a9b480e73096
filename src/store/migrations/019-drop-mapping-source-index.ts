import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Memberships lose their source index. It answered one rare question (which accounts have rows an
 * IdP group's mapping made, when that group is deleted), and every mapped membership paid for it: a
 * 100-member PATCH with rules wrote six more pages and spent about a quarter more in its membership
 * insert and delete (SQLite, 3,000 accounts: 356 → 265 µs and 344 → 235 µs a PATCH on average). The
 * question is now asked of the org groups the deleted group maps to (register-org-reactors.ts),
 * through the group's index.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`drop index org_group_members_source`.execute(db);
}
