import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeEachEngine, createTestDatabase } from '../helpers/engines.ts';
import { freePort, runCli, spawnServer, type ServerProcess } from '../helpers/spawn-roster.ts';
import { patchOp, userBody } from '../helpers/start-roster.ts';
import { deliveryProblems, eventually, startReceiver } from '../helpers/webhook-receiver.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// `roster serve` runs the delivery worker in a thread with its own store connection: on SQLite the
// server's writes and the worker's take turns at the one write lock. ROSTER_RUN_SOURCES=1 runs the
// TypeScript sources, the thread's entry included (loaded through tsx inside the thread).
describeEachEngine('the delivery worker in its thread of roster serve', (engine) => {
  it('SCIM writes made while deliveries are written all succeed, every event arrives in order, and SIGTERM stops the thread cleanly', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-thread-'));
    dirs.push(dataDir);
    const database = engine === 'postgres' ? await createTestDatabase() : undefined;
    const env: Record<string, string> = {
      ROSTER_DATA_DIR: dataDir,
      ROSTER_RUN_SOURCES: '1',
      ROSTER_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      ROSTER_WEBHOOK_POLL_MS: '20',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const receiver = await startReceiver();
    let server: ServerProcess | undefined;
    try {
      server = await spawnServer({ ...env, PORT: String(await freePort()) });
      const directory = JSON.parse(runCli(['directory', 'create', '--name', 'thread', '--json'], env).stdout);
      const feed = () => runCli(['events', '--directory', directory.id, '--limit', '1000', '--json'], env).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; resourceId: string; type: string });
      // The endpoint owes the events after its creation.
      const before = new Set(feed().map((e) => e.id));
      const hook = JSON.parse(runCli(['webhook', 'create', '--url', receiver.url, '--directory', directory.id, '--json'], env).stdout);
      receiver.setSecret(hook.secret);
      const base = `${server.origin}/scim/v2/${directory.id}`;
      const headers = { authorization: `Bearer ${directory.token}`, 'content-type': 'application/scim+json' };

      // 8 clients, each creating users and deactivating every one it created: 2 events per user.
      const statuses: number[] = [];
      const client = async (c: number) => {
        for (let i = 0; i < 25; i++) {
          const created = await fetch(`${base}/Users`, { method: 'POST', headers, body: JSON.stringify(userBody(`t${c}-${i}@example.com`)) });
          statuses.push(created.status);
          const { id } = (await created.json()) as { id: string };
          const patched = await fetch(`${base}/Users/${id}`, { method: 'PATCH', headers, body: JSON.stringify(patchOp({ op: 'replace', path: 'active', value: false })) });
          statuses.push(patched.status);
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
      expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);

      const expected = feed().filter((e) => !before.has(e.id));
      expect(expected.filter((e) => e.type === 'user.created')).toHaveLength(200);
      await eventually(() => expected.every((e) => receiver.acknowledged().has(e.id)), 'every event of the directory delivered', 1200);
      expect(deliveryProblems(receiver.received, expected)).toEqual([]);

      // The thread's attempts reach the server's /metrics (the thread relays them; its own registry
      // is never scraped), and the outbox lag falls back to 0 once nothing is owed.
      const metric = async (name: string) => {
        const text = await (await fetch(`${server!.origin}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })).text();
        return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      };
      const adminKey = JSON.parse(runCli(['admin-key', 'create', '--json'], env).stdout).key as string;
      let attempts = 0;
      await eventually(async () => (attempts = await metric('roster_webhook_attempts_total\\{result="delivered"\\}')) >= expected.length, 'the delivered attempts on /metrics', 200);
      expect(attempts).toBeGreaterThanOrEqual(expected.length);
      await eventually(async () => (await metric('roster_outbox_lag_seconds')) === 0, 'the outbox lag back to 0 on /metrics', 200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).not.toMatch(/delivery worker thread (failed|exited|did not stop)/);
    } finally {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await receiver.close();
      await database?.drop();
    }
  }, 180_000);
});
