import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine } from '../helpers/engines.ts';
import { freePort, runCli, spawnServer, type ServerProcess } from '../helpers/spawn-roster.ts';
import { userBody } from '../helpers/start-roster.ts';
import { eventually, startReceiver } from '../helpers/webhook-receiver.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function post(base: string, token: string, body: unknown) {
  const res = await fetch(`${base}/Users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { id: string } };
}

describeEachEngine('kill -9 during provisioning and during deliveries', (engine) => {
  it('after a restart every acknowledged SCIM write has its event, and each event is delivered', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-crash-'));
    dirs.push(dataDir);
    const database = engine === 'postgres' ? await createTestDatabase() : undefined;
    const env: Record<string, string> = {
      ROSTER_DATA_DIR: dataDir,
      ROSTER_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      ROSTER_WEBHOOK_TIMEOUT_MS: '500',
      ROSTER_WEBHOOK_BACKOFF_BASE_MS: '20',
      ROSTER_WEBHOOK_BACKOFF_MAX_MS: '200',
      ROSTER_WEBHOOK_POLL_MS: '20',
      ROSTER_WEBHOOK_CONCURRENCY: '4',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    let delay = 0;
    const receiver = await startReceiver({ delayMs: () => delay });
    let server: ServerProcess | undefined;
    try {
      const start = async () => (server = await spawnServer({ ...env, PORT: String(await freePort()) }));
      await start();
      const directory = JSON.parse(runCli(['directory', 'create', '--name', 'crash', '--json'], env).stdout);
      const hook = JSON.parse(runCli(['webhook', 'create', '--url', receiver.url, '--directory', directory.id, '--event-types', 'user.created', '--json'], env).stdout);
      receiver.setSecret(hook.secret);
      const base = () => `${server!.origin}/scim/v2/${directory.id}`;

      // 1. A burst of creates from 8 clients; the process is killed once 40 are acknowledged.
      const acknowledged: string[] = [];
      let n = 0;
      const client = async () => {
        for (let i = 0; i < 100; i++) {
          try {
            const res = await post(base(), directory.token, userBody(`burst${n++}@example.com`));
            if (res.status === 201) acknowledged.push(res.body.id);
          } catch {
            return; // the process is gone
          }
          if (acknowledged.length >= 40 && server!.child.exitCode === null) server!.child.kill('SIGKILL');
        }
      };
      await Promise.all(Array.from({ length: 8 }, client));
      await server!.exited;
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);

      await start();
      await eventually(() => acknowledged.every((id) => [...receiver.acknowledged().values()].some((r) => r.resourceId === id)), 'every acknowledged user delivered after the restart', 1200);
      const feed = runCli(['events', '--directory', directory.id, '--types', 'user.created', '--limit', '1000', '--json'], env);
      const inFeed = feed.stdout.trim().split('\n').map((l) => JSON.parse(l).resourceId);
      for (const id of acknowledged) expect(inFeed).toContain(id);

      // 2. Deliveries slowed down, the process killed while they are being sent.
      delay = 30;
      const before = receiver.acknowledged().size;
      const second: string[] = [];
      for (let i = 0; i < 40; i++) second.push((await post(base(), directory.token, userBody(`second${i}@example.com`))).body.id);
      await eventually(() => receiver.acknowledged().size >= before + 5, 'some deliveries of the second batch', 600, 5);
      server!.child.kill('SIGKILL');
      await server!.exited;
      expect(receiver.acknowledged().size).toBeLessThan(before + 40);
      delay = 0;
      await start();
      await eventually(() => second.every((id) => [...receiver.acknowledged().values()].some((r) => r.resourceId === id)), 'the rest of the second batch delivered after the restart', 1200);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    } finally {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await receiver.close();
      await database?.drop();
    }
  }, 180_000);
});
