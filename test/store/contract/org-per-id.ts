import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MembershipRow, Store } from '../../../src/store/store.ts';

/**
 * The reads and deletes a recompute runs over a list of accounts (membershipsOf, heldAccess,
 * removeMemberships, deleteAccess) on every engine. PostgreSQL finds each id's rows by a subquery of
 * its own over one array (org-helpers.ts `packedPerId`, `deletePerId`): each id's rows come back
 * once, whatever the list (empty, repeated ids, ids without rows, more ids than one statement takes),
 * and a delete takes only the rows its key names.
 */
export function orgPerIdContract(storeOf: () => Store): void {
  describe('reads and deletes per account', () => {
    const at = '2026-12-07T12:00:00.000Z';
    const key = (r: MembershipRow) => `${r.accountId}/${r.groupId}/${r.source}`;

    it('reads each account\'s memberships and access once, across chunks, and deletes only the keyed rows', async () => {
      const store = storeOf();
      const [g1, g2, app1, app2] = Array.from({ length: 4 }, (): string => randomUUID());
      const withRows = Array.from({ length: 1_200 }, (): string => randomUUID());
      const without = Array.from({ length: 5 }, (): string => randomUUID());
      // app1 exists, app2 does not: rows are read by account whatever became of their app.
      await store.write(async (q) => {
        await q.org.insertApp({ id: app1!, name: `per-id ${app1}`, kind: 'wiki', seatLimit: 7, createdAt: at, updatedAt: at });
      });
      const mapped = `map:${randomUUID()}:${randomUUID()}`;
      const memberships: MembershipRow[] = withRows.flatMap((accountId, i) => [
        { groupId: g1!, accountId, source: 'default' },
        ...(i % 2 === 0 ? [{ groupId: g1!, accountId, source: mapped }] : []),
        ...(i % 3 === 0 ? [{ groupId: g2!, accountId, source: 'manual' }] : []),
        // The same source in another group: a delete keyed on g1 must leave it.
        ...(i % 7 === 0 ? [{ groupId: g2!, accountId, source: mapped }] : []),
      ]);
      await store.write(async (q) => {
        await q.org.insertOrgRows({
          memberships,
          access: withRows.flatMap((accountId, i) => [
            { appId: app1!, accountId, status: i % 4 === 0 ? ('queued' as const) : ('granted' as const), since: at },
            ...(i % 5 === 0 ? [{ appId: app2!, accountId, status: 'granted' as const, since: at }] : []),
          ]),
        });
      });

      // Every id asked for twice, and ids without rows among them.
      const asked = [...withRows, ...without, ...withRows.slice(0, 50)];
      const [first, second] = withRows as [string, string];
      const read = await store.read(async (q) => ({
        memberships: await q.org.membershipsOf(asked),
        access: await q.org.heldAccess(asked),
        none: [...(await q.org.membershipsOf([])), ...(await q.org.heldAccess([])), ...(await q.org.membershipsOf(without.slice(0, 1)))],
        // Repeated within one statement, and a single id.
        repeated: await q.org.membershipsOf([first, first, second, first]),
        single: await q.org.heldAccess([first]),
      }));
      expect(read.none).toEqual([]);
      expect(read.repeated.map(key).sort()).toEqual(memberships.filter((r) => r.accountId === first || r.accountId === second).map(key).sort());
      expect(read.single.map((r) => r.appId).sort()).toEqual([app1!, app2!].sort());
      expect(read.memberships.map(key).sort()).toEqual(memberships.map(key).sort());
      expect(read.access).toHaveLength(1_200 + 240);
      expect(new Set(read.memberships.map(key)).size).toBe(memberships.length);
      expect(new Set(read.access.map((r) => `${r.accountId}/${r.appId}`)).size).toBe(1_440);
      expect(read.single.sort((a, b) => (a.appId < b.appId ? -1 : 1))).toEqual([{ appId: app1!, accountId: first }, { appId: app2!, accountId: first }].sort((a, b) => (a.appId < b.appId ? -1 : 1)));

      // Deletes: the mapped rows of the first 700 (and ids without rows), then app1's access of the first 900.
      const revoked = await store.write(async (q) => {
        await q.org.removeMemberships([]);
        expect(await q.org.deleteAccess(app1!, [])).toEqual([]);
        await q.org.removeMemberships([...withRows.slice(0, 700), ...without].map((accountId) => ({ groupId: g1!, accountId, source: mapped })));
        return q.org.deleteAccess(app1!, [...withRows.slice(0, 900), ...without, first, first]);
      });
      // Only granted rows held a seat: every fourth account was queued.
      expect(revoked.sort()).toEqual(withRows.slice(0, 900).filter((_, i) => i % 4 !== 0).sort());
      const after = await store.read(async (q) => ({ memberships: await q.org.membershipsOf(withRows), access: await q.org.heldAccess(withRows) }));
      const removed = new Set(withRows.slice(0, 700));
      expect(after.memberships.map(key).sort()).toEqual(memberships.filter((r) => !(r.groupId === g1 && r.source === mapped && removed.has(r.accountId))).map(key).sort());
      const gone = new Set(withRows.slice(0, 900));
      expect(after.access.map((r) => `${r.accountId}/${r.appId}`).sort()).toEqual(
        withRows.flatMap((id, i) => [...(gone.has(id) ? [] : [`${id}/${app1}`]), ...(i % 5 === 0 ? [`${id}/${app2}`] : [])]).sort(),
      );
    });
  });
}
