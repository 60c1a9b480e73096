import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * The SCIM layer: directories, their tokens, users, groups, memberships, and the event outbox.
 * Every column a filter Okta or Entra sends touches is indexed per directory.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // PostgreSQL keeps JSON in `json` columns: its operators work on them, and unlike jsonb the text
  // is kept exactly as written (key order included), which is what an IdP reads back.
  const json = sql.raw(ctx.engine === 'postgres' ? 'json' : 'text');
  const seq = (t: string) => (ctx.engine === 'postgres' ? sql.raw(`${t} bigserial primary key`) : sql.raw(`${t} integer primary key autoincrement`));

  await db.schema
    .createTable('directories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('idp', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('directory_id', 'text', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('tokens_directory').on('tokens').column('directory_id').execute();

  await db.schema
    .createTable('admin_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();

  await sql`create table users (
    ${seq('seq')},
    id text not null unique,
    directory_id text not null references directories(id) on delete cascade,
    user_name text not null,
    user_name_lower text not null,
    external_id text,
    display_name text,
    active integer,
    resource ${json} not null,
    version integer not null,
    created_at text not null,
    updated_at text not null
  )`.execute(db);
  await db.schema.createIndex('users_directory_user_name').unique().on('users').columns(['directory_id', 'user_name_lower']).execute();
  await db.schema.createIndex('users_directory_external_id').on('users').columns(['directory_id', 'external_id']).execute();
  await db.schema.createIndex('users_directory_seq').on('users').columns(['directory_id', 'seq']).execute();
  await db.schema.createIndex('users_directory_updated').on('users').columns(['directory_id', 'updated_at']).execute();

  await sql`create table groups (
    ${seq('seq')},
    id text not null unique,
    directory_id text not null references directories(id) on delete cascade,
    display_name text not null,
    display_name_lower text not null,
    external_id text,
    resource ${json} not null,
    member_count integer not null,
    version integer not null,
    created_at text not null,
    updated_at text not null
  )`.execute(db);
  await db.schema.createIndex('groups_directory_display_name').unique().on('groups').columns(['directory_id', 'display_name_lower']).execute();
  await db.schema.createIndex('groups_directory_external_id').on('groups').columns(['directory_id', 'external_id']).execute();
  await db.schema.createIndex('groups_directory_seq').on('groups').columns(['directory_id', 'seq']).execute();

  await sql`create table group_members (
    ${seq('seq')},
    group_id text not null references groups(id) on delete cascade,
    member_id text not null,
    directory_id text not null,
    member_type text not null,
    display text
  )`.execute(db);
  await db.schema.createIndex('group_members_group_member').unique().on('group_members').columns(['group_id', 'member_id']).execute();
  await db.schema.createIndex('group_members_member').on('group_members').column('member_id').execute();

  await sql`create table events (
    ${seq('seq')},
    directory_id text not null,
    type text not null,
    resource_type text not null,
    resource_id text not null,
    data ${json} not null,
    created_at text not null
  )`.execute(db);
  await db.schema.createIndex('events_directory_seq').on('events').columns(['directory_id', 'seq']).execute();
}
