import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './migration.ts';

/**
 * Admin accounts for the console (docs/console-and-admins.md): the accounts (email unique ignoring
 * case, a scrypt hash of the password, a role), their sessions (only a SHA-256 of the cookie value is
 * kept), the one-time setup tokens of a first start (hashed too), and recent failed logins per
 * (email, client address) so the login rate limit holds across nodes.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await sql`create table admins (
    id text primary key,
    email text not null,
    email_lower text not null unique,
    password_hash text not null,
    role text not null,
    created_at text not null,
    updated_at text not null
  )`.execute(db);

  await sql`create table admin_sessions (
    id text primary key,
    token_hash text not null unique,
    admin_id text not null references admins(id) on delete cascade,
    created_at text not null,
    last_used_at text not null,
    expires_at text not null,
    address text
  )`.execute(db);
  await db.schema.createIndex('admin_sessions_admin').on('admin_sessions').column('admin_id').execute();

  await sql`create table admin_setup_tokens (
    token_hash text primary key,
    created_at text not null,
    expires_at text not null,
    used_at text
  )`.execute(db);

  await sql`create table admin_login_failures (
    login_key text not null,
    at text not null
  )`.execute(db);
  await db.schema.createIndex('admin_login_failures_key_at').on('admin_login_failures').columns(['login_key', 'at']).execute();
}
