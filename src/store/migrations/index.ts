import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import * as initial from './001-initial.ts';
import * as directorySettings from './002-directory-settings.ts';
import * as memberOrderIndex from './003-member-order-index.ts';
import * as binaryTextOrder from './004-binary-text-order.ts';
import * as eventEnvelope from './005-event-envelope.ts';
import * as eventFeed from './006-event-feed.ts';
import * as webhooks from './007-webhooks.ts';
import * as requestAndAuditLogs from './010-request-and-audit-logs.ts';
import * as organization from './011-organization.ts';
import * as adminAccounts from './012-admin-accounts.ts';
import * as membershipIndexOrder from './013-membership-index-order.ts';
import * as sqlitePositionAtInsert from './014-sqlite-position-at-insert.ts';
import * as webhookLanes from './015-webhook-lanes.ts';
import * as defaultGroupsIndex from './016-default-groups-index.ts';
import * as eventIndexes from './017-event-indexes.ts';
import * as mappingSourceIndex from './018-mapping-source-index.ts';
import * as dropMappingSourceIndex from './019-drop-mapping-source-index.ts';
import type { Engine, Migration } from './migration.ts';

/** Every migration, in order. Names are permanent: they are recorded in the database. */
export const migrations: readonly Migration[] = [
  { name: '001-initial', up: initial.up },
  { name: '002-directory-settings', up: directorySettings.up },
  { name: '003-member-order-index', up: memberOrderIndex.up },
  { name: '004-binary-text-order', up: binaryTextOrder.up },
  { name: '005-event-envelope', up: eventEnvelope.up },
  { name: '006-event-feed', up: eventFeed.up },
  { name: '007-webhooks', up: webhooks.up },
  { name: '010-request-and-audit-logs', up: requestAndAuditLogs.up },
  { name: '011-organization', up: organization.up },
  { name: '012-admin-accounts', up: adminAccounts.up },
  { name: '013-membership-index-order', up: membershipIndexOrder.up },
  { name: '014-sqlite-position-at-insert', up: sqlitePositionAtInsert.up },
  { name: '015-webhook-lanes', up: webhookLanes.up },
  { name: '016-default-groups-index', up: defaultGroupsIndex.up },
  { name: '017-event-indexes', up: eventIndexes.up },
  { name: '018-mapping-source-index', up: mappingSourceIndex.up },
  { name: '019-drop-mapping-source-index', up: dropMappingSourceIndex.up },
];

/**
 * Applies pending migrations. Kysely's migrator takes a lock (a lock table row, and on PostgreSQL an
 * advisory lock) so two nodes starting at once apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({
    db,
    migrationTableName: 'roster_migrations',
    migrationLockTableName: 'roster_migrations_lock',
    provider: {
      async getMigrations() {
        return Object.fromEntries(migrations.map((m) => [m.name, { up: (d: Kysely<any>) => m.up(d, { engine }) }]));
      },
    },
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
