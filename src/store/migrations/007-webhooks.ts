import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Webhook endpoints and their deliveries (docs/webhooks.md). Each endpoint reads the feed from its
 * own `cursor` (a feed position) and fans the events it wants out into `webhook_deliveries`, one row
 * per (endpoint, event); the delivery worker claims pending rows, sends them and records the outcome.
 * Times the worker compares (`next_attempt_at`, `lease_until`) are epoch milliseconds.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const bigint = sql.raw(ctx.engine === 'postgres' ? 'bigint' : 'integer');
  await sql`create table webhooks (
    id text primary key,
    url text not null,
    secret_encrypted text not null,
    event_types text,
    directory_id text,
    description text,
    enabled integer not null,
    cursor ${bigint} not null,
    created_at text not null,
    updated_at text not null
  )`.execute(db);
  await sql`create table webhook_deliveries (
    id text primary key,
    webhook_id text not null references webhooks(id) on delete cascade,
    position ${bigint} not null,
    event_id text not null,
    resource_key text not null,
    status text not null,
    attempts integer not null,
    next_attempt_at ${bigint} not null,
    lease_until ${bigint},
    last_status integer,
    last_error text,
    created_at text not null,
    updated_at text not null
  )`.execute(db);
  // One delivery per endpoint and event, found by the event too (retention keeps events still owed).
  await db.schema.createIndex('webhook_deliveries_position').unique().on('webhook_deliveries').columns(['position', 'webhook_id']).execute();
  // The claim: an endpoint's pending deliveries in feed order, and the earlier pending one of a resource.
  await sql`create index webhook_deliveries_pending on webhook_deliveries (webhook_id, position) where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_resource on webhook_deliveries (webhook_id, resource_key, position) where status = 'pending'`.execute(db);
  await db.schema.createIndex('webhook_deliveries_status').on('webhook_deliveries').columns(['webhook_id', 'status', 'created_at']).execute();
}
