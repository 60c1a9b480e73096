import type { Queries } from '../store.ts';
import { createAdminKeyQueries } from './admin-key-queries.ts';
import { createAdminQueries, createAdminSessionQueries } from './admin-queries.ts';
import { createAdminLoginQueries, createAdminSetupQueries } from './admin-setup-queries.ts';
import { createDeliveryQueries } from './delivery-queries.ts';
import { createDirectoryQueries } from './directory-queries.ts';
import { createEventQueries } from './event-queries.ts';
import { createFeedQueries } from './feed-queries.ts';
import { createGroupQueries } from './group-queries.ts';
import { createListQueries, type EngineSql } from './list-queries.ts';
import { createMemberQueries } from './member-queries.ts';
import { createOrgQueries } from './org-queries.ts';
import { createPasswordQueries } from './password-queries.ts';
import type { DirectRun, Executor, RunEach, RunStatement, StatementCache } from './prepared.ts';
import { createTokenQueries } from './token-queries.ts';
import { createUserQueries } from './user-queries.ts';
import { createWebhookQueries } from './webhook-queries.ts';
import { createAuditQueries, createOpsQueries, createRequestLogQueries } from './ops-queries.ts';

export interface QueryOptions {
  /** Which engine runs the SQL, for the few expressions that differ (prepared.ts `QueryContext`). */
  readonly engine: 'sqlite' | 'postgres';
  /** Compiled point queries, shared by every executor of one store. */
  readonly statements: StatementCache;
  /**
   * Lock rows read for an update (`for update`). PostgreSQL needs it so writers on several nodes
   * queue on the row; SQLite's `begin immediate` already serialises writers.
   */
  readonly lockRows?: boolean;
  /** Runs compiled statements without Kysely's executor where the engine allows (SQLite). */
  readonly direct?: DirectRun;
  /** Many rows per insert statement (prepared.ts `QueryContext`); default yes. */
  readonly multiRowInserts?: boolean;
  /** Events take their feed position at insert (prepared.ts `QueryContext`); default no. */
  readonly positionsAtInsert?: boolean;
  /** The queries of one write: events wait for `events.flush()` (prepared.ts `QueryContext`); default no. */
  readonly deferEvents?: boolean;
}

/** Builds every query over one executor (the pool, or a transaction). */
export function createQueries(db: Executor, engine: EngineSql, options: QueryOptions): Queries {
  const run: RunStatement = (executor, key, build, args) => options.statements(executor, key, build, args, options.direct);
  const runEach: RunEach = (executor, key, build, argsList) => options.statements.each(executor, key, build, argsList, options.direct);
  const ctx = { db, run, runEach, engine: options.engine, lockRows: options.lockRows ?? false, multiRowInserts: options.multiRowInserts ?? true, positionsAtInsert: options.positionsAtInsert ?? false, deferEvents: options.deferEvents ?? false };
  const lists = createListQueries(db, engine, run);
  return {
    directories: createDirectoryQueries(ctx),
    tokens: createTokenQueries(ctx),
    adminKeys: createAdminKeyQueries(ctx),
    users: createUserQueries(ctx, lists),
    groups: createGroupQueries(ctx, lists),
    members: createMemberQueries(ctx),
    passwords: createPasswordQueries(ctx),
    events: createEventQueries(ctx),
    // The event feed and webhooks (issue 10).
    feed: createFeedQueries(ctx),
    webhooks: createWebhookQueries(ctx),
    deliveries: createDeliveryQueries(ctx),
    requestLog: createRequestLogQueries(ctx),
    audit: createAuditQueries(ctx),
    ops: createOpsQueries(ctx),
    // Admin accounts and console sessions (issue 11).
    admins: createAdminQueries(ctx),
    adminSessions: createAdminSessionQueries(ctx),
    adminSetup: createAdminSetupQueries(ctx),
    adminLogins: createAdminLoginQueries(ctx),
    // The organization layer (issue 9).
    org: createOrgQueries(ctx),
  };
}
