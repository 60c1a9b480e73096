import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAttrPath, parseScimFilter } from '../../../src/scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType } from '../../../src/scim/schemas/resource-types.ts';
import { UniqueViolationError } from '../../../src/store/store-errors.ts';
import type { ListOptions } from '../../../src/store/store.ts';
import { type Fixtures, at, ids, rejection } from './fixtures.ts';

export function groupsContract(f: Fixtures): void {
  const { createDirectory, createUser, newGroup, createGroup, addMembers } = f;
  describe('groups', () => {
    it('reads back an inserted group', async () => {
      const d = await createDirectory();
      const group = newGroup(d, 'Engineering', { resource: { displayName: 'Engineering', externalId: 'eng-1' }, memberCount: 3 });
      await f.store.read((q) => q.groups.insert(group));
      expect(await f.store.read((q) => q.groups.get(d, group.id))).toEqual({ ...group, seq: expect.any(Number) });
      const elsewhere = await createDirectory();
      expect(await f.store.read((q) => q.groups.get(elsewhere, group.id))).toBeUndefined();
      expect(await f.store.write((q) => q.groups.lock(d, group.id))).toEqual(await f.store.read((q) => q.groups.get(d, group.id)));
    });

    it('updates at the expected version and refuses a stale one', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const v2 = { id: group.id, directoryId: d, resource: { displayName: 'Engineering' }, memberCount: 0, version: 2, createdAt: group.createdAt, updatedAt: at(9) };
      expect(await f.store.write((q) => q.groups.update(v2, group))).toBe(true);
      expect(await f.store.write((q) => q.groups.update({ ...v2, resource: { displayName: 'Stale' }, version: 3 }, group))).toBe(false);
      expect(await f.store.read((q) => q.groups.get(d, group.id))).toEqual({ ...v2, seq: group.seq });
    });

    it('refuses a displayName differing only in case within a directory', async () => {
      const d = await createDirectory();
      await createGroup(d, 'Admins');
      const error = await rejection(f.store.read((q) => q.groups.insert(newGroup(d, 'ADMINS'))));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ table: 'groups', columns: ['directory_id', 'display_name_lower'] });
      await createGroup(await createDirectory(), 'admins');
    });

    it('deletes a group with its membership rows', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      const group = await createGroup(d, 'Eng');
      const kept = await createGroup(d, 'Ops');
      await addMembers(d, group.id, user.id);
      await addMembers(d, kept.id, user.id);
      expect(await f.store.write((q) => q.groups.delete(d, group.id))).toBe(true);
      expect(await f.store.read((q) => q.groups.get(d, group.id))).toBeUndefined();
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
      expect(await f.store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [{ id: kept.id, displayName: 'Ops' }] });
      expect(await f.store.write((q) => q.groups.delete(d, group.id))).toBe(false);
    });

    it('lists, sorts, pages and counts like users', async () => {
      const d = await createDirectory();
      const b = await createGroup(d, 'beta', { resource: { displayName: 'beta', externalId: 'x' } });
      const a = await createGroup(d, 'Alpha');
      const c = await createGroup(d, 'gamma', { resource: { displayName: 'gamma', externalId: 'x' } });
      await createGroup(await createDirectory(), 'Alpha');
      const list = (options: Partial<ListOptions>) => f.store.read((q) => q.groups.list({ directoryId: d, type: groupResourceType, offset: 0, limit: 100, ...options }));
      expect(await list({})).toEqual([b, a, c]);
      const sortedRows = await list({ sortBy: parseAttrPath('displayName') });
      expect(ids(sortedRows)).toEqual([a.id, b.id, c.id]);
      expect(sortedRows.map((r) => r.sortKey)).toEqual(['alpha', 'beta', 'gamma']);
      expect(ids(await list({ sortBy: parseAttrPath('displayName'), descending: true, after: { seq: c.seq, key: 'gamma' } }))).toEqual([b.id, a.id]);
      expect(ids(await list({ filter: parseScimFilter('externalId eq "x"') }))).toEqual([b.id, c.id]);
      expect(ids(await list({ after: { seq: b.seq }, limit: 1 }))).toEqual([a.id]);
      expect(await f.store.read((q) => q.groups.count({ directoryId: d, type: groupResourceType }))).toBe(3);
      expect(await f.store.read((q) => q.groups.count({ directoryId: d, type: groupResourceType, filter: parseScimFilter('displayName eq "ALPHA"') }))).toBe(1);
      expect(await f.store.read((q) => q.groups.existingIds(d, [a.id, randomUUID(), c.id]))).toEqual(new Set([a.id, c.id]));
    });

    it('touches groups: adjusts the member count and bumps version and updatedAt', async () => {
      const d = await createDirectory();
      const g1 = await createGroup(d, 'One', { memberCount: 2 });
      const g2 = await createGroup(d, 'Two', { memberCount: 5 });
      const untouched = await createGroup(d, 'Three', { memberCount: 1 });
      await f.store.write((q) => q.groups.touch([g1.id, g2.id], 3, at(50)));
      expect(await f.store.read((q) => q.groups.get(d, g1.id))).toEqual({ ...g1, memberCount: 5, version: 2, updatedAt: at(50) });
      expect(await f.store.read((q) => q.groups.get(d, g2.id))).toEqual({ ...g2, memberCount: 8, version: 2, updatedAt: at(50) });
      await f.store.write((q) => q.groups.touch([g1.id], -1, at(60)));
      expect(await f.store.read((q) => q.groups.get(d, g1.id))).toEqual({ ...g1, memberCount: 4, version: 3, updatedAt: at(60) });
      await f.store.write((q) => q.groups.touch([], 1, at(70)));
      expect(await f.store.read((q) => q.groups.get(d, untouched.id))).toEqual(untouched);
    });

    it('maps members to their groups, oldest group first', async () => {
      const d = await createDirectory();
      const ann = await createUser(d, { userName: 'ann' });
      const bob = await createUser(d, { userName: 'bob' });
      const loner = await createUser(d, { userName: 'loner' });
      const older = await createGroup(d, 'Older');
      const newer = await createGroup(d, 'Newer');
      await addMembers(d, newer.id, ann.id, bob.id);
      await addMembers(d, older.id, ann.id);
      const map = await f.store.read((q) => q.groups.ofMembers(d, [ann.id, bob.id, loner.id]));
      expect(map).toEqual(
        new Map([
          [ann.id, [{ id: older.id, displayName: 'Older' }, { id: newer.id, displayName: 'Newer' }]],
          [bob.id, [{ id: newer.id, displayName: 'Newer' }]],
        ]),
      );
      const elsewhere = await createDirectory();
      expect(await f.store.read((q) => q.groups.ofMembers(elsewhere, [ann.id]))).toEqual(new Map());
      expect(await f.store.read((q) => q.groups.ofMembers(d, []))).toEqual(new Map());
    });
  });
}
