import { sql, type SqlBool } from 'kysely';
import { toAccount, toApp, toAppKey, type Selectable } from './org-helpers.ts';
import type { Database } from '../database.ts';
import type { HeldAccess, OrgQueries } from '../org-records.ts';
import type { QueryContext } from './prepared.ts';
import type { OrgHelpers } from './org-helpers.ts';

/** Apps, grants, materialized access (granted or queued) and read-API keys. */
export function createOrgAppQueries({ db, run, engine }: QueryContext, { byChunks, inList, packedPerId, deletePerId, insertAccessRows, packed }: OrgHelpers): Pick<OrgQueries, 'insertApp' | 'getApp' | 'getApps' | 'appByName' | 'listApps' | 'updateApp' | 'deleteApp' | 'grantsOfApp' | 'grantsOfGroups' | 'addGrant' | 'removeGrant' | 'accessOf' | 'heldAccess' | 'insertAccess' | 'deleteAccess' | 'setAccessStatus' | 'countAccess' | 'queuedAccess' | 'listAccess' | 'insertAppKey' | 'findAppKey' | 'listAppKeys' | 'revokeAppKey'> {
  return {
    async insertApp(a) {
      const r = await db
        .insertInto('apps')
        .values({ id: a.id, name: a.name, name_lower: a.name.toLowerCase(), kind: a.kind, seat_limit: a.seatLimit, created_at: a.createdAt, updated_at: a.updatedAt })
        // Two creations of one name at once (PostgreSQL): the second waits for the first and inserts nothing.
        .onConflict((oc) => oc.column('name_lower').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async getApps(ids) {
      return byChunks(ids, async (part) => (await db.selectFrom('apps').selectAll().where('id', 'in', part).execute()).map(toApp));
    },
    async appByName(nameLower) {
      const { rows } = await run(db, 'org.appByName', (d, a: { name: string }) => d.selectFrom('apps').selectAll().where('name_lower', '=', a.name), { name: nameLower });
      return rows[0] && toApp(rows[0]);
    },
    async getApp(id) {
      const { rows } = await run(db, 'org.getApp', (d, a: { id: string }) => d.selectFrom('apps').selectAll().where('id', '=', a.id), { id });
      return rows[0] && toApp(rows[0]);
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
      // With each app's seat limit: the access computation needs nothing else of the app.
      const rows = await inList('org.grantsOfGroups', groupIds, (d, list) =>
        d.selectFrom('app_grants as g').innerJoin('apps as a', 'a.id', 'g.app_id').select(['g.app_id', 'g.group_id', 'a.seat_limit']).where('g.group_id', 'in', list),
      );
      return rows.map((r) => ({ appId: r.app_id, groupId: r.group_id, seatLimit: r.seat_limit === null ? null : Number(r.seat_limit) }));
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
      const rows = await inList('org.accessOf', accountIds, (d, list) => d.selectFrom('app_access').select(['seq', 'app_id', 'account_id', 'status', 'since']).where('account_id', 'in', list).orderBy('seq'));
      return rows.map((r) => ({ seq: Number(r.seq), appId: r.app_id, accountId: r.account_id, status: r.status, since: r.since }));
    },
    async heldAccess(accountIds) {
      // The key (account, app) alone, from the index: reading each row's status and since from the
      // table cost as much again (SQLite, 100 accounts with two apps each: 58 against 154 µs), and a
      // recompute needs neither (deleteAccess says which rows held a seat). Nor the app's seat limit:
      // joining apps for it cost a third of the read (SQLite, 200 rows: 160 against 108 µs), and a
      // recompute reads it with the grants, or for an app it revokes without one, from the app.
      const rows = await packedPerId('org.heldAccess', accountIds, 2, (d, match) => d.selectFrom('app_access').select(packed([sql.ref('app_id'), sql.ref('account_id')]).as('rows')).where(match('account_id')));
      const out: HeldAccess[] = [];
      for (let i = 0; i < rows.length; i += 2) out.push({ appId: rows[i]!, accountId: rows[i + 1]! });
      return out;
    },
    async insertAccess(rows) {
      await insertAccessRows(rows);
    },
    async deleteAccess(appId, accountIds) {
      if (engine === 'sqlite') {
        // The rows that held a seat, read first, then a delete without RETURNING: SQLite's RETURNING
        // nearly doubled the delete (100 rows: 367 against 192 µs, and 85 µs for this read). One
        // writer and one transaction: nothing changes the rows in between. `+status` keeps the
        // planner on the key: through (app, status) it read every granted row of the app.
        const granted = await packedPerId('org.grantedOf', accountIds, 1, (d, match, a: { appId?: string }) => d.selectFrom('app_access').select(packed([sql.ref('account_id')]).as('rows')).where(match('account_id')).where('app_id', '=', a.appId!).where(sql<SqlBool>`+status = 'granted'`), { appId });
        await deletePerId('org.deleteAccess', 'app_access', 'account_id', accountIds, (a) => sql<SqlBool>`app_id = ${a.appId}`, { appId });
        return granted;
      }
      const rows = await deletePerId<{ account_id: string; status: string }>('org.deleteAccess', 'app_access', 'account_id', accountIds, (a) => sql<SqlBool>`app_id = ${a.appId}`, { appId }, ['account_id', 'status']);
      return rows.filter((r) => r.status === 'granted').map((r) => r.account_id);
    },
    async setAccessStatus(appId, accountIds, status, since) {
      await inList('org.setAccessStatus', accountIds, (d, list, a: { appId?: string; status?: string; since?: string }) => d.updateTable('app_access').set({ status: a.status as never, since: a.since! }).where('app_id', '=', a.appId!).where('account_id', 'in', list), { appId, status, since });
    },
    async countAccess(appId) {
      const rows = await db.selectFrom('app_access').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('app_id', '=', appId).groupBy('status').execute();
      const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { granted: of('granted'), queued: of('queued') };
    },
    async queuedAccess(appId, limit) {
      let q = db.selectFrom('app_access').select('account_id').where('app_id', '=', appId).where('status', '=', 'queued').orderBy('seq');
      if (limit !== undefined) q = q.limit(limit);
      const rows = await q.execute();
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
  };
}
