import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * The request log (every SCIM request per directory, bodies redacted and capped), the audit log
 * (every admin action: who, from where, before and after), and the token expiry warnings already
 * sent (one row per token and threshold, so each warning goes out once, whichever node sends it).
 * Bodies are text, not json: a capped body is a prefix, not a JSON document. The request log has one
 * index (each index costs every SCIM request a b-tree insert): (directory, at, seq) serves the pages
 * (newest first, keyset on at and seq), the counts since a time, and the retention purge.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const seq = (t: string) => (ctx.engine === 'postgres' ? sql.raw(`${t} bigserial primary key`) : sql.raw(`${t} integer primary key autoincrement`));
  const real = sql.raw(ctx.engine === 'postgres' ? 'double precision' : 'real');

  await sql`create table request_log (
    ${seq('seq')},
    directory_id text not null,
    at text not null,
    request_id text not null,
    idp text,
    version text not null,
    method text not null,
    path text not null,
    query text,
    operation text not null,
    status integer not null,
    latency_ms ${real} not null,
    received text,
    received_size integer,
    normalized text,
    rewrites text,
    resources text,
    subjects text,
    error text
  )`.execute(db);
  await db.schema.createIndex('request_log_directory_at').on('request_log').columns(['directory_id', 'at', 'seq']).execute();

  await sql`create table audit_log (
    ${seq('seq')},
    id text not null unique,
    at text not null,
    actor_type text not null,
    actor_id text,
    actor_label text,
    address text,
    action text not null,
    target_type text not null,
    target_id text not null,
    directory_id text,
    before text,
    after text
  )`.execute(db);
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_directory_seq').on('audit_log').columns(['directory_id', 'seq']).execute();

  await sql`create table token_expiry_warnings (
    token_id text not null,
    threshold_days integer not null,
    sent_at text not null,
    primary key (token_id, threshold_days)
  )`.execute(db);
}
