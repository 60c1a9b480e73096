import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../helpers/engines.ts';
import { freePort, runCli, spawnServer, type ServerProcess } from '../helpers/spawn-roster.ts';
import { userBody } from '../helpers/start-roster.ts';
import { eventually, startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const available = ENGINES.includes('postgres') && inject('pgTemplate') !== '';

describe.skipIf(!available)(`two Roster nodes delivering webhooks from one PostgreSQL${available ? '' : ` [skipped: ${inject('pgSkipReason')}]`}`, () => {
  let nodes: ServerProcess[] = [];
  let drop: () => Promise<void>;
  let receiver: Receiver;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-nodes-hooks-'));
  let env: Record<string, string>;
  /** The first attempt at every third event is answered 500, so retries are part of the schedule. */
  const firstAnswer = new Map<string, number>();

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    let n = 0;
    receiver = await startReceiver({
      delayMs: () => Math.floor(Math.random() * 15),
      answer: (id) => {
        if (!firstAnswer.has(id)) firstAnswer.set(id, n++ % 3 === 0 ? 500 : 200);
        return firstAnswer.get(id) === 500 && receiverSaw(id) === 0 ? 500 : 200; // called before this request is recorded
      },
    });
    env = {
      DATABASE_URL: db.url,
      ROSTER_DATA_DIR: dataDir,
      ROSTER_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      ROSTER_WEBHOOK_BACKOFF_BASE_MS: '20',
      ROSTER_WEBHOOK_BACKOFF_MAX_MS: '100',
      ROSTER_WEBHOOK_POLL_MS: '5',
      ROSTER_WEBHOOK_CONCURRENCY: '8',
    };
    nodes = await Promise.all([spawnServer({ ...env, PORT: String(await freePort()) }), spawnServer({ ...env, PORT: String(await freePort()) })]);
  });
  const receiverSaw = (id: string) => receiver.received.filter((r) => r.id === id).length;

  afterAll(async () => {
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await n.exited;
    }
    await receiver?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('each event is sent once per attempt of its schedule, never by both nodes at once', async () => {
    const directory = JSON.parse(runCli(['directory', 'create', '--name', 'two nodes', '--json'], env).stdout);
    const hook = JSON.parse(runCli(['webhook', 'create', '--url', receiver.url, '--directory', directory.id, '--event-types', 'user.created', '--json'], env).stdout);
    receiver.setSecret(hook.secret);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, c) => {
        for (let i = 0; i < 25; i++) {
          const node = nodes[(c + i) % 2]!;
          const res = await fetch(`${node.origin}/scim/v2/${directory.id}/Users`, {
            method: 'POST',
            headers: { authorization: `Bearer ${directory.token}`, 'content-type': 'application/scim+json' },
            body: JSON.stringify(userBody(`n${c}.${i}@example.com`)),
          });
          expect(res.status).toBe(201);
          ids.push(((await res.json()) as { id: string }).id);
        }
      }),
    );
    await eventually(() => ids.every((id) => [...receiver.acknowledged().values()].some((r) => r.resourceId === id)), 'every event acknowledged');
    expect(receiver.overlaps).toEqual([]);
    const byEvent = new Map<string, number>();
    for (const r of receiver.received) byEvent.set(r.id, (byEvent.get(r.id) ?? 0) + 1);
    expect(byEvent.size).toBe(150);
    // A 500 on the first attempt means exactly one retry; anything else was sent exactly once.
    for (const [id, count] of byEvent) expect(count, id).toBe(firstAnswer.get(id) === 500 ? 2 : 1);
    expect([...firstAnswer.values()].filter((a) => a === 500).length).toBe(50);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
  });
});
