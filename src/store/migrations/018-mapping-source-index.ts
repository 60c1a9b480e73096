import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * The source index of memberships serves one question: which accounts have rows that an IdP group's
 * mapping made (`map:…`), when that group is deleted. Rows of default groups and manual rows never
 * asked it, and every new account writes one or two of them: they are left out of the index.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`drop index org_group_members_source`.execute(db);
  await sql`create index org_group_members_source on org_group_members (source) where source like 'map:%'`.execute(db);
}
