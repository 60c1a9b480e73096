import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AccessRow, MembershipRow, NewAccount, Store } from '../../../src/store/store.ts';

/**
 * OrgQueries.insertOrgRows on every engine: the rows of a single create (joined into one statement
 * on PostgreSQL) and of bigger batches (part by part) come back the same; memberships and access
 * already there are skipped, as the recompute relies on; nulls in account columns stay null.
 */
export function orgRowsContract(storeOf: () => Store): void {
  describe('insertOrgRows', () => {
    const at = '2026-12-07T12:00:00.000Z';
    const account = (id: string): NewAccount => ({ id, status: 'active', external: false, userName: `user-${id}`, email: `${id}@rows.example`, displayName: 'Zoë "Z" {a,b} \\ NULL', givenName: 'Given', familyName: null, title: null, department: 'Ops', manager: null, locale: null, timezone: null, custom: { badge: 'A1', cost: null }, createdAt: at, updatedAt: at });
    const link = (accountId: string, directoryId: string) => ({ directoryId, userId: `user-of-${accountId}`, accountId, active: true, linkedBy: 'new' as const, createdAt: at });
    const memberships = (accountId: string, groups: readonly string[]): MembershipRow[] => groups.map((groupId) => ({ groupId, accountId, source: 'default' }));
    const access = (accountId: string, apps: readonly string[]): Omit<AccessRow, 'seq'>[] => apps.map((appId) => ({ appId, accountId, status: 'granted', since: at }));

    it('puts in accounts, links, memberships and access, single and batched, skipping memberships and access already there', async () => {
      const store = storeOf();
      const directoryId = randomUUID();
      const [a1, a2, a3, a4, a5] = Array.from({ length: 5 }, () => randomUUID());
      const groups: string[] = Array.from({ length: 4 }, () => randomUUID());
      const apps: string[] = Array.from({ length: 3 }, () => randomUUID());
      const many: string[] = Array.from({ length: 100 }, () => randomUUID());
      await store.write(async (q) => {
        // One create (joined on PostgreSQL).
        await q.org.insertOrgRows({ accounts: [account(a1!)], links: [link(a1!, directoryId)], memberships: memberships(a1!, groups.slice(0, 3)), access: access(a1!, apps.slice(0, 2)) });
        // A batch of two accounts (part by part).
        await q.org.insertOrgRows({ accounts: [account(a2!), account(a3!)], links: [link(a2!, directoryId), link(a3!, directoryId)], memberships: [...memberships(a2!, groups.slice(0, 3)), ...memberships(a3!, groups.slice(0, 1))], access: access(a2!, apps.slice(0, 2)) });
        // A delta's memberships and access, some there already.
        await q.org.insertOrgRows({ memberships: memberships(a1!, groups), access: access(a1!, apps) });
        // A create whose rows meet rows already there.
        await q.org.insertOrgRows({ accounts: [account(a4!)], links: [link(a4!, directoryId)], memberships: [...memberships(a1!, groups.slice(0, 2)), ...memberships(a4!, groups.slice(0, 1))], access: [...access(a1!, apps.slice(0, 1)), ...access(a4!, apps.slice(0, 1))] });
        // A big delta: a hundred rows of each, a few there already.
        await q.org.insertOrgRows({ memberships: many.map((id) => ({ groupId: groups[0]!, accountId: id, source: 'default' })), access: many.map((id) => ({ appId: apps[0]!, accountId: id, status: 'queued' as const, since: at })) });
        await q.org.insertOrgRows({ memberships: many.slice(0, 10).map((id) => ({ groupId: groups[0]!, accountId: id, source: 'default' })), access: [] });
        // A create without rules: the account and its link only.
        await q.org.insertOrgRows({ accounts: [account(a5!)], links: [link(a5!, directoryId)] });
        await q.org.insertOrgRows({});
      });
      const ids: string[] = [a1!, a2!, a3!, a4!, a5!];
      const read = await store.read(async (q) => ({
        accounts: await q.org.getAccounts(ids),
        links: await q.org.linksOfAccounts(ids),
        memberships: await q.org.membershipsOf(ids),
        access: await q.org.heldAccess(ids),
      }));
      const big = await store.read(async (q) => ({ memberships: await q.org.membershipsOf(many), access: await q.org.accessOf(many) }));
      expect(big.memberships).toHaveLength(100);
      expect(new Set(big.access.map((r) => `${r.accountId}/${r.appId}/${r.status}`))).toEqual(new Set(many.map((id) => `${id}/${apps[0]}/queued`)));
      const name = (id: string) => `a${ids.indexOf(id) + 1}`;
      expect(read.accounts.map(({ seq: _seq, ...a }) => a).sort((x, y) => name(x.id).localeCompare(name(y.id)))).toEqual(ids.map(account));
      expect(read.links.map(({ seq: _seq, ...l }) => l).sort((x, y) => name(x.accountId).localeCompare(name(y.accountId)))).toEqual(ids.map((id) => link(id, directoryId)));
      const g = (id: string) => `g${groups.indexOf(id)}`;
      expect(read.memberships.map((m) => `${name(m.accountId)}/${g(m.groupId)}/${m.source}`).sort()).toEqual(['a1/g0/default', 'a1/g1/default', 'a1/g2/default', 'a1/g3/default', 'a2/g0/default', 'a2/g1/default', 'a2/g2/default', 'a3/g0/default', 'a4/g0/default']);
      const p = (id: string) => `p${apps.indexOf(id)}`;
      expect(read.access.map((r) => `${name(r.accountId)}/${p(r.appId)}`).sort()).toEqual(['a1/p0', 'a1/p1', 'a1/p2', 'a2/p0', 'a2/p1', 'a4/p0']);
    });
  });
}
