import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Every SCIM write reads the default groups (OrgQueries.writeFacts). Without an index that read
 * scanned every org group, and on-the-fly mapping makes one per IdP group: a partial index holds
 * only the few default groups, in their order.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`create index org_groups_default on org_groups (seq) where default_kind is not null`.execute(db);
}
