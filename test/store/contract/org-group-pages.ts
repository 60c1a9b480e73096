import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AccountRecord, MembershipRow, NewAccount, Store } from '../../../src/store/store.ts';

/**
 * A group's members page by page, in the order the accounts were made, each once: a small group's
 * accounts are listed through the group's index and a big one's found by walking accounts
 * (org-helpers.ts `memberOf`), and both must give the same pages.
 */
export function orgGroupPagesContract(storeOf: () => Store): void {
  describe('group member pages', () => {
    const at = '2026-12-08T12:00:00.000Z';
    const account = (id: string): NewAccount => ({ id, status: 'active', external: false, userName: `user-${id}`, email: `${id}@pages.example`, displayName: null, givenName: null, familyName: null, title: null, department: null, manager: null, locale: null, timezone: null, custom: {}, createdAt: at, updatedAt: at });

    it('pages a small group and a big one (more than 2,000 rows) in account order, each member once, on both queries', async () => {
      const store = storeOf();
      const ids = Array.from({ length: 2_100 }, () => randomUUID());
      const [big, small, other] = [randomUUID(), randomUUID(), randomUUID()];
      // Small: every 300th account, one of them by two sources, inserted out of account order.
      const smallIds = ids.filter((_, i) => i % 300 === 7);
      const rows: MembershipRow[] = [
        ...ids.map((accountId) => ({ groupId: big!, accountId, source: 'manual' })),
        ...ids.slice(0, 50).map((accountId) => ({ groupId: big!, accountId, source: 'default' })),
        ...[...smallIds].reverse().map((accountId) => ({ groupId: small!, accountId, source: 'manual' })),
        { groupId: small!, accountId: smallIds[1]!, source: 'default' },
        ...ids.slice(0, 10).map((accountId) => ({ groupId: other!, accountId, source: 'manual' })),
      ];
      await store.write(async (q) => {
        for (let i = 0; i < ids.length; i += 500) await q.org.insertOrgRows({ accounts: ids.slice(i, i + 500).map(account) });
        await q.org.insertOrgRows({ memberships: rows });
      });
      const pages = async (read: (after: number) => Promise<AccountRecord[]>) => {
        const out: string[] = [];
        for (let after = 0, n = 0; n < 100; n++) {
          const page = await read(after);
          if (page.length === 0) return out;
          out.push(...page.map((a) => a.id));
          after = page[page.length - 1]!.seq;
        }
        throw new Error('more than 100 pages');
      };
      for (const [groupId, expected] of [[big!, ids], [small!, smallIds]] as const) {
        expect(await store.read((q) => pages((after) => q.org.groupMembers(groupId, after, 250)))).toEqual(expected);
        expect(await store.read((q) => pages((after) => q.org.listAccounts({ afterSeq: after, limit: 30, groupId })))).toEqual(expected);
      }
      expect(await store.read((q) => q.org.groupMembers(randomUUID(), 0, 10))).toEqual([]);
    });
  });
}
