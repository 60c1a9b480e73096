import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAttrPath, parseScimFilter } from '../../../src/scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType } from '../../../src/scim/schemas/resource-types.ts';
import type { UserRecord } from '../../../src/store/records.ts';
import { UniqueViolationError } from '../../../src/store/store-errors.ts';
import type { ListOptions, Listed } from '../../../src/store/store.ts';
import { type Fixtures, at, ids, rejection, sorted } from './fixtures.ts';

export function usersContract(f: Fixtures): void {
  const { createDirectory, newUser, createUser, createGroup, addMembers } = f;
  describe('users', () => {
    it('reads back an inserted user with a seq, in its own directory only', async () => {
      const d = await createDirectory();
      const resource = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'Ann.Lee@example.com',
        name: { givenName: 'Ann', familyName: 'Lee' },
        emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
        active: true,
        displayName: 'Ann Lee ✓',
      };
      const user = newUser(d, resource);
      await f.store.read((q) => q.users.insert(user));
      const read = await f.store.read((q) => q.users.get(d, user.id));
      expect(read).toEqual({ ...user, seq: expect.any(Number) });
      expect(Number.isInteger(read!.seq) && read!.seq > 0).toBe(true);
      const elsewhere = await createDirectory();
      expect(await f.store.read((q) => q.users.get(elsewhere, user.id))).toBeUndefined();
      expect(await f.store.read((q) => q.users.get(d, randomUUID()))).toBeUndefined();
    });

    it('gives later users a larger seq', async () => {
      const d = await createDirectory();
      const a = await createUser(d, { userName: 'a' });
      const b = await createUser(d, { userName: 'b' });
      expect(b.seq).toBeGreaterThan(a.seq);
    });

    it('locks a user inside a write and returns it', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      expect(await f.store.write((q) => q.users.lock(d, user.id))).toEqual(user);
      expect(await f.store.write((q) => q.users.lock(d, randomUUID()))).toBeUndefined();
      expect(await f.store.write((q) => q.users.lock(randomUUID(), user.id))).toBeUndefined();
    });

    it('updates at the expected version and refuses a stale one, writing nothing', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann', active: true });
      const v2 = { id: user.id, directoryId: d, resource: { userName: 'ann', active: false, title: 'CTO' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) };
      expect(await f.store.write((q) => q.users.update(v2, user))).toBe(true);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toEqual({ ...v2, seq: user.seq });

      const stale = { ...v2, resource: { userName: 'zed' }, version: 3, updatedAt: at(10) };
      expect(await f.store.write((q) => q.users.update(stale, user))).toBe(false);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toEqual({ ...v2, seq: user.seq });
      // Nor did the refused write touch the indexed columns.
      const filter = parseScimFilter('userName eq "zed"');
      expect(await f.store.read((q) => q.users.count({ directoryId: d, type: userResourceType, filter }))).toBe(0);
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'ann'))).toEqual({ hash: null, active: false });
    });

    it('refuses an update addressed to another directory', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      const moved = { id: user.id, directoryId: await createDirectory(), resource: { userName: 'ann' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) };
      expect(await f.store.write((q) => q.users.update(moved, user))).toBe(false);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toEqual(user);
    });

    it('deletes a user once, and only in its directory', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      const elsewhere = await createDirectory();
      expect(await f.store.write((q) => q.users.delete(elsewhere, user.id))).toBe(false);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toEqual(user);
      expect(await f.store.write((q) => q.users.delete(d, user.id))).toBe(true);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toBeUndefined();
      expect(await f.store.write((q) => q.users.delete(d, user.id))).toBe(false);
    });

    it('refuses a userName differing only in case within a directory, as UniqueViolationError', async () => {
      const d = await createDirectory();
      await createUser(d, { userName: 'Ann@Example.com' });
      const error = await rejection(f.store.read((q) => q.users.insert(newUser(d, { userName: 'ann@example.COM' }))));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ table: 'users', columns: ['directory_id', 'user_name_lower'] });
      expect(await f.store.read((q) => q.directories.counts(d))).toEqual({ users: 1, groups: 0 });
    });

    it('allows the same userName in another directory', async () => {
      const d = await createDirectory();
      const other = await createDirectory();
      await createUser(d, { userName: 'Ann@Example.com' });
      const user = await createUser(other, { userName: 'ann@example.com' });
      expect(user.resource).toEqual({ userName: 'ann@example.com' });
    });

    it('refuses an update to a userName another user holds', async () => {
      const d = await createDirectory();
      await createUser(d, { userName: 'ann' });
      const bob = await createUser(d, { userName: 'bob' });
      const renamed = { id: bob.id, directoryId: d, resource: { userName: 'ANN' }, version: 2, createdAt: bob.createdAt, updatedAt: at(9) };
      const error = await rejection(f.store.write((q) => q.users.update(renamed, bob)));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(await f.store.read((q) => q.users.get(d, bob.id))).toEqual(bob);
    });

    it('finds existing ids beyond one statement', async () => {
      const d = await createDirectory();
      const a = await createUser(d, { userName: 'a' });
      const b = await createUser(d, { userName: 'b' });
      const probe = [a.id, ...Array.from({ length: 1200 }, () => randomUUID()), b.id];
      expect(await f.store.read((q) => q.users.existingIds(d, probe))).toEqual(new Set([a.id, b.id]));
    });

    it('lists only the ids that exist in the directory', async () => {
      const d = await createDirectory();
      const other = await createDirectory();
      const a = await createUser(d, { userName: 'a' });
      const b = await createUser(d, { userName: 'b' });
      const elsewhere = await createUser(other, { userName: 'c' });
      const found = await f.store.read((q) => q.users.existingIds(d, [a.id, elsewhere.id, randomUUID(), b.id]));
      expect(found).toEqual(new Set([a.id, b.id]));
      expect(await f.store.read((q) => q.users.existingIds(d, []))).toEqual(new Set());
    });

    it('reads a user with its groups in group order', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      const first = await createGroup(d, 'First');
      const second = await createGroup(d, 'Second');
      // Added to the newer group first: the order is the groups', not the memberships'.
      await addMembers(d, second.id, user.id);
      await addMembers(d, first.id, user.id);
      expect(await f.store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({
        user,
        groups: [
          { id: first.id, displayName: 'First' },
          { id: second.id, displayName: 'Second' },
        ],
      });
    });

    it('reads a user without groups with an empty list, and no user as undefined', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      expect(await f.store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [] });
      expect(await f.store.read((q) => q.users.getWithGroups(d, randomUUID()))).toBeUndefined();
      const elsewhere = await createDirectory();
      expect(await f.store.read((q) => q.users.getWithGroups(elsewhere, user.id))).toBeUndefined();
    });

    describe('list and count', () => {
      let d: string;
      /** carol(b) alice(–, inactive) Bob(a) dave(b) erin(–), inserted in this order. */
      let carol: UserRecord, alice: UserRecord, bob: UserRecord, dave: UserRecord, erin: UserRecord;
      beforeAll(async () => {
        d = await createDirectory();
        carol = await createUser(d, { userName: 'carol', externalId: 'b', active: true });
        alice = await createUser(d, { userName: 'alice', active: false });
        bob = await createUser(d, { userName: 'Bob', externalId: 'a', active: true });
        dave = await createUser(d, { userName: 'dave', externalId: 'b' });
        erin = await createUser(d, { userName: 'erin' });
        // Another directory's users never show.
        const other = await createDirectory();
        await createUser(other, { userName: 'alice', externalId: 'a' });
      });

      const list = (options: Omit<ListOptions, 'directoryId' | 'type' | 'offset' | 'limit'> & Partial<ListOptions> = {}) =>
        f.store.read((q) => q.users.list({ directoryId: d, type: userResourceType, offset: 0, limit: 100, ...options }));
      const byExternalId = parseAttrPath('externalId');
      const byUserName = parseAttrPath('userName');

      it('lists in insertion order without sortKey when unsorted', async () => {
        const rows = await list();
        expect(rows).toEqual([carol, alice, bob, dave, erin]);
        for (const row of rows) expect(row).not.toHaveProperty('sortKey');
      });

      it('filters', async () => {
        expect(ids(await list({ filter: parseScimFilter('externalId eq "b"') }))).toEqual([carol.id, dave.id]);
        expect(ids(await list({ filter: parseScimFilter('userName eq "BOB"') }))).toEqual([bob.id]);
        expect(ids(await list({ filter: parseScimFilter('active eq false or not (externalId pr)') }))).toEqual([alice.id, erin.id]);
      });

      it('pages with offset and limit', async () => {
        expect(ids(await list({ offset: 1, limit: 2 }))).toEqual([alice.id, bob.id]);
        expect(ids(await list({ offset: 4, limit: 2 }))).toEqual([erin.id]);
        expect(await list({ offset: 5, limit: 2 })).toEqual([]);
      });

      it('sorts ascending by a caseExact-false attribute, with its folded key', async () => {
        const rows = await list({ sortBy: byUserName });
        expect(ids(rows)).toEqual([alice.id, bob.id, carol.id, dave.id, erin.id]);
        expect(rows.map((r) => r.sortKey)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
        expect(rows[1]).toEqual({ ...bob, sortKey: 'bob' });
      });

      it('sorts descending', async () => {
        expect(ids(await list({ sortBy: byUserName, descending: true }))).toEqual([erin.id, dave.id, carol.id, bob.id, alice.id]);
      });

      it('ignores descending without sortBy', async () => {
        expect(ids(await list({ descending: true }))).toEqual([carol.id, alice.id, bob.id, dave.id, erin.id]);
      });

      it('sorts missing values last ascending, ties by seq', async () => {
        const rows = await list({ sortBy: byExternalId });
        expect(ids(rows)).toEqual([bob.id, carol.id, dave.id, alice.id, erin.id]);
        expect(rows.map((r) => r.sortKey)).toEqual(['a', 'b', 'b', null, null]);
      });

      it('sorts missing values first descending, ties by seq descending', async () => {
        const rows = await list({ sortBy: byExternalId, descending: true });
        expect(ids(rows)).toEqual([erin.id, alice.id, dave.id, carol.id, bob.id]);
        expect(rows.map((r) => r.sortKey)).toEqual([null, null, 'b', 'b', 'a']);
      });

      it('sorts, filters and pages together', async () => {
        const filter = parseScimFilter('active pr');
        expect(ids(await list({ filter, sortBy: byUserName, offset: 1, limit: 1 }))).toEqual([bob.id]);
      });

      it('pages by keyset after a seq when unsorted', async () => {
        expect(ids(await list({ after: { seq: alice.seq } }))).toEqual([bob.id, dave.id, erin.id]);
        expect(ids(await list({ after: { seq: alice.seq }, limit: 2 }))).toEqual([bob.id, dave.id]);
        expect(await list({ after: { seq: erin.seq } })).toEqual([]);
      });

      it('pages by keyset after (key, seq) ascending', async () => {
        expect(ids(await list({ sortBy: byExternalId, after: { seq: bob.seq, key: 'a' } }))).toEqual([carol.id, dave.id, alice.id, erin.id]);
        expect(ids(await list({ sortBy: byExternalId, after: { seq: carol.seq, key: 'b' } }))).toEqual([dave.id, alice.id, erin.id]);
        expect(ids(await list({ sortBy: byExternalId, after: { seq: dave.seq, key: 'b' } }))).toEqual([alice.id, erin.id]);
        expect(ids(await list({ sortBy: byExternalId, after: { seq: alice.seq, key: null } }))).toEqual([erin.id]);
        expect(await list({ sortBy: byExternalId, after: { seq: erin.seq, key: null } })).toEqual([]);
      });

      it('pages by keyset after (key, seq) descending', async () => {
        const desc = { sortBy: byExternalId, descending: true };
        expect(ids(await list({ ...desc, after: { seq: erin.seq, key: null } }))).toEqual([alice.id, dave.id, carol.id, bob.id]);
        expect(ids(await list({ ...desc, after: { seq: alice.seq, key: null } }))).toEqual([dave.id, carol.id, bob.id]);
        expect(ids(await list({ ...desc, after: { seq: dave.seq, key: 'b' } }))).toEqual([carol.id, bob.id]);
        expect(await list({ ...desc, after: { seq: bob.seq, key: 'a' } })).toEqual([]);
      });

      it('walks a sorted list page by page with the returned sortKey, without gaps or repeats', async () => {
        for (const descending of [false, true]) {
          const seen: string[] = [];
          let after: { seq: number; key: string | number | null } | undefined;
          for (;;) {
            const page: Listed<UserRecord>[] = await list({ sortBy: byExternalId, descending, limit: 2, after });
            if (page.length === 0) break;
            seen.push(...ids(page));
            const last = page[page.length - 1]!;
            after = { seq: last.seq, key: last.sortKey ?? null };
          }
          expect(seen).toEqual(ids(await list({ sortBy: byExternalId, descending })));
        }
      });

      it('counts with and without a filter', async () => {
        const count = (filter?: string) => f.store.read((q) => q.users.count({ directoryId: d, type: userResourceType, filter: filter === undefined ? undefined : parseScimFilter(filter) }));
        expect(await count()).toBe(5);
        expect(await count('externalId eq "b"')).toBe(2);
        expect(await count('userName sw "A"')).toBe(1);
        expect(await count('userName eq "nobody"')).toBe(0);
      });
    });
  });
}
