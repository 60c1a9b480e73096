import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * The organization layer (DESIGN.md §1): accounts linked to SCIM users, org groups and their
 * memberships, apps with grants and materialized access, each directory's rules, the organization's
 * domains, held deprovisions and link conflicts. Everything here is derived from the SCIM layer by
 * rules, in the transaction of the SCIM write that caused it (src/domain/org/).
 *
 * Memberships keep one row per *source* (`manual`, `initial`, `default`, `map:<directory>:<IdP group>`):
 * an account is in a group while any source says so, the explain chain reads the sources, and a
 * rule change removes only the rows its own sources produced.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const seq = (t: string) => (ctx.engine === 'postgres' ? sql.raw(`${t} bigserial primary key`) : sql.raw(`${t} integer primary key autoincrement`));

  await sql`create table org_domains (domain text primary key, created_at text not null)`.execute(db);

  await sql`create table directory_rules (
    directory_id text primary key references directories(id) on delete cascade,
    rules text not null,
    version integer not null,
    updated_at text not null
  )`.execute(db);

  await sql`create table accounts (
    ${seq('seq')},
    id text not null unique,
    status text not null,
    external integer not null,
    user_name text,
    email text,
    email_lower text,
    display_name text,
    given_name text,
    family_name text,
    title text,
    department text,
    manager text,
    locale text,
    timezone text,
    custom text not null,
    created_at text not null,
    updated_at text not null
  )`.execute(db);
  await db.schema.createIndex('accounts_email_lower').on('accounts').column('email_lower').execute();
  await db.schema.createIndex('accounts_updated').on('accounts').columns(['updated_at', 'seq']).execute();

  await sql`create table account_links (
    ${seq('seq')},
    directory_id text not null,
    user_id text not null,
    account_id text not null,
    active integer not null,
    linked_by text not null,
    created_at text not null
  )`.execute(db);
  await db.schema.createIndex('account_links_user').unique().on('account_links').columns(['directory_id', 'user_id']).execute();
  await db.schema.createIndex('account_links_account').on('account_links').columns(['account_id', 'seq']).execute();

  await sql`create table link_conflicts (
    ${seq('seq')},
    directory_id text not null,
    user_id text not null,
    email text not null,
    existing_account_id text not null,
    account_id text not null,
    at text not null
  )`.execute(db);

  await sql`create table org_groups (
    ${seq('seq')},
    id text not null unique,
    name text not null,
    name_lower text not null unique,
    description text,
    synced_by text,
    default_kind text,
    created_at text not null,
    updated_at text not null
  )`.execute(db);

  await sql`create table org_group_members (
    ${seq('seq')},
    group_id text not null,
    account_id text not null,
    source text not null
  )`.execute(db);
  await db.schema.createIndex('org_group_members_key').unique().on('org_group_members').columns(['group_id', 'account_id', 'source']).execute();
  await db.schema.createIndex('org_group_members_account').on('org_group_members').columns(['account_id', 'group_id']).execute();
  await db.schema.createIndex('org_group_members_source').on('org_group_members').column('source').execute();

  await sql`create table apps (
    ${seq('seq')},
    id text not null unique,
    name text not null,
    name_lower text not null unique,
    kind text not null,
    seat_limit integer,
    created_at text not null,
    updated_at text not null
  )`.execute(db);

  await sql`create table app_grants (
    app_id text not null,
    group_id text not null,
    created_at text not null,
    primary key (app_id, group_id)
  )`.execute(db);
  await db.schema.createIndex('app_grants_group').on('app_grants').column('group_id').execute();

  // Materialized access: granted, or queued behind the seat limit (oldest seq first).
  await sql`create table app_access (
    ${seq('seq')},
    app_id text not null,
    account_id text not null,
    status text not null,
    since text not null
  )`.execute(db);
  await db.schema.createIndex('app_access_key').unique().on('app_access').columns(['app_id', 'account_id']).execute();
  await db.schema.createIndex('app_access_account').on('app_access').column('account_id').execute();
  await db.schema.createIndex('app_access_status').on('app_access').columns(['app_id', 'status', 'seq']).execute();

  await sql`create table app_keys (
    id text primary key,
    app_id text not null,
    key_hash text not null unique,
    prefix text not null,
    label text,
    created_at text not null,
    revoked_at text
  )`.execute(db);

  await sql`create table deprovisions (
    ${seq('seq')},
    id text not null unique,
    directory_id text not null,
    account_id text not null,
    user_id text not null,
    action text not null,
    status text not null,
    at text not null,
    decided_by text,
    decided_at text
  )`.execute(db);
  await db.schema.createIndex('deprovisions_directory').on('deprovisions').columns(['directory_id', 'status', 'at']).execute();
}
