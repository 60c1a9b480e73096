import { sql } from 'kysely';
import type { GroupMemberRow } from '../database.ts';
import type { MemberQueries } from '../store.ts';
import { chunks } from './chunks.ts';
import { listArgs, listOf, rowArgs, rowsOf, type Executor, type QueryContext } from './prepared.ts';

/** A member's own values in an added row; the group and the directory are the statement's. */
const MEMBER_COLUMNS = ['member_id', 'member_type', 'display'] as const;

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
        const build = (d: Executor, a: { groupId: string; directoryId: string }) =>
          d
            .insertInto('group_members')
            .values(rowsOf(a, part.length, MEMBER_COLUMNS).map((cells) => ({ ...(cells as Pick<GroupMemberRow, 'member_id' | 'member_type' | 'display'>), group_id: a.groupId, directory_id: a.directoryId })))
            .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
            .returning('member_id');
        const args = { groupId, directoryId, ...rowArgs(part.map((m) => ({ member_id: m.memberId, member_type: m.memberType, display: m.display })), MEMBER_COLUMNS) };
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
