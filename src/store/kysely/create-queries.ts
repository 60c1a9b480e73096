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
  /**
   * Which engine runs the SQL. It decides how the queries behave (prepared.ts `QueryContext`):
   * PostgreSQL locks rows read for an update and inserts many rows per statement; SQLite gives an
   * event its feed position as it is inserted.
   */
  readonly engine: 'sqlite' | 'postgres';
  /** Compiled point queries, shared by every executor of one store. */
  readonly statements: StatementCache;
  /** Runs compiled statements without Kysely's executor where the engine allows (SQLite). */
  readonly direct?: DirectRun;
  /** The queries of one write: events wait for `events.flush()` (prepared.ts `QueryContext`); default no. */
  readonly deferEvents?: boolean;
}

/** Builds every query over one executor (the pool, or a transaction). */
export function createQueries(db: Executor, engine: EngineSql, options: QueryOptions): Queries {
  const run: RunStatement = (executor, key, build, args) => options.statements(executor, key, build, args, options.direct);
  const runEach: RunEach = (executor, key, build, argsList) => options.statements.each(executor, key, build, argsList, options.direct);
  const postgres = options.engine === 'postgres';
  const ctx = { db, run, runEach, engine: options.engine, lockRows: postgres, multiRowInserts: postgres, positionsAtInsert: !postgres, deferEvents: options.deferEvents ?? false };
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
