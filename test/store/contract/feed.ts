import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewEvent, WebhookRecord } from '../../../src/store/records.ts';
import { type Fixtures, at, rejection } from './fixtures.ts';

export function feedContract(f: Fixtures): void {
  const { createDirectory } = f;
  describe('feed, webhooks and deliveries', () => {
    function feedEvent(directoryId: string | null, overrides: Partial<NewEvent> = {}): NewEvent {
      return { id: randomUUID(), type: 'user.created', schemaVersion: 1, at: at(1), directoryId, resourceType: 'User', resourceId: randomUUID(), data: { userName: 'ann' }, changed: null, ...overrides };
    }
    /** Appends events and positions every event committed so far; returns the feed entries of these. */
    async function appendAndPosition(...events: NewEvent[]) {
      for (const e of events) await f.store.write((q) => q.events.append(e));
      while ((await f.store.write((q) => q.feed.assignPositions(1000))) > 0);
      const { head } = await f.store.read((q) => q.feed.state());
      const all = await f.store.read((q) => q.feed.page({ after: 0, through: head, limit: 1_000_000 }));
      return events.map((e) => all.find((x) => x.id === e.id)!);
    }
    function webhookRecord(overrides: Partial<WebhookRecord> = {}): WebhookRecord {
      return { id: randomUUID(), url: 'http://127.0.0.1:9/hook', secretEncrypted: 'v1.a.b.c', eventTypes: null, directoryId: null, description: null, enabled: true, cursor: 0, createdAt: at(0), updatedAt: at(0), ...overrides };
    }

    it('positions committed events in seq order, and pages them by position with filters', async () => {
      const d = await createDirectory();
      await appendAndPosition(); // what earlier tests appended
      expect(await f.store.read((q) => q.feed.hasUnpositioned())).toBe(false);
      const events = [feedEvent(d), feedEvent(d, { type: 'user.updated', changed: ['active'], data: { active: false } }), feedEvent(null, { type: 'admin_key.created', resourceType: 'AdminKey' }), feedEvent(d)];
      await f.store.write((q) => q.events.append(events[0]!));
      // SQLite has one writer, so an event takes its position as it is inserted (migration 014);
      // PostgreSQL's waits for the sequencer.
      expect(await f.store.read((q) => q.feed.hasUnpositioned())).toBe(f.store.engine === 'postgres');
      if (f.store.engine === 'sqlite') expect((await f.store.read((q) => q.feed.page({ after: 0, through: Number.MAX_SAFE_INTEGER, limit: 1_000_000 }))).at(-1)!.id).toBe(events[0]!.id);
      const positioned = await appendAndPosition(...events.slice(1));
      const [first] = await f.store.read((q) => q.feed.page({ after: 0, through: Number.MAX_SAFE_INTEGER, limit: 1, directoryId: d }));
      const positions = [first!.position, ...positioned.map((e) => e.position)];
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(4);
      const { head } = await f.store.read((q) => q.feed.state());
      expect(head).toBe(positions[3]);
      const page = await f.store.read((q) => q.feed.page({ after: positions[0]!, through: head, limit: 10, directoryId: d }));
      // data and changed come back as the JSON text that was stored, for the feed to splice unparsed.
      expect(page).toEqual(
        [events[1]!, events[3]!].map(({ data, changed, ...e }, i) => ({ ...e, dataJson: JSON.stringify(data), changedJson: changed === null ? null : JSON.stringify(changed), position: [positions[1], positions[3]][i] })),
      );
      const typed = await f.store.read((q) => q.feed.page({ after: positions[0]! - 1, through: head, limit: 10, types: ['admin_key.created', 'user.updated'] }));
      expect(typed.map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
      expect(await f.store.read((q) => q.feed.page({ after: positions[0]! - 1, through: positions[1]!, limit: 10 }))).toHaveLength(2);
      expect(await f.store.read((q) => q.feed.page({ after: positions[2]!, through: head, limit: 10 }))).toMatchObject([{ position: positions[3], id: events[3]!.id, type: 'user.created', directoryId: d, resourceType: 'User', resourceId: events[3]!.resourceId }]);
      expect(await f.store.read((q) => q.feed.hasUnpositioned())).toBe(false);
    });

    it('an event rolled back never gets a position; the next one takes the next position', async () => {
      const d = await createDirectory();
      const [before] = await appendAndPosition(feedEvent(d));
      await rejection(f.store.write(async (q) => (await q.events.append(feedEvent(d)), Promise.reject(new Error('boom')))));
      const [after] = await appendAndPosition(feedEvent(d));
      expect(after!.position).toBe(before!.position + 1);
    });

    it('prunes the oldest events up to the first young one, keeping those a delivery still needs', async () => {
      const d = await createDirectory();
      // Older than everything the other tests wrote (at(1)), so the prefix is these.
      const [old1, old2, old3, young] = await appendAndPosition(feedEvent(d, { at: at(-30) }), feedEvent(d, { at: at(-20) }), feedEvent(d, { at: at(-10) }), feedEvent(d, { at: at(500) }));
      const hook = webhookRecord({ directoryId: d, cursor: young!.position });
      await f.store.write((q) => q.webhooks.insert(hook));
      const { prunedThrough: before } = await f.store.read((q) => q.feed.state());
      // An enabled endpoint whose lane has not passed an event keeps it: it has no delivery row yet.
      const behind = webhookRecord({ cursor: before });
      await f.store.write((q) => q.webhooks.insert(behind));
      expect(await f.store.write((q) => q.feed.prune(at(400), 100_000))).toBe(0);
      await f.store.write((q) => q.webhooks.update(behind.id, { enabled: false }));
      await f.store.write((q) => q.deliveries.insertMany([{ id: randomUUID(), webhookId: hook.id, position: old2!.position, eventId: old2!.id, resourceKey: 'User:x', nextAttemptAt: 0, createdAt: at(0) }]));
      // Everything the tests before this one appended is at(3) or earlier: the cutoff at(400) takes it
      // all, and stops at `young`.
      const deleted = await f.store.write((q) => q.feed.prune(at(400), 100_000));
      expect(deleted).toBeGreaterThanOrEqual(2);
      const { prunedThrough } = await f.store.read((q) => q.feed.state());
      expect(prunedThrough).toBeGreaterThanOrEqual(old3!.position);
      expect(prunedThrough).toBeLessThan(young!.position);
      expect(before).toBeLessThan(prunedThrough);
      const left = await f.store.read((q) => q.feed.page({ after: 0, through: Number.MAX_SAFE_INTEGER, limit: 100, directoryId: d }));
      expect(left.map((e) => e.id)).toEqual([old2!.id, young!.id]);
      expect(left.map((e) => e.id)).not.toContain(old1!.id);
    });

    it('stores webhooks, updates what changed, leases their lanes, and deletes with their deliveries', async () => {
      const hook = webhookRecord({ eventTypes: ['user.created', 'group.deleted'], description: 'CRM' });
      await f.store.write((q) => q.webhooks.insert(hook));
      expect(await f.store.read((q) => q.webhooks.get(hook.id))).toEqual(hook);
      expect(await f.store.write((q) => q.webhooks.update(hook.id, { enabled: false, eventTypes: null, url: 'https://example.com/h', updatedAt: at(9) }))).toBe(true);
      expect(await f.store.read((q) => q.webhooks.get(hook.id))).toEqual({ ...hook, enabled: false, eventTypes: null, url: 'https://example.com/h', updatedAt: at(9) });
      expect(await f.store.write((q) => q.webhooks.update(randomUUID(), { enabled: true }))).toBe(false);
      expect((await f.store.read((q) => q.webhooks.list())).map((h) => h.id)).toContain(hook.id);
      const behind = webhookRecord({ cursor: 0 });
      await f.store.write((q) => q.webhooks.insert(behind));
      // A lane is one holder's while its lease runs; it moves only from where that holder has it.
      expect(await f.store.write((q) => q.webhooks.takeLane(hook.id, 'a', 1000, 2000))).toBeUndefined(); // disabled
      expect(await f.store.write((q) => q.webhooks.takeLane(behind.id, 'a', 1000, 2000))).toBe(0);
      expect(await f.store.write((q) => q.webhooks.takeLane(behind.id, 'b', 1500, 2500))).toBeUndefined();
      expect(await f.store.write((q) => q.webhooks.moveLane(behind.id, 'a', 0, 5, 3000))).toBe(true);
      expect(await f.store.write((q) => q.webhooks.moveLane(behind.id, 'a', 0, 7, 3000))).toBe(false); // not from where it is
      expect(await f.store.write((q) => q.webhooks.moveLane(behind.id, 'b', 5, 7, 3000))).toBe(false); // not b's
      expect(await f.store.write((q) => q.webhooks.takeLane(behind.id, 'b', 3000, 4000))).toBe(5); // a's lease ran out
      expect(await f.store.write((q) => q.webhooks.moveLane(behind.id, 'a', 5, 7, 5000))).toBe(false);
      expect((await f.store.read((q) => q.webhooks.get(behind.id)))!.cursor).toBe(5);
      await f.store.write((q) => q.deliveries.insertMany([{ id: randomUUID(), webhookId: behind.id, position: 1, eventId: 'e', resourceKey: 'k', nextAttemptAt: 0, createdAt: at(0) }]));
      expect(await f.store.write((q) => q.webhooks.delete(behind.id))).toBe(true);
      expect(await f.store.read((q) => q.deliveries.list(behind.id, { limit: 10 }))).toEqual([]);
      expect(await f.store.write((q) => q.webhooks.delete(behind.id))).toBe(false);
    });

    it('claims due deliveries in feed order, one per resource at a time, and records outcomes of the current attempt only', async () => {
      const d = await createDirectory();
      const hook = webhookRecord({ directoryId: d });
      await f.store.write((q) => q.webhooks.insert(hook));
      const events = await appendAndPosition(feedEvent(d, { resourceId: 'r1' }), feedEvent(d, { resourceId: 'r2' }), feedEvent(d, { resourceId: 'r1' }), feedEvent(d, { resourceId: 'r3' }));
      const delivery = (e: (typeof events)[number], nextAttemptAt = 100) => ({ id: randomUUID(), webhookId: hook.id, position: e.position, eventId: e.id, resourceKey: `User:${e.resourceId}`, nextAttemptAt, createdAt: at(0) });
      const rows = [delivery(events[0]!), delivery(events[1]!), delivery(events[2]!), delivery(events[3]!, 5000)];
      await f.store.write((q) => q.deliveries.insertMany(rows));
      await f.store.write((q) => q.deliveries.insertMany([{ ...rows[0]!, id: randomUUID() }])); // the same event again: ignored
      const claimed = await f.store.write((q) => q.deliveries.claim(hook.id, 1000, 10, 2000, at(2)));
      // r1's second event waits for its first; r3's is not due yet.
      expect(claimed.map((c) => c.delivery.id)).toEqual([rows[0]!.id, rows[1]!.id]);
      expect(claimed[0]!.delivery).toMatchObject({ attempts: 1, leaseUntil: 2000, status: 'pending' });
      expect(claimed[0]!.event).toMatchObject({ id: events[0]!.id, position: events[0]!.position, dataJson: JSON.stringify({ userName: 'ann' }) });
      // Leased: nobody else takes them before the lease ends.
      expect(await f.store.write((q) => q.deliveries.claim(hook.id, 1500, 10, 3000, at(2)))).toEqual([]);
      await f.store.write((q) => q.deliveries.complete([
        { id: rows[0]!.id, attempts: 1, status: 'delivered', nextAttemptAt: 1500, lastStatus: 200, lastError: null, at: at(3) },
        { id: rows[1]!.id, attempts: 7, status: 'delivered', nextAttemptAt: 1500, lastStatus: 200, lastError: null, at: at(3) },
      ]));
      expect(await f.store.read((q) => q.deliveries.get(rows[0]!.id))).toMatchObject({ status: 'delivered', leaseUntil: null, lastStatus: 200 });
      expect(await f.store.read((q) => q.deliveries.get(rows[1]!.id))).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: 2000 });
      const next = await f.store.write((q) => q.deliveries.claim(hook.id, 2500, 10, 9000, at(4)));
      expect(next.map((c) => c.delivery.id)).toEqual([rows[1]!.id, rows[2]!.id]);
      expect(next[0]!.delivery.attempts).toBe(2);
      await f.store.write((q) => q.deliveries.complete([{ id: rows[2]!.id, attempts: 1, status: 'dead', nextAttemptAt: 2500, lastStatus: 500, lastError: 'HTTP 500', at: at(5) }]));
      expect((await f.store.read((q) => q.deliveries.list(hook.id, { status: 'dead', limit: 10 }))).map((r) => r.id)).toEqual([rows[2]!.id]);
      expect((await f.store.read((q) => q.deliveries.list(hook.id, { limit: 10 }))).map((r) => r.id)).toEqual([rows[3]!.id, rows[2]!.id, rows[1]!.id, rows[0]!.id]);
      expect(await f.store.write((q) => q.deliveries.redeliver(hook.id, undefined, 7000, at(6)))).toBe(1);
      expect(await f.store.read((q) => q.deliveries.get(rows[2]!.id))).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: 7000, leaseUntil: null, lastError: 'HTTP 500' });
      expect(await f.store.write((q) => q.deliveries.prune(at(100)))).toBeGreaterThanOrEqual(1);
      expect(await f.store.read((q) => q.deliveries.get(rows[0]!.id))).toBeUndefined();
      expect(await f.store.read((q) => q.deliveries.get(rows[2]!.id))).toBeDefined();
    });
  });
}
