import type { Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Fewer pages per membership change. A 100-member IdP delta touches 100 accounts spread over the
 * whole account space: every index keyed by account takes a page per account, and a commit writes
 * each page it touched (measured, SQLite, WAL frames per 100-member PATCH with rules: 395, of
 * which 79 + 73 for the two membership indexes and 58 + 49 for the two access indexes).
 *
 * - Memberships: the unique key leads with the account (it serves "memberships of these accounts",
 *   the conflict check and the deletes), and the group's index is in insertion order, where new rows
 *   land on the group's last page instead of one page per account.
 * - Access: one unique index (account, app) serves both "access of these accounts" and the
 *   conflict check; listing an app's access reads app_access_status (app, status, seq).
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropIndex('org_group_members_key').execute();
  await db.schema.dropIndex('org_group_members_account').execute();
  await db.schema.createIndex('org_group_members_key').unique().on('org_group_members').columns(['account_id', 'group_id', 'source']).execute();
  await db.schema.createIndex('org_group_members_group').on('org_group_members').columns(['group_id', 'seq', 'account_id']).execute();
  await db.schema.dropIndex('app_access_key').execute();
  await db.schema.dropIndex('app_access_account').execute();
  await db.schema.createIndex('app_access_key').unique().on('app_access').columns(['account_id', 'app_id']).execute();
}
