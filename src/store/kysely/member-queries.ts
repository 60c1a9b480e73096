import { sql } from 'kysely';
import type { MemberQueries, MemberType } from '../store.ts';
import { chunks } from './chunks.ts';
import { listArgs, listOf, type Executor, type QueryContext } from './prepared.ts';

/**
 * A page of members in insertion order. A member the IdP sent without `display` shows its current
 * displayName (a user without one: its userName); the lookups run only for those members (COALESCE
 * stops at the first non-null value), by primary key.
 */
const page = (db: Executor, a: { groupId: string; afterSeq: number; limit: number }) =>
  db
    .selectFrom('group_members as m')
    .select([
      'm.seq',
      'm.member_id',
      'm.member_type',
      sql<string | null>`coalesce(m.display,
        (select coalesce(u.display_name, u.user_name) from users u where u.id = m.member_id),
        (select g.display_name from groups g where g.id = m.member_id))`.as('display'),
    ])
    .where('m.group_id', '=', a.groupId)
    .where('m.seq', '>', a.afterSeq)
    .orderBy('m.seq')
    .limit(a.limit);

export function createMemberQueries({ db, run }: QueryContext): MemberQueries {
  return {
    async add(directoryId, groupId, members) {
      const added: string[] = [];
      for (const part of chunks(members)) {
        // Each member's three values in a row of the argument list.
        const build = (d: Executor, a: { groupId: string; directoryId: string }) => {
          const cells = listOf<string>(a, part.length * 3);
          return d
            .insertInto('group_members')
            .values(part.map((_, i) => ({ group_id: a.groupId, member_id: cells[3 * i]!, directory_id: a.directoryId, member_type: cells[3 * i + 1] as MemberType, display: cells[3 * i + 2]! })))
            .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
            .returning('member_id');
        };
        const cells: unknown[] = new Array(part.length * 3);
        part.forEach((m, i) => {
          cells[3 * i] = m.memberId;
          cells[3 * i + 1] = m.memberType;
          cells[3 * i + 2] = m.display;
        });
        const args = { groupId, directoryId, ...listArgs(cells) };
        const { rows } = await run(db, `members.add.${part.length}`, build, args);
        for (const r of rows) added.push(r.member_id);
      }
      return added;
    },
    async remove(groupId, memberIds) {
      const removed: string[] = [];
      for (const part of chunks(memberIds)) {
        const build = (d: Executor, a: { groupId: string }) => d.deleteFrom('group_members').where('group_id', '=', a.groupId).where('member_id', 'in', listOf<string>(a, part.length)).returning('member_id');
        const { rows } = await run(db, `members.remove.${part.length}`, build, { groupId, ...listArgs(part) });
        for (const r of rows) removed.push(r.member_id);
      }
      return removed;
    },
    async page(groupId, afterSeq, limit) {
      const { rows } = await run(db, 'members.page', page, { groupId, afterSeq, limit });
      return rows.map((r) => ({ seq: Number(r.seq), memberId: r.member_id, memberType: r.member_type, display: r.display }));
    },
    async removeEverywhere(memberId) {
      const rows = await db.deleteFrom('group_members').where('member_id', '=', memberId).returning('group_id').execute();
      return rows.map((r) => r.group_id);
    },
  };
}
