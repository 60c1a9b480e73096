import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';
import { freePort, runCli, spawnServer, type ServerProcess } from '../helpers/spawn-roster.ts';
import { userBody } from '../helpers/start-roster.ts';

const available = ENGINES.includes('postgres') && postgresBinDir() !== undefined;

describe.skipIf(!available)(`PostgreSQL restarting under load${available ? '' : ' [skipped: no PostgreSQL server binaries or DATABASES excludes postgres]'}`, () => {
  let pgServer: PrivatePostgres;
  let node: ServerProcess;
  let directory: { id: string; token: string };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-restart-'));

  beforeAll(async () => {
    pgServer = await startPrivatePostgres();
    const env = { DATABASE_URL: pgServer.url, ROSTER_DATA_DIR: dataDir, PORT: String(await freePort()), ROSTER_PG_CONNECT_TIMEOUT_MS: '1000' };
    node = await spawnServer(env);
    directory = JSON.parse(runCli(['directory', 'create', '--name', 'restart', '--json'], env).stdout);
  });

  afterAll(async () => {
    node?.child.kill('SIGTERM');
    await node?.exited;
    pgServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails requests in flight with 503 and Retry-After, reconnects by itself, and loses no acknowledged write', async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let unavailableBody: { schemas?: string[]; status?: string } | undefined;
    let retryAfter: string | null = null;
    let next = 0;
    const total = 400;
    // Eight clients create users until `total` have been attempted; PostgreSQL restarts meanwhile.
    const client = async () => {
      for (let i = next++; i < total; i = next++) {
        const res = await fetch(`${node.origin}/scim/v2/${directory.id}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${directory.token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify(userBody(`restart${i}@example.com`)),
        }).catch((error) => {
          throw new Error(`request failed (server exit code ${node.child.exitCode}):\n${node.output().slice(-4000)}`, { cause: error });
        });
        const body = await res.json();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(body.id);
        if (res.status === 503 && !unavailableBody) {
          unavailableBody = body;
          retryAfter = res.headers.get('retry-after');
        }
        if (res.status === 503) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, client));
    await new Promise((r) => setTimeout(r, 300));
    await pgServer.restart(1500);
    await load;

    expect([...statuses.keys()].every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(unavailableBody?.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(unavailableBody?.status).toBe('503');
    expect(retryAfter).not.toBeNull();

    // Reconnected: a new write succeeds, and every acknowledged user is there.
    const after = await fetch(`${node.origin}/scim/v2/${directory.id}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${directory.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(userBody('after.restart@example.com')),
    });
    expect(after.status).toBe(201);
    const stored = new Set<string>();
    for (let start = 1; ; start += 1000) {
      const page = await (await fetch(`${node.origin}/scim/v2/${directory.id}/Users?attributes=id&count=1000&startIndex=${start}`, { headers: { authorization: `Bearer ${directory.token}` } })).json();
      for (const u of page.Resources) stored.add(u.id);
      if (start + 1000 > page.totalResults) break;
    }
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });
});
