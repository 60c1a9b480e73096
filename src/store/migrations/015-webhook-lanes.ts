import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * An endpoint's lane (create-delivery-service.ts): one worker at a time sends the endpoint's new
 * events straight from the feed and moves `cursor` past them; a delivery row is written only for an
 * event whose attempt failed or that waits behind one. `lane_holder` is the worker holding the lane
 * and `lane_until` (epoch ms) when its lease ends: a node that dies leaves the lane to another once
 * the lease has run out.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const bigint = sql.raw(ctx.engine === 'postgres' ? 'bigint' : 'integer');
  await sql`alter table webhooks add column lane_holder text`.execute(db);
  await sql`alter table webhooks add column lane_until ${bigint}`.execute(db);
}
