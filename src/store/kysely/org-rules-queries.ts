import { chunks } from './chunks.ts';
import { toDeprovision } from './org-helpers.ts';
import type { DeprovisionRecord, OrgQueries } from '../org-records.ts';
import type { Executor, QueryContext } from './prepared.ts';

const insertDeprovision = (q: Executor, a: Omit<DeprovisionRecord, 'seq'>) =>
  q.insertInto('deprovisions').values({ id: a.id, directory_id: a.directoryId, account_id: a.accountId, user_id: a.userId, action: a.action, status: a.status, at: a.at, decided_by: a.decidedBy, decided_at: a.decidedAt });

/** The organization's domains, each directory's rules, and the guard's deprovisions. */
export function createOrgRulesQueries({ db, run }: QueryContext): Pick<OrgQueries, 'listDomains' | 'addDomain' | 'removeDomain' | 'getRules' | 'putRules' | 'insertDeprovision' | 'countDeprovisions' | 'listDeprovisions' | 'getDeprovision' | 'getDeprovisions' | 'decideDeprovision'> {
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
    // Both run on every deactivation while the guard is on: compiled once (prepared.ts).
    async insertDeprovision(d) {
      await run(db, 'org.insertDeprovision', insertDeprovision, d);
    },
    async countDeprovisions(directoryId, since) {
      const { rows } = await run(
        db,
        'org.countDeprovisions',
        (q, a: { directoryId: string; since: string }) =>
          q.selectFrom('deprovisions').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', a.directoryId).where('status', 'in', ['applied', 'approved']).where('at', '>=', a.since),
        { directoryId, since },
      );
      return Number(rows[0]!.n);
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
    async getDeprovisions(ids) {
      const out = [];
      for (const part of chunks(ids)) out.push(...(await db.selectFrom('deprovisions').selectAll().where('id', 'in', part).execute()).map(toDeprovision));
      return out;
    },
    async decideDeprovision(id, status, by, at) {
      const r = await db.updateTable('deprovisions').set({ status, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'held').executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}
