import type { AdminKeyRow } from '../database.ts';
import type { AdminKeyQueries } from '../store.ts';
import { fromAdminKey, toAdminKey } from './map-rows.ts';
import type { QueryContext } from './prepared.ts';

export function createAdminKeyQueries({ db }: QueryContext): AdminKeyQueries {
  return {
    async insert(record) {
      await db.insertInto('admin_keys').values(fromAdminKey(record)).execute();
    },
    async findByHash(hash) {
      const row = await db.selectFrom('admin_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      return row && toAdminKey(row);
    },
    async list() {
      return (await db.selectFrom('admin_keys').selectAll().orderBy('created_at').execute()).map(toAdminKey);
    },
    async update(id, changes) {
      const set: Partial<AdminKeyRow> = {};
      if (changes.revokedAt !== undefined) set.revoked_at = changes.revokedAt;
      if (changes.lastUsedAt !== undefined) set.last_used_at = changes.lastUsedAt;
      const r = await db.updateTable('admin_keys').set(set).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}
