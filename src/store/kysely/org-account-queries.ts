import { sql } from 'kysely';
import type { Database } from '../database.ts';
import { accountColumns, eachId, likeTerm, toAccount, toLink, type Selectable } from './org-helpers.ts';
import type { OrgQueries } from '../org-records.ts';
import type { Executor, QueryContext } from './prepared.ts';
import type { OrgHelpers } from './org-helpers.ts';

/** The first key of Roster's email locks (pg_advisory_xact_lock(int, int)): "RoEm". */
const EMAIL_LOCK_SPACE = 0x526f456d;
/** Few enough that a reconcile's locks fit PostgreSQL's lock table (64 × connections in all, by default). */
const EMAIL_LOCKS = 1024;

/** FNV-1a of the email, folded to one of EMAIL_LOCKS keys. */
function emailLockKey(email: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < email.length; i++) h = Math.imul(h ^ email.charCodeAt(i), 0x01000193);
  return (h >>> 0) % EMAIL_LOCKS;
}

/** Accounts, their links to SCIM users, and link conflicts. */
export function createOrgAccountQueries({ db, run, lockRows, engine }: QueryContext, { byChunks, inList, rowsPerId, insertLinkRows, memberOf }: OrgHelpers): Pick<OrgQueries, 'getAccounts' | 'accountStatuses' | 'updateAccount' | 'deleteAccount' | 'listAccounts' | 'linksOfUsers' | 'lockEmails' | 'findAccountsByEmails' | 'linksOfAccounts' | 'insertLinks' | 'linkedAccounts' | 'countLinks' | 'updateLink' | 'deleteLink' | 'deleteDirectoryLinks' | 'unlinkedUsers' | 'userResources' | 'linksOfUsersAccounts' | 'insertConflict' | 'listConflicts'> {
  return {
    async getAccounts(ids) {
      return (await inList('org.getAccounts', ids, (d, list) => d.selectFrom('accounts').selectAll().where('id', 'in', list))).map(toAccount);
    },
    async accountStatuses(ids) {
      const rows = await inList('org.accountStatuses', ids, (d, list) => d.selectFrom('accounts').select(['id', 'seq', 'status']).where('id', 'in', list));
      return rows.map((r) => ({ id: r.id, seq: Number(r.seq), status: r.status }));
    },
    async updateAccount(id, changes) {
      const set = accountColumns(changes);
      if (Object.keys(set).length > 0) await db.updateTable('accounts').set(set).where('id', '=', id).execute();
    },
    async deleteAccount(id) {
      await db.deleteFrom('org_group_members').where('account_id', '=', id).execute();
      await db.deleteFrom('app_access').where('account_id', '=', id).execute();
      await db.deleteFrom('accounts').where('id', '=', id).execute();
    },
    async listAccounts(o) {
      let q = db.selectFrom('accounts as a').selectAll('a').where('a.seq', '>', o.afterSeq);
      if (o.status) q = q.where('a.status', '=', o.status);
      if (o.updatedSince) q = q.where('a.updated_at', '>=', o.updatedSince);
      if (o.search) {
        const term = likeTerm(o.search);
        q = q.where((eb) =>
          eb.or([
            eb(sql`a.email_lower`, 'like', sql`${term} escape '\\'`),
            eb(sql`lower(a.user_name)`, 'like', sql`${term} escape '\\'`),
            eb(sql`lower(a.display_name)`, 'like', sql`${term} escape '\\'`),
          ]),
        );
      }
      if (o.groupId) q = q.where(await memberOf(o.groupId));
      if (o.appId) q = q.where((eb) => eb.exists(eb.selectFrom('app_access as x').select('x.seq').where('x.app_id', '=', o.appId!).where('x.status', '=', 'granted').whereRef('x.account_id', '=', 'a.id')));
      if (o.directoryId) q = q.where((eb) => eb.exists(eb.selectFrom('account_links as l').select('l.seq').where('l.directory_id', '=', o.directoryId!).whereRef('l.account_id', '=', 'a.id')));
      return (await q.orderBy('a.seq').limit(o.limit).execute()).map(toAccount);
    },

    async linksOfUsers(directoryId, userIds) {
      const rows = await inList('org.linksOfUsers', userIds, (d, list, a) => d.selectFrom('account_links').selectAll().where('directory_id', '=', (a as { directoryId: string }).directoryId).where('user_id', 'in', list), { directoryId });
      return rows.map(toLink);
    },
    async lockEmails(emails) {
      if (!lockRows || emails.length === 0) return false;
      // Emails share EMAIL_LOCKS keys, so a reconcile holds at most that many locks. Keys are taken
      // in ascending order in one statement (unnest keeps the array's order); a transaction that
      // locks twice (a reconcile, chunk by chunk) can still meet another in a deadlock, which
      // PostgreSQL breaks and the store retries.
      const keys = [...new Set(emails.map(emailLockKey))].sort((a, b) => a - b);
      await sql`select pg_advisory_xact_lock(${EMAIL_LOCK_SPACE}::int, k) from unnest(${keys}::int[]) as k`.execute(db);
      return true;
    },
    async findAccountsByEmails(emails) {
      const rows = await inList('org.findAccountsByEmails', emails, (d, list) => d.selectFrom('accounts').selectAll().where('email_lower', 'in', list));
      return rows.map(toAccount).sort((a, b) => a.seq - b.seq);
    },
    async linksOfAccounts(accountIds) {
      const rows = await inList('org.linksOfAccounts', accountIds, (d, list) => d.selectFrom('account_links').selectAll().where('account_id', 'in', list));
      return rows.map(toLink).sort((a, b) => a.seq - b.seq);
    },
    async insertLinks(links) {
      await insertLinkRows(links);
    },
    async linkedAccounts(directoryId, afterSeq, limit) {
      // In the users' order (users_directory_seq), each link found by its unique key: no index of
      // its own to keep up on every link written.
      const rows = await db
        .selectFrom('users as u')
        .innerJoin('account_links as l', (j) => j.onRef('l.directory_id', '=', 'u.directory_id').onRef('l.user_id', '=', 'u.id'))
        .select(['u.seq', 'l.account_id', 'l.user_id'])
        .where('u.directory_id', '=', directoryId)
        .where('u.seq', '>', afterSeq)
        .orderBy('u.seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), accountId: r.account_id, userId: r.user_id }));
    },
    async countLinks(directoryId) {
      const r = await db.selectFrom('account_links').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', directoryId).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async updateLink(directoryId, userId, c) {
      const set: Record<string, unknown> = {};
      if (c.active !== undefined) set.active = c.active ? 1 : 0;
      if (c.accountId !== undefined) set.account_id = c.accountId;
      if (c.linkedBy !== undefined) set.linked_by = c.linkedBy;
      const columns = Object.keys(set);
      if (columns.length === 0) return;
      // Compiled once per set of columns (prepared.ts): a deactivation changes `active` alone.
      const build = (q: Executor, a: Record<string, unknown>) =>
        q.updateTable('account_links').set(Object.fromEntries(columns.map((c) => [c, a[c]]))).where('directory_id', '=', a.directoryId as string).where('user_id', '=', a.userId as string);
      await run(db, `org.updateLink.${columns.join(',')}`, build, { ...set, directoryId, userId });
    },
    async deleteLink(directoryId, userId) {
      await db.deleteFrom('account_links').where('directory_id', '=', directoryId).where('user_id', '=', userId).execute();
    },
    async deleteDirectoryLinks(directoryId) {
      const rows = await db.deleteFrom('account_links').where('directory_id', '=', directoryId).returning('account_id').execute();
      return [...new Set(rows.map((r) => r.account_id))];
    },
    async unlinkedUsers(directoryId, afterSeq, limit) {
      const rows = await db
        .selectFrom('users as u')
        .leftJoin('account_links as l', (j) => j.onRef('l.directory_id', '=', 'u.directory_id').onRef('l.user_id', '=', 'u.id'))
        .select(['u.seq', 'u.id', 'u.resource'])
        .where('u.directory_id', '=', directoryId)
        .where('u.seq', '>', afterSeq)
        .where('l.seq', 'is', null)
        .orderBy('u.seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), id: r.id, resource: typeof r.resource === 'string' ? JSON.parse(r.resource) : r.resource }));
    },
    async userResources(directoryId, userIds) {
      const rows = await byChunks(userIds, (part) => db.selectFrom('users').select(['id', 'resource']).where('directory_id', '=', directoryId).where('id', 'in', part).execute());
      return new Map(rows.map((r) => [r.id, typeof r.resource === 'string' ? JSON.parse(r.resource) : (r.resource as Record<string, unknown>)]));
    },
    async linksOfUsersAccounts(directoryId, userIds) {
      // PostgreSQL: one id at a time (`rowsPerId`). With an IN list and statistics behind a bulk load
      // it read every link of the directory and hashed the whole table (100 users of 20,000: 9.7 ms,
      // 1.2 ms this way).
      const rows =
        engine === 'postgres'
          ? await rowsPerId<Selectable<Database['account_links']>>('org.linksOfUsersAccounts', userIds, (a) => sql`select l.* from ${eachId(a.ids)} cross join lateral (select l.* from account_links as mine join account_links as l on l.account_id = mine.account_id where mine.directory_id = ${a.directoryId} and mine.user_id = roster_ids.id offset 0) as l`, { directoryId })
          : await inList('org.linksOfUsersAccounts', userIds, (d, list, a) =>
        d
          .selectFrom('account_links as mine')
          .innerJoin('account_links as l', 'l.account_id', 'mine.account_id')
          .selectAll('l')
          .where('mine.directory_id', '=', (a as { directoryId: string }).directoryId)
          .where('mine.user_id', 'in', list),
      { directoryId });
      // Two users of one account in one chunk list its links twice.
      const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
      return [...bySeq.values()].map(toLink).sort((x, y) => x.seq - y.seq);
    },

    async insertConflict(c) {
      await db.insertInto('link_conflicts').values({ directory_id: c.directoryId, user_id: c.userId, email: c.email, existing_account_id: c.existingAccountId, account_id: c.accountId, at: c.at }).execute();
    },
    async listConflicts(limit) {
      const rows = await db.selectFrom('link_conflicts').selectAll().orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), directoryId: r.directory_id, userId: r.user_id, email: r.email, existingAccountId: r.existing_account_id, accountId: r.account_id, at: r.at }));
    },
  };
}
