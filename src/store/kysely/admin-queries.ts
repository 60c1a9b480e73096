import type { AdminRecord } from '../admin-records.ts';
import type { AdminRow, AdminSessionRow } from '../database.ts';
import type { AdminQueries, AdminSessionQueries } from '../store.ts';
import type { QueryContext } from './prepared.ts';

export const toAdmin = (r: AdminRow): AdminRecord => ({ id: r.id, email: r.email, passwordHash: r.password_hash, role: r.role, createdAt: r.created_at, updatedAt: r.updated_at });

export function createAdminQueries({ db, lockRows }: QueryContext): AdminQueries {
  return {
    async insert(a) {
      await db
        .insertInto('admins')
        .values({ id: a.id, email: a.email, email_lower: a.email.toLowerCase(), password_hash: a.passwordHash, role: a.role, created_at: a.createdAt, updated_at: a.updatedAt })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAdmin(row);
    },
    async findByEmail(emailLower) {
      const row = await db.selectFrom('admins').selectAll().where('email_lower', '=', emailLower).executeTakeFirst();
      return row && toAdmin(row);
    },
    async list() {
      return (await db.selectFrom('admins').selectAll().orderBy('created_at').orderBy('id').execute()).map(toAdmin);
    },
    async count() {
      const row = await db.selectFrom('admins').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async lockOwners() {
      let q = db.selectFrom('admins').select('id').where('role', '=', 'owner');
      if (lockRows) q = q.forUpdate();
      return (await q.execute()).map((r) => r.id);
    },
    async update(id, changes) {
      const set: Partial<AdminRow> = {};
      if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
      if (changes.role !== undefined) set.role = changes.role;
      if (changes.updatedAt !== undefined) set.updated_at = changes.updatedAt;
      const r = await db.updateTable('admins').set(set).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async delete(id) {
      const r = await db.deleteFrom('admins').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

const toSession = (r: AdminSessionRow) => ({ id: r.id, tokenHash: r.token_hash, adminId: r.admin_id, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, address: r.address });

export function createAdminSessionQueries({ db }: QueryContext): AdminSessionQueries {
  return {
    async insert(s) {
      await db
        .insertInto('admin_sessions')
        .values({ id: s.id, token_hash: s.tokenHash, admin_id: s.adminId, created_at: s.createdAt, last_used_at: s.lastUsedAt, expires_at: s.expiresAt, address: s.address })
        .execute();
    },
    async findByHash(tokenHash) {
      const row = await db
        .selectFrom('admin_sessions as s')
        .innerJoin('admins as a', 'a.id', 's.admin_id')
        .select(['s.id', 's.token_hash', 's.admin_id', 's.created_at', 's.last_used_at', 's.expires_at', 's.address'])
        .select(['a.email', 'a.email_lower', 'a.password_hash', 'a.role', 'a.created_at as admin_created_at', 'a.updated_at as admin_updated_at'])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const admin = toAdmin({ id: row.admin_id, email: row.email, email_lower: row.email_lower, password_hash: row.password_hash, role: row.role, created_at: row.admin_created_at, updated_at: row.admin_updated_at });
      return { session: toSession(row), admin };
    },
    async touch(id, at) {
      await db.updateTable('admin_sessions').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async delete(id) {
      const r = await db.deleteFrom('admin_sessions').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
    async deleteForAdmin(adminId, exceptId) {
      let q = db.deleteFrom('admin_sessions').where('admin_id', '=', adminId);
      if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
      return Number((await q.executeTakeFirst()).numDeletedRows);
    },
    async purgeExpired(now, idleBefore) {
      const r = await db
        .deleteFrom('admin_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_used_at', '<', idleBefore)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
