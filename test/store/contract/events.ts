import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventRecord, NewEvent } from '../../../src/store/records.ts';
import { type Fixtures, at } from './fixtures.ts';

export function eventsContract(f: Fixtures): void {
  const { createDirectory } = f;
  describe('events', () => {
    function newEvent(directoryId: string | null, overrides: Partial<NewEvent> = {}): NewEvent {
      return {
        id: randomUUID(),
        type: 'user.created',
        schemaVersion: 1,
        at: at(1),
        directoryId,
        resourceType: 'User',
        resourceId: randomUUID(),
        data: { userName: 'ann' },
        changed: null,
        ...overrides,
      };
    }

    async function append(...events: NewEvent[]): Promise<void> {
      for (const e of events) await f.store.write((q) => q.events.append(e));
    }

    it('lists appended events in order, with data and changed round-tripped', async () => {
      const d = await createDirectory();
      const created = newEvent(d, { data: { userName: 'ann', nested: { n: 1.5, flags: [true, false, null], text: 'Zoë ✓ "quoted"' } } });
      const updated = newEvent(d, { type: 'user.updated', schemaVersion: 2, at: at(2), data: { active: false }, changed: ['active', 'name.givenName'] });
      const removed = newEvent(d, { type: 'user.deleted', at: at(3), data: null, changed: [] });
      await append(created, updated, removed);
      const listed = await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }));
      expect(listed).toEqual([created, updated, removed].map((e) => ({ ...e, seq: expect.any(Number) })));
      const seqs = listed.map((e) => e.seq);
      expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
    });

    it('appends many in one call, in order, round-tripped (more than one statement’s worth)', async () => {
      const d = await createDirectory();
      const events = Array.from({ length: 230 }, (_, i) => newEvent(d, { type: i % 2 ? 'user.updated' : 'user.created', data: { i }, changed: i % 2 ? ['active'] : null }));
      await f.store.write((q) => q.events.appendMany(events));
      await f.store.write((q) => q.events.appendMany([]));
      const listed = await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 1000, directoryId: d }));
      expect(listed).toEqual(events.map((e) => ({ ...e, seq: expect.any(Number) })));
      expect(listed.every((e, i) => i === 0 || e.seq > listed[i - 1]!.seq)).toBe(true);
    });

    it('a write’s events, appended at several moments, are inserted in that order when it ends; a write that fails leaves none beside one that succeeds', async () => {
      const d = await createDirectory();
      const first = [newEvent(d, { data: { i: 1 } }), newEvent(d, { data: { i: 2 } })];
      const later = newEvent(d, { type: 'user.updated', data: { i: 3 } });
      const doomed = newEvent(d, { data: { doomed: true } });
      const other = newEvent(d, { data: { i: 4 } });
      // Started together, so SQLite's group commit runs them in one transaction, each in its savepoint.
      const results = await Promise.allSettled([
        f.store.write(async (q) => {
          await q.events.appendMany(first);
          await q.users.get(d, randomUUID());
          await q.events.append(later);
        }),
        f.store.write(async (q) => {
          await q.events.append(doomed);
          throw new Error('boom');
        }),
        f.store.write((q) => q.events.append(other)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const listed = await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }));
      // PostgreSQL runs the writes side by side: the third may land anywhere among the first's.
      const order = listed.map((e) => (e.data as { i: number }).i);
      expect([...order].sort()).toEqual([1, 2, 3, 4]);
      expect(order.filter((i) => i !== 4)).toEqual([1, 2, 3]);
    });

    it('pages after a seq with a limit', async () => {
      const d = await createDirectory();
      const events = [newEvent(d), newEvent(d), newEvent(d), newEvent(d)];
      await append(...events);
      const all = await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }));
      const page = await f.store.read((q) => q.events.list({ afterSeq: all[0]!.seq, limit: 2, directoryId: d }));
      expect(page.map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
      expect(await f.store.read((q) => q.events.list({ afterSeq: all[3]!.seq, limit: 2, directoryId: d }))).toEqual([]);
    });

    it('filters by directory, and lists every directory without one', async () => {
      const d = await createDirectory();
      const other = await createDirectory();
      const mine = newEvent(d);
      await append(mine);
      const [first] = await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 1, directoryId: d }));
      const theirs = newEvent(other);
      const orgWide = newEvent(null, { type: 'directory.created', resourceType: 'Directory', resourceId: other });
      const mineAgain = newEvent(d);
      await append(theirs, orgWide, mineAgain);
      expect((await f.store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }))).map((e) => e.id)).toEqual([mine.id, mineAgain.id]);
      // Tests in one file run one after another, so nothing else was appended since `first`.
      const since = await f.store.read((q) => q.events.list({ afterSeq: first!.seq, limit: 100 }));
      expect(since).toEqual([theirs, orgWide, mineAgain].map((e) => ({ ...e, seq: expect.any(Number) })));
      expect((since[1] as EventRecord).directoryId).toBeNull();
    });
  });
}
