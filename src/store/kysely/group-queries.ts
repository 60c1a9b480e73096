import { sql } from 'kysely';
import type { GroupQueries, GroupRef } from '../store.ts';
import { chunks } from './chunks.ts';
import type { ListQueries } from './list-queries.ts';
import { fromGroup, toGroup } from './map-rows.ts';
import { listArgs, listOf, type Executor, type QueryContext } from './prepared.ts';
import { createResourceQueries } from './resource-queries.ts';

/** The groups of n members, oldest group first. */
const ofMembers = (n: number) => (db: Executor, a: { directoryId: string }) =>
  db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.member_id', 'g.id', 'g.display_name'])
    .where('m.directory_id', '=', a.directoryId)
    .where('m.member_id', 'in', listOf<string>(a, n))
    .orderBy('g.seq');

export function createGroupQueries(ctx: QueryContext, lists: ListQueries): GroupQueries {
  const { db, run } = ctx;
  const base = createResourceQueries(ctx, lists, { table: 'groups', toRecord: toGroup, fromRecord: fromGroup });
  return {
    ...base,
    async delete(directoryId, id) {
      await db.deleteFrom('group_members').where('group_id', '=', id).execute();
      return base.delete(directoryId, id);
    },
    async touch(groupIds, countDelta, at) {
      for (const part of chunks(groupIds)) {
        await db
          .updateTable('groups')
          .set({ member_count: sql`member_count + ${countDelta}`, version: sql`version + 1`, updated_at: at })
          .where('id', 'in', part)
          .execute();
      }
    },
    async ofMembers(directoryId, memberIds) {
      const out = new Map<string, GroupRef[]>();
      for (const part of chunks(memberIds)) {
        const { rows } = await run(db, `groups.ofMembers.${part.length}`, ofMembers(part.length), { directoryId, ...listArgs(part) });
        for (const r of rows) {
          const list = out.get(r.member_id) ?? [];
          list.push({ id: r.id, displayName: r.display_name });
          out.set(r.member_id, list);
        }
      }
      return out;
    },
  };
}
