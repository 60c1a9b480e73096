import type { UserQueries } from '../store.ts';
import type { ListQueries } from './list-queries.ts';
import { fromUser, toUser } from './map-rows.ts';
import type { Executor, QueryContext } from './prepared.ts';
import { createResourceQueries } from './resource-queries.ts';

/**
 * The user and the groups it is a member of, one row per group (one row with null group columns
 * when it has none): a user read is one query, not two.
 */
const withGroups = (db: Executor, a: { directoryId: string; id: string }) =>
  db
    .selectFrom('users as u')
    .leftJoin('group_members as m', 'm.member_id', 'u.id')
    .leftJoin('groups as g', 'g.id', 'm.group_id')
    .selectAll('u')
    .select(['g.id as g_id', 'g.display_name as g_name', 'g.seq as g_seq'])
    .where('u.id', '=', a.id)
    .where('u.directory_id', '=', a.directoryId)
    .orderBy('g.seq');

export function createUserQueries(ctx: QueryContext, lists: ListQueries): UserQueries {
  const base = createResourceQueries(ctx, lists, { table: 'users', toRecord: toUser, fromRecord: fromUser });
  return {
    ...base,
    async getWithGroups(directoryId, id) {
      const { rows } = await ctx.run(ctx.db, 'users.getWithGroups', withGroups, { directoryId, id });
      if (rows.length === 0) return undefined;
      const { g_id: _id, g_name: _name, g_seq: _seq, ...user } = rows[0]!;
      const groups = rows.filter((r) => r.g_id !== null).map((r) => ({ id: r.g_id!, displayName: r.g_name! }));
      return { user: toUser(user), groups };
    },
  };
}
