import { sql } from 'kysely';
import { chunks } from './chunks.ts';
import { toDeprovision } from './org-helpers.ts';
import type { DefaultKind, DeprovisionRecord, OrgQueries, WriteFactRows } from '../org-records.ts';
import type { Executor, QueryContext } from './prepared.ts';

const insertDeprovision = (q: Executor, a: Omit<DeprovisionRecord, 'seq'>) =>
  q.insertInto('deprovisions').values({ id: a.id, directory_id: a.directoryId, account_id: a.accountId, user_id: a.userId, action: a.action, status: a.status, at: a.at, decided_by: a.decidedBy, decided_at: a.decidedAt });

const text = (value: unknown) => sql<string | null>`cast(${value} as text)`;
const none = sql<string | null>`cast(null as text)`;

/**
 * OrgQueries.writeFacts: four reads as one UNION ALL of text columns, tagged by `kind`, so both
 * engines run the same portable SQL. The default groups come through the partial index
 * org_groups_default (migration 016), not a scan of every org group.
 */
const writeFactsQuery = (d: Executor, a: { directoryId: string }) =>
  d
    .selectFrom('directory_rules')
    .select([sql<string>`'rules'`.as('kind'), 'rules as a', text(sql.ref('version')).as('b'), none.as('c'), sql<number>`0`.as('n')])
    .where('directory_id', '=', a.directoryId)
    .unionAll(d.selectFrom('org_domains').select([sql<string>`'domain'`.as('kind'), 'domain as a', none.as('b'), none.as('c'), sql<number>`0`.as('n')]))
    .unionAll(d.selectFrom('org_groups').select([sql<string>`'group'`.as('kind'), 'id as a', 'default_kind as b', none.as('c'), 'seq as n']).where('default_kind', 'is not', null))
    // From the default groups to their grants (CROSS JOIN keeps SQLite in that order): joined the other
    // way, SQLite read every grant of the organization on every write to find the few of default groups.
    .unionAll(
      d
        .selectFrom('org_groups as o')
        .crossJoin('app_grants as g')
        .whereRef('g.group_id', '=', 'o.id')
        .innerJoin('apps as p', 'p.id', 'g.app_id')
        .select([sql<string>`'grant'`.as('kind'), 'g.app_id as a', 'g.group_id as b', text(sql.ref('p.seat_limit')).as('c'), 'o.seq as n'])
        .where('o.default_kind', 'is not', null),
    )
    .orderBy('kind')
    .orderBy('n');

/** The organization's domains, each directory's rules, and the guard's deprovisions. */
export function createOrgRulesQueries({ db, run }: QueryContext): Pick<OrgQueries, 'listDomains' | 'addDomain' | 'removeDomain' | 'getRules' | 'writeFacts' | 'putRules' | 'insertDeprovision' | 'countDeprovisions' | 'listDeprovisions' | 'getDeprovision' | 'getDeprovisions' | 'decideDeprovision'> {
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
    async writeFacts(directoryId) {
      const { rows } = await run(db, 'org.writeFacts', writeFactsQuery, { directoryId });
      let rules: WriteFactRows['rules'];
      const facts = { domains: [] as string[], defaultGroups: [] as WriteFactRows['defaultGroups'], defaultGrants: [] as WriteFactRows['defaultGrants'] };
      for (const r of rows) {
        if (r.kind === 'rules') rules = { json: r.a, version: Number(r.b) };
        else if (r.kind === 'domain') facts.domains.push(r.a);
        else if (r.kind === 'group') facts.defaultGroups.push({ id: r.a, defaultKind: r.b as DefaultKind });
        else facts.defaultGrants.push({ appId: r.a, groupId: r.b!, seatLimit: r.c === null ? null : Number(r.c) });
      }
      return { rules, ...facts };
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
