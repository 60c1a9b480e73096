import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/store/records.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function event(directoryId: string, resourceId: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type: 'user.updated', schemaVersion: 1, at: new Date().toISOString(), directoryId, resourceType: 'User', resourceId, data, changed: ['title'] };
}

// On PostgreSQL a sequence value is taken before commit: these tests hold one transaction open while
// others commit, with a reader polling in between, and check that the feed skips nothing. SQLite has
// one writer (a transaction held open holds every other), so only PostgreSQL can interleave.
describeEachEngine('event feed order under interleaved transactions', (engine) => {
  let roster: RosterUnderTest;
  let directoryId: string;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
    directoryId = (await roster.services.directories.create({ name: 'order', idp: 'generic' })).directory.id;
  });
  afterAll(() => roster.close());

  /** The feed's end right now, as a consumer starting today stores it. */
  async function endCursor(): Promise<string> {
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const page = await roster.services.events.page({ after: cursor, limit: 1000 });
      cursor = page.nextCursor;
      if (!page.hasMore) return cursor;
    }
    throw new Error('feed did not end');
  }

  describe.skipIf(engine !== 'postgres')('PostgreSQL', () => {
    it('an event whose transaction commits after a later one is still read, after it', async () => {
      const start = await endCursor();
      const slow = event(directoryId, 'slow');
      const fast = event(directoryId, 'fast');
      let appended!: () => void;
      let release!: () => void;
      const slowAppended = new Promise<void>((r) => (appended = r));
      const gate = new Promise<void>((r) => (release = r));
      const slowTx = roster.store.write(async (q) => {
        // Inserted now, not when the write ends (EventQueries.flush): the row exists, uncommitted.
        await q.events.append(slow);
        await q.events.flush();
        appended();
        await gate;
      });
      await slowAppended;
      await roster.store.write((q) => q.events.append(fast));

      // The reader polls while the slow transaction is still open: it sees the fast event only.
      const first = await roster.services.events.page({ after: start, directoryId });
      expect(first.events.map((e) => e.id)).toEqual([fast.id]);
      release();
      await slowTx;
      const second = await roster.services.events.page({ after: first.nextCursor, directoryId });
      expect(second.events.map((e) => e.id)).toEqual([slow.id]);

      // The slow event holds the lower seq: a reader of `seq > last` would have skipped it for good.
      const bySeq = await roster.services.events.list({ directoryId, limit: 1000 });
      const seqOf = (id: string) => bySeq.find((e) => e.id === id)!.seq;
      expect(seqOf(slow.id)).toBeLessThan(seqOf(fast.id));
    });

    it('writers holding transactions open for random times, a reader polling throughout: every event once, each resource in commit order', async () => {
      const start = await endCursor();
      const resources = await Promise.all(Array.from({ length: 4 }, async (_, i) => (await roster.services.directories.create({ name: `r${i}`, idp: 'generic' })).directory.id));
      const committed: string[] = [];
      let writing = true;

      // Each transaction locks one resource row, numbers its event after the previous holder's,
      // and holds the transaction a random while before or after its append.
      async function writer(w: number): Promise<void> {
        for (let i = 0; i < 25; i++) {
          const resourceId = resources[(w + i) % resources.length]!;
          const e = await roster.store.write(async (q) => {
            await sleep(Math.random() * 4);
            await q.directories.update(resourceId, { updatedAt: new Date().toISOString() });
            const n = Number((await q.directories.get(resourceId))!.name.replace(/^r\d+$/, '0')) + 1;
            await q.directories.update(resourceId, { name: String(n) });
            const ev = event(directoryId, resourceId, { n });
            await q.events.append(ev);
            await q.events.flush();
            await sleep(Math.random() * 8);
            return ev;
          });
          committed.push(e.id);
        }
      }

      const seen: { id: string; resourceId: string; n: number }[] = [];
      async function reader(): Promise<void> {
        let cursor = start;
        // Bounded: the writers finish in well under this many polls; a final drain follows.
        for (let polls = 0; polls < 20_000; polls++) {
          const stillWriting = writing;
          const page = await roster.services.events.page({ after: cursor, limit: 7, directoryId });
          seen.push(...page.events.map((e) => ({ id: e.id, resourceId: e.resourceId, n: (e.data as { n: number }).n })));
          cursor = page.nextCursor;
          if (!stillWriting && !page.hasMore) return;
          if (!page.hasMore) await sleep(1);
        }
        throw new Error('reader did not finish');
      }

      const reading = reader();
      await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
      writing = false;
      await reading;

      expect(seen.map((s) => s.id).sort()).toEqual([...committed].sort());
      expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
      for (const r of resources) {
        const ns = seen.filter((s) => s.resourceId === r).map((s) => s.n);
        expect(ns).toEqual(ns.map((_, i) => i + 1));
      }
    });
  });

  it('on every engine: a reader polling during a burst of writes reads each event exactly once', async () => {
    const start = await endCursor();
    const ids: string[] = [];
    const writes = Array.from({ length: 60 }, async (_, i) => {
      const e = event(directoryId, `burst-${i % 5}`);
      await roster.store.write((q) => q.events.append(e));
      ids.push(e.id);
    });
    const seen: string[] = [];
    let cursor = start;
    let done = false;
    const all = Promise.all(writes).then(() => (done = true));
    for (let polls = 0; polls < 10_000; polls++) {
      const finished = done;
      const page = await roster.services.events.page({ after: cursor, limit: 5, directoryId });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      if (finished && !page.hasMore) break;
      await sleep(0);
    }
    await all;
    expect([...seen].sort()).toEqual([...ids].sort());
  });
});
