import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupResourceType, userResourceType } from '../../../src/scim/schemas/resource-types.ts';
import type { NewUser } from '../../../src/store/records.ts';
import { UniqueViolationError, WriteConflictError } from '../../../src/store/store-errors.ts';
import { type Fixtures, at, rejection } from './fixtures.ts';

export function transactionsContract(f: Fixtures): void {
  const { createDirectory, newUser, createUser, createGroup } = f;
  describe('transactions', () => {
    it('rolls back every write of a transaction that throws', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const user = newUser(d, { userName: 'ann' });
      const event = { id: randomUUID(), type: 'user.created', schemaVersion: 1, at: at(1), directoryId: d, resourceType: 'User', resourceId: user.id, data: {}, changed: null };
      const boom = new Error('boom');
      const error = await rejection(
        f.store.write(async (q) => {
          await q.users.insert(user);
          await q.members.add(d, group.id, [{ memberId: user.id, memberType: 'User', display: null }]);
          await q.groups.touch([group.id], 1, at(5));
          await q.directories.update(d, { name: 'renamed' });
          await q.events.append(event);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await f.store.read((q) => q.users.get(d, user.id))).toBeUndefined();
      expect(await f.store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
      expect(await f.store.read((q) => q.groups.get(d, group.id))).toEqual(group);
      expect((await f.store.read((q) => q.directories.get(d)))?.name).toBe('Acme');
      expect(await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 10, directoryId: d }))).toEqual([]);
    });

    it('concurrent writes stay independent: one that fails undoes only itself, the others commit', async () => {
      const d = await createDirectory();
      await createUser(d, { userName: 'taken' });
      const ok = Array.from({ length: 12 }, (_, i) => newUser(d, { userName: `parallel-${i}` }));
      const results = await Promise.allSettled([
        ...ok.map((u) => f.store.write((q) => q.users.insert(u))),
        f.store.write(async (q) => {
          await q.users.insert(newUser(d, { userName: 'half-written' }));
          throw new Error('boom');
        }),
        f.store.write((q) => q.users.insert(newUser(d, { userName: 'TAKEN' }))),
      ]);
      expect(results.map((r) => r.status)).toEqual([...ok.map(() => 'fulfilled'), 'rejected', 'rejected']);
      expect((results.at(-1) as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolationError);
      for (const u of ok) expect(await f.store.read((q) => q.users.get(d, u.id))).toEqual({ ...u, seq: expect.any(Number) });
      const all = await f.store.read((q) => q.users.list({ directoryId: d, type: userResourceType, offset: 0, limit: 100 }));
      expect(all.map((u) => u.resource.userName).sort()).toEqual(['taken', ...ok.map((u) => u.resource.userName as string)].sort());
    });

    it('a write that fails after touching many pages undoes all of them, and the writes beside it commit', async () => {
      // SQLite: each write of a batch is a SAVEPOINT, and this one's journal of changed pages runs to
      // megabytes (it is kept in memory, open-sqlite.ts `temp_store`); the others share its COMMIT.
      const d = await createDirectory();
      const seeded = Array.from({ length: 1_500 }, (_, i) => newUser(d, { userName: `seed-${i}` }));
      await f.store.write(async (q) => {
        for (const u of seeded) await q.users.insert(u);
      });
      const beside = Array.from({ length: 4 }, (_, w) => Array.from({ length: 200 }, (_, i) => newUser(d, { userName: `beside-${w}-${i}` })));
      const results = await Promise.allSettled([
        ...beside.map((users) => f.store.write(async (q) => {
          for (const u of users) await q.users.insert(u);
        })),
        f.store.write(async (q) => {
          for (let i = 0; i < 1_500; i++) await q.users.insert(newUser(d, { userName: `doomed-${i}` }));
          // Pages written before this write began, changed by it: these must come back as they were.
          for (const u of seeded) expect(await q.users.update({ ...u, resource: { ...u.resource, displayName: 'changed' }, version: 2, updatedAt: at(9) }, { ...u, version: 1 })).toBe(true);
          throw new Error('boom');
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      const all = await f.store.read((q) => q.users.list({ directoryId: d, type: userResourceType, offset: 0, limit: 10_000 }));
      expect(all.map((u) => u.resource.userName as string).sort()).toEqual([...seeded, ...beside.flat()].map((u) => u.resource.userName as string).sort());
      expect(all.filter((u) => u.resource.displayName === 'changed')).toEqual([]);
      expect(all.every((u) => u.version === 1)).toBe(true);
    });

    it('rolls back earlier writes when a later one violates a unique index', async () => {
      const d = await createDirectory();
      await createUser(d, { userName: 'taken' });
      const first = newUser(d, { userName: 'fresh' });
      const error = await rejection(
        f.store.write(async (q) => {
          await q.users.insert(first);
          await q.users.insert(newUser(d, { userName: 'TAKEN' }));
        }),
      );
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(await f.store.read((q) => q.users.get(d, first.id))).toBeUndefined();
    });

    it('runs again after a WriteConflictError and commits only the second attempt', async () => {
      const d = await createDirectory();
      const lost = newUser(d, { userName: 'lost' });
      const won = newUser(d, { userName: 'won' });
      let attempts = 0;
      const result = await f.store.write(async (q) => {
        attempts++;
        if (attempts === 1) {
          await q.users.insert(lost);
          throw new WriteConflictError();
        }
        await q.users.insert(won);
        return 'committed';
      });
      expect(result).toBe('committed');
      expect(attempts).toBe(2);
      expect(await f.store.read((q) => q.users.get(d, lost.id))).toBeUndefined();
      expect(await f.store.read((q) => q.users.get(d, won.id))).toEqual({ ...won, seq: expect.any(Number) });
    });

    it('gives up on a transaction that conflicts every time, with WriteConflictError', async () => {
      const d = await createDirectory();
      const users: NewUser[] = [];
      const error = await rejection(
        f.store.write(async (q) => {
          const user = newUser(d, { userName: `try-${users.length}` });
          users.push(user);
          await q.users.insert(user);
          throw new WriteConflictError();
        }),
      );
      expect(error).toBeInstanceOf(WriteConflictError);
      expect(users.length).toBeGreaterThan(1);
      expect(await f.store.read((q) => q.directories.counts(d))).toEqual({ users: 0, groups: 0 });
    });

    it('does not run again after any other error', async () => {
      let attempts = 0;
      const error = await rejection(
        f.store.write(async () => {
          attempts++;
          throw new TypeError('not a conflict');
        }),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(attempts).toBe(1);
    });

    it('sees its own writes inside the transaction', async () => {
      const d = await createDirectory();
      const group = await createGroup(d, 'Eng');
      const user = newUser(d, { userName: 'ann', displayName: 'Ann' });
      const seen = await f.store.write(async (q) => {
        await q.users.insert(user);
        await q.members.add(d, group.id, [{ memberId: user.id, memberType: 'User', display: null }]);
        await q.groups.touch([group.id], 1, at(5));
        return {
          user: await q.users.get(d, user.id),
          count: await q.users.count({ directoryId: d, type: userResourceType }),
          members: await q.members.page(group.id, 0, 10),
          group: await q.groups.lock(d, group.id),
          withGroups: await q.users.getWithGroups(d, user.id),
        };
      });
      expect(seen.user).toEqual({ ...user, seq: expect.any(Number) });
      expect(seen.count).toBe(1);
      expect(seen.members).toEqual([{ seq: expect.any(Number), memberId: user.id, memberType: 'User', display: 'Ann' }]);
      expect(seen.group).toEqual({ ...group, memberCount: 1, version: 2, updatedAt: at(5) });
      expect(seen.withGroups).toEqual({ user: seen.user, groups: [{ id: group.id, displayName: 'Eng' }] });
    });
  });
}
