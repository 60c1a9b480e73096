import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Fixtures, at, ids, sorted } from './fixtures.ts';

export function membersContract(f: Fixtures): void {
  const { createDirectory, createUser, createGroup, addMembers } = f;
  describe('members', () => {
    it('adds only members not already present and returns their ids', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const m = (memberId: string) => ({ memberId, memberType: 'User' as const, display: null });
      expect(sorted(await f.store.write((q) => q.members.add(d, group.id, [m(a), m(b)])))).toEqual(sorted([a, b]));
      expect(await f.store.write((q) => q.members.add(d, group.id, [m(b), m(c), m(c)]))).toEqual([c]);
      expect(await f.store.write((q) => q.members.add(d, group.id, [m(a)]))).toEqual([]);
      expect(await f.store.write((q) => q.members.add(d, group.id, []))).toEqual([]);
      expect((await f.store.read((q) => q.members.page(group.id, 0, 10))).map((r) => r.memberId)).toEqual([a, b, c]);
    });

    it('removes only present members and returns their ids', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      await addMembers(d, group.id, a, b, c);
      expect(sorted(await f.store.write((q) => q.members.remove(group.id, [c, randomUUID(), a])))).toEqual(sorted([a, c]));
      expect(await f.store.write((q) => q.members.remove(group.id, [a]))).toEqual([]);
      expect(await f.store.write((q) => q.members.remove(group.id, []))).toEqual([]);
      expect((await f.store.read((q) => q.members.page(group.id, 0, 10))).map((r) => r.memberId)).toEqual([b]);
    });

    it('pages members in insertion order, filling display when none was given', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const named = await createUser(d, { userName: 'ann', displayName: 'Ann Lee' });
      const unnamed = await createUser(d, { userName: 'bob' });
      const labelled = await createUser(d, { userName: 'cy', displayName: 'Cy' });
      const nested = await createGroup(d, 'Platform');
      await f.store.write((q) =>
        q.members.add(d, group.id, [
          { memberId: unnamed.id, memberType: 'User', display: null },
          { memberId: named.id, memberType: 'User', display: null },
          { memberId: labelled.id, memberType: 'User', display: 'As the IdP sent it' },
          { memberId: nested.id, memberType: 'Group', display: null },
        ]),
      );
      const all = await f.store.read((q) => q.members.page(group.id, 0, 10));
      expect(all).toEqual([
        { seq: expect.any(Number), memberId: unnamed.id, memberType: 'User', display: 'bob' },
        { seq: expect.any(Number), memberId: named.id, memberType: 'User', display: 'Ann Lee' },
        { seq: expect.any(Number), memberId: labelled.id, memberType: 'User', display: 'As the IdP sent it' },
        { seq: expect.any(Number), memberId: nested.id, memberType: 'Group', display: 'Platform' },
      ]);
      const seqs = all.map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(await f.store.read((q) => q.members.page(group.id, all[0]!.seq, 2))).toEqual(all.slice(1, 3));
      expect(await f.store.read((q) => q.members.page(group.id, all[3]!.seq, 2))).toEqual([]);
    });

    it('follows a renamed member when display was not given', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const user = await createUser(d, { userName: 'ann' });
      await addMembers(d, group.id, user.id);
      await f.store.write((q) => q.users.update({ id: user.id, directoryId: d, resource: { userName: 'ann', displayName: 'Ann Lee' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) }, user));
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([{ seq: expect.any(Number), memberId: user.id, memberType: 'User', display: 'Ann Lee' }]);
    });

    it('shows display null for a member that is neither a user nor a group', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const gone = randomUUID();
      await addMembers(d, group.id, gone);
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([{ seq: expect.any(Number), memberId: gone, memberType: 'User', display: null }]);
    });

    // The IN lists are cut into chunks below every engine's parameter cap; 1,201 ids span three.
    it('adds, finds, maps and removes more members than one statement takes', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Everyone');
      const many = Array.from({ length: 1201 }, () => randomUUID());
      const m = (memberId: string) => ({ memberId, memberType: 'User' as const, display: null });
      expect(sorted(await f.store.write((q) => q.members.add(d, group.id, many.map(m))))).toEqual(sorted(many));
      expect(await f.store.write((q) => q.members.add(d, group.id, many.map(m)))).toEqual([]);
      const map = await f.store.read((q) => q.groups.ofMembers(d, many));
      expect(map.size).toBe(many.length);
      expect(map.get(many[1200]!)).toEqual([{ id: group.id, displayName: 'Everyone' }]);
      expect((await f.store.read((q) => q.members.page(group.id, 0, 2000))).map((r) => r.memberId)).toEqual(many);
      expect(sorted(await f.store.write((q) => q.members.remove(group.id, many)))).toEqual(sorted(many));
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
    });

    it('removes a member everywhere and returns the affected groups', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      const other = await createUser(d, { userName: 'bob' });
      const [g1, g2, g3] = [await createGroup(d, 'One'), await createGroup(d, 'Two'), await createGroup(d, 'Three')];
      await addMembers(d, g1.id, user.id, other.id);
      await addMembers(d, g3.id, user.id);
      await addMembers(d, g2.id, other.id);
      expect(sorted(await f.store.write((q) => q.members.removeEverywhere(user.id)))).toEqual(sorted([g1.id, g3.id]));
      expect(await f.store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [] });
      expect((await f.store.read((q) => q.members.page(g1.id, 0, 10))).map((r) => r.memberId)).toEqual([other.id]);
      expect(await f.store.write((q) => q.members.removeEverywhere(user.id))).toEqual([]);
    });
  });
}
