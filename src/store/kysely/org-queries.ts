import { sql } from 'kysely';
import type { AccountRow, Database, OrgGroupRow } from '../database.ts';
import type { AccessRow, AccountRecord, AppKeyRecord, AppRecord, DeprovisionRecord, EffectiveGroup, LinkRecord, OrgGroupRecord, OrgQueries } from '../org-records.ts';
import { chunks } from './chunks.ts';
import { listArgs, listOf, type Executor, type QueryContext } from './prepared.ts';

type Selectable<T> = { [K in keyof T]: T[K] extends import('kysely').Generated<infer U> ? U : T[K] };

function toAccount(r: Selectable<Database['accounts']>): AccountRecord {
  return {
    id: r.id,
    seq: Number(r.seq),
    status: r.status,
    external: Number(r.external) === 1,
    userName: r.user_name,
    email: r.email,
    displayName: r.display_name,
    givenName: r.given_name,
    familyName: r.family_name,
    title: r.title,
    department: r.department,
    manager: r.manager,
    locale: r.locale,
    timezone: r.timezone,
    custom: JSON.parse(r.custom),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function accountColumns(a: Partial<AccountRecord>): Partial<AccountRow> {
  const set: Partial<AccountRow> = {};
  if (a.status !== undefined) set.status = a.status;
  if (a.external !== undefined) set.external = a.external ? 1 : 0;
  if (a.userName !== undefined) set.user_name = a.userName;
  if (a.email !== undefined) {
    set.email = a.email;
    set.email_lower = a.email === null ? null : a.email.toLowerCase();
  }
  if (a.displayName !== undefined) set.display_name = a.displayName;
  if (a.givenName !== undefined) set.given_name = a.givenName;
  if (a.familyName !== undefined) set.family_name = a.familyName;
  if (a.title !== undefined) set.title = a.title;
  if (a.department !== undefined) set.department = a.department;
  if (a.manager !== undefined) set.manager = a.manager;
  if (a.locale !== undefined) set.locale = a.locale;
  if (a.timezone !== undefined) set.timezone = a.timezone;
  if (a.custom !== undefined) set.custom = JSON.stringify(a.custom);
  if (a.createdAt !== undefined) set.created_at = a.createdAt;
  if (a.updatedAt !== undefined) set.updated_at = a.updatedAt;
  return set;
}

function toLink(r: Selectable<Database['account_links']>): LinkRecord {
  return { seq: Number(r.seq), directoryId: r.directory_id, userId: r.user_id, accountId: r.account_id, active: Number(r.active) === 1, linkedBy: r.linked_by, createdAt: r.created_at };
}

function toGroup(r: Selectable<Database['org_groups']>): OrgGroupRecord {
  return { id: r.id, seq: Number(r.seq), name: r.name, description: r.description, syncedBy: r.synced_by, defaultKind: r.default_kind, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toApp(r: Selectable<Database['apps']>): AppRecord {
  return { id: r.id, seq: Number(r.seq), name: r.name, kind: r.kind, seatLimit: r.seat_limit === null ? null : Number(r.seat_limit), createdAt: r.created_at, updatedAt: r.updated_at };
}

function toAccess(r: Selectable<Database['app_access']>): AccessRow {
  return { seq: Number(r.seq), appId: r.app_id, accountId: r.account_id, status: r.status, since: r.since };
}

function toAppKey(r: Database['app_keys']): AppKeyRecord {
  return { id: r.id, appId: r.app_id, keyHash: r.key_hash, prefix: r.prefix, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at };
}

function toDeprovision(r: Selectable<Database['deprovisions']>): DeprovisionRecord {
  return { seq: Number(r.seq), id: r.id, directoryId: r.directory_id, accountId: r.account_id, userId: r.user_id, action: r.action, status: r.status, at: r.at, decidedBy: r.decided_by, decidedAt: r.decided_at };
}

/** Escapes LIKE wildcards so a search term matches literally. */
const likeTerm = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The organization layer's queries. Every IN list is chunked (chunks.ts), so an operation over k
 * accounts is O(k / chunk) statements: rules stay incremental and reconciles set-wise.
 */
export function createOrgQueries({ db, run }: QueryContext): OrgQueries {
  const byChunks = async <T, R>(items: readonly T[], fn: (part: T[]) => Promise<R[]>): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks(items)) out.push(...(await fn(part)));
    return out;
  };

  /**
   * An IN-list query over `ids`, compiled once per list length (prepared.ts): these run in the
   * transaction of every SCIM write, where building a Kysely query each time cost more than running it.
   */
  const inList = async <R>(key: string, ids: readonly string[], build: (d: Executor, ids: string[], a: object) => import('kysely').Compilable<R>, extra: object = {}): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks(ids)) {
      const { rows } = await run(db, `${key}.${part.length}`, (d, a: object) => build(d, listOf<string>(a, part.length), a), { ...extra, ...listArgs(part) });
      out.push(...rows);
    }
    return out;
  };

  /** A multi-row insert compiled once per row count: arguments `${column}${i}`. */
  const insertRows = async (table: 'accounts' | 'account_links' | 'org_group_members' | 'app_access', rows: readonly Record<string, unknown>[], size: number, conflict?: string[]) => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    for (const part of chunks(rows, size)) {
      const args: Record<string, unknown> = {};
      part.forEach((row, i) => columns.forEach((c) => (args[`${c}${i}`] = row[c])));
      const build = (d: Executor, a: object) => {
        const values = part.map((_, i) => Object.fromEntries(columns.map((c) => [c, (a as Record<string, unknown>)[`${c}${i}`]])));
        const q = d.insertInto(table).values(values as never);
        return conflict ? q.onConflict((oc) => oc.columns(conflict as never).doNothing()) : q;
      };
      await run(db, `org.insert.${table}.${part.length}`, build, args);
    }
  };

  return {
    async listDomains() {
      const { rows } = await run(db, 'org.listDomains', (d) => d.selectFrom('org_domains').select('domain').orderBy('domain'), {});
      return rows.map((r) => r.domain);
    },
    async addDomain(domain, at) {
      const r = await db.insertInto('org_domains').values({ domain, created_at: at }).onConflict((oc) => oc.column('domain').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async removeDomain(domain) {
      const r = await db.deleteFrom('org_domains').where('domain', '=', domain).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    async getRules(directoryId) {
      const { rows } = await run(db, 'org.getRules', (d, a: { directoryId: string }) => d.selectFrom('directory_rules').select(['rules', 'version']).where('directory_id', '=', a.directoryId), { directoryId });
      const r = rows[0];
      return r && { json: r.rules, version: Number(r.version) };
    },
    async putRules(directoryId, json, version, at) {
      await db
        .insertInto('directory_rules')
        .values({ directory_id: directoryId, rules: json, version, updated_at: at })
        .onConflict((oc) => oc.column('directory_id').doUpdateSet({ rules: json, version, updated_at: at }))
        .execute();
    },

    async insertAccounts(accounts) {
      await insertRows('accounts', accounts.map((a) => ({ id: a.id, ...accountColumns(a) })), 100);
    },
    async getAccounts(ids) {
      return (await inList('org.getAccounts', ids, (d, list) => d.selectFrom('accounts').selectAll().where('id', 'in', list))).map(toAccount);
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
      if (o.groupId) q = q.where((eb) => eb.exists(eb.selectFrom('org_group_members as m').select('m.seq').where('m.group_id', '=', o.groupId!).whereRef('m.account_id', '=', 'a.id')));
      if (o.appId) q = q.where((eb) => eb.exists(eb.selectFrom('app_access as x').select('x.seq').where('x.app_id', '=', o.appId!).where('x.status', '=', 'granted').whereRef('x.account_id', '=', 'a.id')));
      if (o.directoryId) q = q.where((eb) => eb.exists(eb.selectFrom('account_links as l').select('l.seq').where('l.directory_id', '=', o.directoryId!).whereRef('l.account_id', '=', 'a.id')));
      return (await q.orderBy('a.seq').limit(o.limit).execute()).map(toAccount);
    },

    async linksOfUsers(directoryId, userIds) {
      const rows = await inList('org.linksOfUsers', userIds, (d, list, a) => d.selectFrom('account_links').selectAll().where('directory_id', '=', (a as { directoryId: string }).directoryId).where('user_id', 'in', list), { directoryId });
      return rows.map(toLink);
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
      await insertRows('account_links', links.map((l) => ({ directory_id: l.directoryId, user_id: l.userId, account_id: l.accountId, active: l.active ? 1 : 0, linked_by: l.linkedBy, created_at: l.createdAt })), 250);
    },
    async linkedAccounts(directoryId, afterSeq, limit) {
      const rows = await db.selectFrom('account_links').select(['seq', 'account_id', 'user_id']).where('directory_id', '=', directoryId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
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
      if (Object.keys(set).length > 0) await db.updateTable('account_links').set(set).where('directory_id', '=', directoryId).where('user_id', '=', userId).execute();
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
    async accountsOfUsers(directoryId, userIds) {
      const rows = await inList('org.accountsOfUsers', userIds, (d, list, a) => d.selectFrom('account_links').select('account_id').where('directory_id', '=', (a as { directoryId: string }).directoryId).where('user_id', 'in', list), { directoryId });
      return [...new Set(rows.map((r) => r.account_id))];
    },

    async insertConflict(c) {
      await db.insertInto('link_conflicts').values({ directory_id: c.directoryId, user_id: c.userId, email: c.email, existing_account_id: c.existingAccountId, account_id: c.accountId, at: c.at }).execute();
    },
    async listConflicts(limit) {
      const rows = await db.selectFrom('link_conflicts').selectAll().orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), directoryId: r.directory_id, userId: r.user_id, email: r.email, existingAccountId: r.existing_account_id, accountId: r.account_id, at: r.at }));
    },

    async effectiveGroups(userIds) {
      const result = new Map<string, EffectiveGroup[]>();
      // Upward closure through nested groups; UNION (not UNION ALL) ends a cycle of groups.
      const rows = await inList('org.effectiveGroups', userIds, (d, list) =>
        d
          .withRecursive('up(user_id, group_id)', (w) =>
            w
              .selectFrom('group_members')
              .select(['member_id as user_id', 'group_id'])
              .where('member_id', 'in', list)
              .union((u) => u.selectFrom('group_members as m').innerJoin('up', 'up.group_id', 'm.member_id').select(['up.user_id', 'm.group_id'])),
          )
          .selectFrom('up')
          .innerJoin('groups as g', 'g.id', 'up.group_id')
          .select(['up.user_id', 'g.id', 'g.display_name'])
          .orderBy('g.seq'),
      );
      for (const r of rows) {
        const list = result.get(r.user_id);
        const group = { id: r.id, displayName: r.display_name };
        if (list) list.push(group);
        else result.set(r.user_id, [group]);
      }
      return result;
    },
    async subtreeUsers(groupId) {
      const rows = await sql<{ member_id: string }>`
        with recursive sub(id) as (
          select ${groupId}
          union
          select m.member_id from group_members m join sub on m.group_id = sub.id where m.member_type = 'Group'
        )
        select distinct m.member_id from group_members m join sub on m.group_id = sub.id where m.member_type = 'User'`.execute(db);
      return rows.rows.map((r) => r.member_id);
    },

    async getGroups(ids) {
      return byChunks(ids, async (part) => (await db.selectFrom('org_groups').selectAll().where('id', 'in', part).execute()).map(toGroup));
    },
    async groupsByName(names) {
      return (await inList('org.groupsByName', names, (d, list) => d.selectFrom('org_groups').selectAll().where('name_lower', 'in', list))).map(toGroup);
    },
    async insertGroup(g) {
      const r = await db
        .insertInto('org_groups')
        .values({ id: g.id, name: g.name, name_lower: g.name.toLowerCase(), description: g.description, synced_by: g.syncedBy, default_kind: g.defaultKind, created_at: g.createdAt, updated_at: g.updatedAt })
        // Two nodes mapping a new IdP group at once: the second waits for the first and inserts nothing.
        .onConflict((oc) => oc.column('name_lower').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async updateGroup(id, c) {
      const set: Partial<OrgGroupRow> = { updated_at: c.updatedAt };
      if (c.name !== undefined) Object.assign(set, { name: c.name, name_lower: c.name.toLowerCase() });
      if (c.description !== undefined) set.description = c.description;
      if (c.defaultKind !== undefined) set.default_kind = c.defaultKind;
      if (c.syncedBy !== undefined) set.synced_by = c.syncedBy;
      await db.updateTable('org_groups').set(set).where('id', '=', id).execute();
    },
    async deleteGroup(id) {
      await db.deleteFrom('org_group_members').where('group_id', '=', id).execute();
      await db.deleteFrom('app_grants').where('group_id', '=', id).execute();
      await db.deleteFrom('org_groups').where('id', '=', id).execute();
    },
    async listGroups(o) {
      let q = db.selectFrom('org_groups').selectAll().where('seq', '>', o.afterSeq);
      if (o.search) q = q.where(sql`name_lower`, 'like', sql`${likeTerm(o.search)} escape '\\'`);
      return (await q.orderBy('seq').limit(o.limit).execute()).map(toGroup);
    },
    async defaultGroups() {
      const { rows } = await run(db, 'org.defaultGroups', (d) => d.selectFrom('org_groups').selectAll().where('default_kind', 'is not', null).orderBy('seq'), {});
      return rows.map(toGroup);
    },
    async groupSizes(groupIds) {
      const rows = await byChunks(groupIds, (part) =>
        db.selectFrom('org_group_members').select(['group_id', sql<number>`count(distinct account_id)`.as('n')]).where('group_id', 'in', part).groupBy('group_id').execute(),
      );
      return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
    },

    async membershipsOf(accountIds) {
      const rows = await inList('org.membershipsOf', accountIds, (d, list) => d.selectFrom('org_group_members').select(['group_id', 'account_id', 'source']).where('account_id', 'in', list).orderBy('seq'));
      return rows.map((r) => ({ groupId: r.group_id, accountId: r.account_id, source: r.source }));
    },
    async addMemberships(rows) {
      await insertRows('org_group_members', rows.map((r) => ({ group_id: r.groupId, account_id: r.accountId, source: r.source })), 200, ['group_id', 'account_id', 'source']);
    },
    async removeMemberships(rows) {
      // Grouped by (group, source): one statement removes many accounts.
      const bySlot = new Map<string, string[]>();
      for (const r of rows) {
        const key = `${r.groupId}\u0000${r.source}`;
        const list = bySlot.get(key);
        if (list) list.push(r.accountId);
        else bySlot.set(key, [r.accountId]);
      }
      for (const [key, ids] of bySlot) {
        const [groupId, source] = key.split('\u0000') as [string, string];
        for (const part of chunks(ids)) await db.deleteFrom('org_group_members').where('group_id', '=', groupId).where('source', '=', source).where('account_id', 'in', part).execute();
      }
    },
    async groupMembers(groupId, afterSeq, limit) {
      const rows = await db
        .selectFrom('accounts as a')
        .selectAll('a')
        .where('a.seq', '>', afterSeq)
        .where((eb) => eb.exists(eb.selectFrom('org_group_members as m').select('m.seq').where('m.group_id', '=', groupId).whereRef('m.account_id', '=', 'a.id')))
        .orderBy('a.seq')
        .limit(limit)
        .execute();
      return rows.map(toAccount);
    },
    async accountsInGroups(groupIds, afterAccountSeq, limit) {
      if (groupIds.length === 0) return [];
      const rows = await db
        .selectFrom('accounts as a')
        .select(['a.seq', 'a.id'])
        .where('a.seq', '>', afterAccountSeq)
        .where((eb) => eb.exists(eb.selectFrom('org_group_members as m').select('m.seq').where('m.group_id', 'in', [...groupIds]).whereRef('m.account_id', '=', 'a.id')))
        .orderBy('a.seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: Number(r.seq), id: r.id }));
    },
    async accountsWithSource(source) {
      return (await db.selectFrom('org_group_members').select('account_id').distinct().where('source', '=', source).execute()).map((r) => r.account_id);
    },
    async accountIds(afterSeq, limit) {
      return (await db.selectFrom('accounts').select(['seq', 'id']).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()).map((r) => ({ seq: Number(r.seq), id: r.id }));
    },

    async insertApp(a) {
      await db.insertInto('apps').values({ id: a.id, name: a.name, name_lower: a.name.toLowerCase(), kind: a.kind, seat_limit: a.seatLimit, created_at: a.createdAt, updated_at: a.updatedAt }).execute();
    },
    async getApp(id) {
      const r = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toApp(r);
    },
    async listApps() {
      return (await db.selectFrom('apps').selectAll().orderBy('seq').execute()).map(toApp);
    },
    async updateApp(id, c) {
      const set: Record<string, unknown> = { updated_at: c.updatedAt };
      if (c.name !== undefined) Object.assign(set, { name: c.name, name_lower: c.name.toLowerCase() });
      if (c.kind !== undefined) set.kind = c.kind;
      if (c.seatLimit !== undefined) set.seat_limit = c.seatLimit;
      await db.updateTable('apps').set(set).where('id', '=', id).execute();
    },
    async deleteApp(id) {
      await db.deleteFrom('app_access').where('app_id', '=', id).execute();
      await db.deleteFrom('app_grants').where('app_id', '=', id).execute();
      await db.deleteFrom('app_keys').where('app_id', '=', id).execute();
      await db.deleteFrom('apps').where('id', '=', id).execute();
    },
    async grantsOfApp(appId) {
      return (await db.selectFrom('app_grants').select('group_id').where('app_id', '=', appId).orderBy('created_at').execute()).map((r) => r.group_id);
    },
    async grantsOfGroups(groupIds) {
      const rows = await inList('org.grantsOfGroups', groupIds, (d, list) => d.selectFrom('app_grants').select(['app_id', 'group_id']).where('group_id', 'in', list));
      return rows.map((r) => ({ appId: r.app_id, groupId: r.group_id }));
    },
    async addGrant(appId, groupId, at) {
      const r = await db.insertInto('app_grants').values({ app_id: appId, group_id: groupId, created_at: at }).onConflict((oc) => oc.columns(['app_id', 'group_id']).doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async removeGrant(appId, groupId) {
      const r = await db.deleteFrom('app_grants').where('app_id', '=', appId).where('group_id', '=', groupId).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    async accessOf(accountIds) {
      const rows = await inList('org.accessOf', accountIds, (d, list) => d.selectFrom('app_access').selectAll().where('account_id', 'in', list));
      return rows.map(toAccess);
    },
    async insertAccess(rows) {
      // Two writes recomputing one account at once on PostgreSQL: the second adds nothing.
      await insertRows('app_access', rows.map((r) => ({ app_id: r.appId, account_id: r.accountId, status: r.status, since: r.since })), 200, ['app_id', 'account_id']);
    },
    async deleteAccess(appId, accountIds) {
      for (const part of chunks(accountIds)) await db.deleteFrom('app_access').where('app_id', '=', appId).where('account_id', 'in', part).execute();
    },
    async setAccessStatus(appId, accountIds, status, since) {
      for (const part of chunks(accountIds)) await db.updateTable('app_access').set({ status, since }).where('app_id', '=', appId).where('account_id', 'in', part).execute();
    },
    async countAccess(appId) {
      const rows = await db.selectFrom('app_access').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('app_id', '=', appId).groupBy('status').execute();
      const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { granted: of('granted'), queued: of('queued') };
    },
    async queuedAccess(appId, limit) {
      const rows = await db.selectFrom('app_access').select('account_id').where('app_id', '=', appId).where('status', '=', 'queued').orderBy('seq').limit(limit).execute();
      return rows.map((r) => r.account_id);
    },
    async listAccess(appId, o) {
      let q = db.selectFrom('app_access as x').innerJoin('accounts as a', 'a.id', 'x.account_id').selectAll('a').select(['x.seq as access_seq', 'x.status as access_status', 'x.since as access_since']).where('x.app_id', '=', appId).where('x.seq', '>', o.afterSeq);
      q = q.where('x.status', '=', o.status ?? 'granted');
      if (o.updatedSince) q = q.where((eb) => eb.or([eb('a.updated_at', '>=', o.updatedSince!), eb('x.since', '>=', o.updatedSince!)]));
      const rows = await q.orderBy('x.seq').limit(o.limit).execute();
      return rows.map((r) => ({
        access: { seq: Number(r.access_seq), appId, accountId: r.id, status: r.access_status, since: r.access_since },
        account: toAccount(r as unknown as Selectable<Database['accounts']>),
      }));
    },

    async insertAppKey(k) {
      await db.insertInto('app_keys').values({ id: k.id, app_id: k.appId, key_hash: k.keyHash, prefix: k.prefix, label: k.label, created_at: k.createdAt, revoked_at: k.revokedAt }).execute();
    },
    async findAppKey(hash) {
      const r = await db.selectFrom('app_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      return r && toAppKey(r);
    },
    async listAppKeys(appId) {
      return (await db.selectFrom('app_keys').selectAll().where('app_id', '=', appId).orderBy('created_at').execute()).map(toAppKey);
    },
    async revokeAppKey(id, at) {
      const r = await db.updateTable('app_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async insertDeprovision(d) {
      await db
        .insertInto('deprovisions')
        .values({ id: d.id, directory_id: d.directoryId, account_id: d.accountId, user_id: d.userId, action: d.action, status: d.status, at: d.at, decided_by: d.decidedBy, decided_at: d.decidedAt })
        .execute();
    },
    async countDeprovisions(directoryId, since) {
      const r = await db
        .selectFrom('deprovisions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('directory_id', '=', directoryId)
        .where('status', 'in', ['applied', 'approved'])
        .where('at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async listDeprovisions(o) {
      let q = db.selectFrom('deprovisions').selectAll();
      if (o.status) q = q.where('status', '=', o.status);
      if (o.directoryId) q = q.where('directory_id', '=', o.directoryId);
      return (await q.orderBy('seq').limit(o.limit).execute()).map(toDeprovision);
    },
    async getDeprovision(id) {
      const r = await db.selectFrom('deprovisions').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toDeprovision(r);
    },
    async decideDeprovision(id, status, by, at) {
      const r = await db.updateTable('deprovisions').set({ status, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'held').executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}
