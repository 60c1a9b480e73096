import type { DirectoryQueries } from '../store.ts';
import { fromDirectoryChanges, toDirectory } from './map-rows.ts';
import type { QueryContext } from './prepared.ts';

export function createDirectoryQueries({ db, lockRows }: QueryContext): DirectoryQueries {
  return {
    async insert(record) {
      const { ipAllowlist, customAttributes, ...rest } = record;
      await db
        .insertInto('directories')
        .values({ id: rest.id, name: rest.name, idp: rest.idp, status: rest.status, created_at: rest.createdAt, updated_at: rest.updatedAt, password_mode: rest.passwordMode, ...fromDirectoryChanges({ ipAllowlist, customAttributes }) })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('directories').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDirectory(row);
    },
    async lock(id) {
      let q = db.selectFrom('directories').selectAll().where('id', '=', id);
      if (lockRows) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      return row && toDirectory(row);
    },
    async list() {
      const rows = await db.selectFrom('directories').selectAll().where('status', '!=', 'deleted').orderBy('created_at').orderBy('id').execute();
      return rows.map(toDirectory);
    },
    async update(id, changes) {
      const r = await db.updateTable('directories').set(fromDirectoryChanges(changes)).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async counts(id) {
      const [u, g] = await Promise.all([
        db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', id).executeTakeFirstOrThrow(),
        db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', id).executeTakeFirstOrThrow(),
      ]);
      return { users: Number(u.n), groups: Number(g.n) };
    },
    async purgeData(id) {
      await db.deleteFrom('group_members').where('directory_id', '=', id).execute();
      await db.deleteFrom('user_passwords').where('directory_id', '=', id).execute();
      await db.deleteFrom('groups').where('directory_id', '=', id).execute();
      await db.deleteFrom('users').where('directory_id', '=', id).execute();
    },
  };
}
