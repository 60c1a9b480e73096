import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../helpers/engines.ts';
import { freePort, runCli, spawnServer, type ServerProcess } from '../helpers/spawn-roster.ts';
import { groupBody, patchOp, userBody } from '../helpers/start-roster.ts';
import { inject } from 'vitest';

const available = ENGINES.includes('postgres') && inject('pgTemplate') !== '';

async function call(origin: string, directoryId: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${origin}/scim/v2/${directoryId}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(!available)(`two Roster nodes on one PostgreSQL${available ? '' : ` [skipped: ${inject('pgSkipReason')}]`}`, () => {
  let nodes: ServerProcess[] = [];
  let drop: () => Promise<void>;
  let directory: { id: string; token: string };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-nodes-'));

  beforeAll(async () => {
    const db = await createTestDatabase({ empty: true });
    drop = db.drop;
    const env = { DATABASE_URL: db.url, ROSTER_DATA_DIR: dataDir };
    // Both nodes start at once on an empty database: each migration must be applied exactly once.
    nodes = await Promise.all([spawnServer({ ...env, PORT: String(await freePort()) }), spawnServer({ ...env, PORT: String(await freePort()) })]);
    directory = JSON.parse(runCli(['directory', 'create', '--name', 'nodes', '--idp', 'okta', '--json'], env).stdout);
  });

  afterAll(async () => {
    for (const n of nodes) {
      n.child.kill('SIGTERM');
      await n.exited;
    }
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const on = (i: number, method: string, p: string, body?: unknown) => call(nodes[i % 2]!.origin, directory.id, directory.token, method, p, body);

  it('serves every write through either node, and both read the same result', async () => {
    const created = await Promise.all(Array.from({ length: 60 }, (_, i) => on(i, 'POST', '/Users', userBody(`node.user${i}@example.com`))));
    expect(created.map((r) => r.status)).toEqual(Array(60).fill(201));
    const ids = created.map((r) => r.body.id as string);

    const group = await on(0, 'POST', '/Groups', groupBody('Spread'));
    // 20 concurrent PATCHes, alternating nodes, each adding 3 different members: none may be lost.
    const patches = await Promise.all(
      Array.from({ length: 20 }, (_, i) => on(i, 'PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: ids.slice(i * 3, i * 3 + 3).map((value) => ({ value })) }))),
    );
    expect(patches.map((r) => r.status)).toEqual(Array(20).fill(204));

    for (const i of [0, 1]) {
      const read = await on(i, 'GET', `/Groups/${group.body.id}`);
      expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
      const list = await on(i, 'GET', '/Users?count=100');
      expect(list.body.totalResults).toBe(60);
    }
  });

  it('parallel creates of one userName through both nodes give one 201 and 409s', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => on(i, 'POST', '/Users', userBody(i % 2 ? 'Race@Example.com' : 'race@example.com'))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    expect(results.find((r) => r.status === 409)!.body.scimType).toBe('uniqueness');
  });

  it('ETag checks are atomic across nodes: one of two writes with the same If-Match wins', async () => {
    const user = await on(0, 'POST', '/Users', userBody('etag.race@example.com'));
    const version = user.body.meta.version as string;
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${nodes[i % 2]!.origin}/scim/v2/${directory.id}/Users/${user.body.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${directory.token}`, 'content-type': 'application/scim+json', 'if-match': version },
          body: JSON.stringify(patchOp({ op: 'replace', path: 'displayName', value: `writer ${i}` })),
        }).then((r) => r.status),
      ),
    );
    expect(attempts.filter((s) => s === 200)).toHaveLength(1);
    expect(attempts.filter((s) => s === 412)).toHaveLength(7);
  });
});
