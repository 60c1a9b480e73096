import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Fixtures, at } from './fixtures.ts';

export function directoriesContract(f: Fixtures): void {
  const { directoryRecord, createDirectory, newUser, createUser, createGroup, addMembers } = f;
  describe('directories', () => {
    it('reads back an inserted directory with its settings parsed', async () => {
      const record = directoryRecord({
        passwordMode: 'store',
        ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
        customAttributes: [{ name: 'costCenter', type: 'string', multiValued: false, caseExact: false, description: 'Where the cost goes' }],
      });
      await f.store.read((q) => q.directories.insert(record));
      expect(await f.store.read((q) => q.directories.get(record.id))).toEqual(record);
    });

    it('reads back a directory without settings as null allow-list and no custom attributes', async () => {
      const record = directoryRecord();
      await f.store.read((q) => q.directories.insert(record));
      expect(await f.store.read((q) => q.directories.get(record.id))).toEqual(record);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await f.store.read((q) => q.directories.get(randomUUID()))).toBeUndefined();
    });

    it('lists directories not deleted, oldest first', async () => {
      // Inserted out of creation order, so the order must come from createdAt.
      const later = directoryRecord({ createdAt: at(30), updatedAt: at(30) });
      const deleted = directoryRecord({ createdAt: at(20), updatedAt: at(20), status: 'deleted' });
      const paused = directoryRecord({ createdAt: at(15), updatedAt: at(15), status: 'paused' });
      const earlier = directoryRecord({ createdAt: at(10), updatedAt: at(10) });
      for (const r of [later, deleted, paused, earlier]) await f.store.read((q) => q.directories.insert(r));
      const mine = new Set([later.id, deleted.id, paused.id, earlier.id]);
      const listed = (await f.store.read((q) => q.directories.list())).filter((d) => mine.has(d.id));
      expect(listed).toEqual([earlier, paused, later]);
    });

    it('updates only the given fields', async () => {
      const record = directoryRecord({ ipAllowlist: ['192.0.2.0/24'] });
      await f.store.read((q) => q.directories.insert(record));
      const changes = {
        name: 'Acme EU',
        status: 'paused' as const,
        updatedAt: at(5),
        passwordMode: 'store' as const,
        customAttributes: [{ name: 'level', type: 'integer' as const, multiValued: false, caseExact: false, description: '' }],
      };
      expect(await f.store.read((q) => q.directories.update(record.id, changes))).toBe(true);
      expect(await f.store.read((q) => q.directories.get(record.id))).toEqual({ ...record, ...changes });
    });

    it('clears the allow-list and custom attributes', async () => {
      const record = directoryRecord({ ipAllowlist: ['192.0.2.0/24'], customAttributes: [{ name: 'x', type: 'boolean', multiValued: false, caseExact: false, description: '' }] });
      await f.store.read((q) => q.directories.insert(record));
      expect(await f.store.read((q) => q.directories.update(record.id, { ipAllowlist: null, customAttributes: [] }))).toBe(true);
      expect(await f.store.read((q) => q.directories.get(record.id))).toEqual({ ...record, ipAllowlist: null, customAttributes: [] });
    });

    it('returns false when updating an unknown id', async () => {
      expect(await f.store.read((q) => q.directories.update(randomUUID(), { name: 'nobody' }))).toBe(false);
    });

    it('counts the users and groups of one directory', async () => {
      const d = await createDirectory();
      const other = await createDirectory();
      await createUser(d, { userName: 'a' });
      await createUser(d, { userName: 'b' });
      await createGroup(d, 'G');
      await createUser(other, { userName: 'c' });
      expect(await f.store.read((q) => q.directories.counts(d))).toEqual({ users: 2, groups: 1 });
      expect(await f.store.read((q) => q.directories.counts(other))).toEqual({ users: 1, groups: 0 });
      const empty = await createDirectory();
      expect(await f.store.read((q) => q.directories.counts(empty))).toEqual({ users: 0, groups: 0 });
    });

    it('purges users, groups, memberships and passwords but keeps the directory row', async () => {
      const record = directoryRecord();
      await f.store.read((q) => q.directories.insert(record));
      const d = record.id;
      const user = await createUser(d, { userName: 'ann' });
      const group = await createGroup(d, 'Staff');
      await addMembers(d, group.id, user.id);
      await f.store.write((q) => q.passwords.set(d, user.id, 'scrypt$old', at(2)));
      // Another directory's data stays.
      const other = await createDirectory();
      const otherUser = await createUser(other, { userName: 'ann' });
      const otherGroup = await createGroup(other, 'Staff');
      await addMembers(other, otherGroup.id, otherUser.id);
      await f.store.write((q) => q.passwords.set(other, otherUser.id, 'scrypt$other', at(2)));

      await f.store.write((q) => q.directories.purgeData(d));

      expect(await f.store.read((q) => q.directories.get(d))).toEqual(record);
      expect(await f.store.read((q) => q.directories.counts(d))).toEqual({ users: 0, groups: 0 });
      expect(await f.store.read((q) => q.users.get(d, user.id))).toBeUndefined();
      expect(await f.store.read((q) => q.groups.get(d, group.id))).toBeUndefined();
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
      // The password row went too: the same user id written again has no password.
      await f.store.read((q) => q.users.insert(newUser(d, { userName: 'ann', active: true }, { id: user.id })));
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'ann'))).toEqual({ hash: null, active: true });

      expect(await f.store.read((q) => q.directories.counts(other))).toEqual({ users: 1, groups: 1 });
      expect(await f.store.read((q) => q.members.page(otherGroup.id, 0, 10))).toEqual([expect.objectContaining({ memberId: otherUser.id })]);
      expect(await f.store.read((q) => q.passwords.findByUserName(other, 'ann'))).toEqual({ hash: 'scrypt$other', active: null });
    });
  });
}
