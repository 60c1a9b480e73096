import type { AdminLoginQueries, AdminSetupQueries } from '../store.ts';
import type { QueryContext } from './prepared.ts';

export function createAdminSetupQueries({ db }: QueryContext): AdminSetupQueries {
  return {
    async insert(t) {
      await db.insertInto('admin_setup_tokens').values({ token_hash: t.tokenHash, created_at: t.createdAt, expires_at: t.expiresAt, used_at: t.usedAt }).execute();
    },
    async get(tokenHash) {
      const r = await db.selectFrom('admin_setup_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r && { tokenHash: r.token_hash, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
    },
    async useAll(at) {
      const rows = await db.updateTable('admin_setup_tokens').set({ used_at: at }).where('used_at', 'is', null).returning('token_hash').execute();
      return rows.map((r) => r.token_hash);
    },
  };
}

export function createAdminLoginQueries({ db }: QueryContext): AdminLoginQueries {
  return {
    async recordFailure(loginKey, at) {
      await db.insertInto('admin_login_failures').values({ login_key: loginKey, at }).execute();
    },
    async failuresSince(loginKey, since) {
      const rows = await db.selectFrom('admin_login_failures').select('at').where('login_key', '=', loginKey).where('at', '>=', since).orderBy('at').execute();
      return rows.map((r) => r.at);
    },
    async clear(loginKey) {
      await db.deleteFrom('admin_login_failures').where('login_key', '=', loginKey).execute();
    },
    async prune(before) {
      await db.deleteFrom('admin_login_failures').where('at', '<', before).execute();
    },
  };
}
