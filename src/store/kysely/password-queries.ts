import type { PasswordQueries } from '../store.ts';
import type { QueryContext } from './prepared.ts';

export function createPasswordQueries({ db }: QueryContext): PasswordQueries {
  return {
    async set(directoryId, userId, hash, at) {
      await db
        .insertInto('user_passwords')
        .values({ user_id: userId, directory_id: directoryId, hash, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: at }))
        .execute();
    },
    async findByUserName(directoryId, userNameLower) {
      const row = await db
        .selectFrom('users as u')
        .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
        .select(['p.hash', 'u.active'])
        .where('u.directory_id', '=', directoryId)
        .where('u.user_name_lower', '=', userNameLower)
        .executeTakeFirst();
      return row && { hash: row.hash, active: row.active === null ? null : Number(row.active) === 1 };
    },
  };
}
