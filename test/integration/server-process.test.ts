import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, spawnServer } from '../helpers/spawn-roster.ts';
import { userBody } from '../helpers/start-roster.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-proc-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function scim(base: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('roster as a process', () => {
  it('`directory create --json` prints exactly id, name, idp, scimBaseUrl and token', async () => {
    const env = { ROSTER_DATA_DIR: dataDir(), PORT: '9123' };
    const res = runCli(['directory', 'create', '--name', 'Okta users', '--idp', 'okta', '--json'], env);
    expect(res.status).toBe(0);
    const printed = JSON.parse(res.stdout);
    expect(Object.keys(printed)).toEqual(['id', 'name', 'idp', 'scimBaseUrl', 'token']);
    expect(printed).toMatchObject({ name: 'Okta users', idp: 'okta', scimBaseUrl: `http://127.0.0.1:9123/scim/v2/${printed.id}` });
    expect(printed.token).toMatch(/^rst_/);
    const listed = JSON.parse(runCli(['directory', 'list', '--json'], env).stdout);
    expect(listed.map((d: { id: string }) => d.id)).toEqual([printed.id]);
    const bad = runCli(['directory', 'create', '--name', 'x', '--idp', 'nope'], env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/idp must be one of/);
  });

  it('refuses to start with invalid configuration and lists every problem', () => {
    const res = runCli(['serve'], { ROSTER_DATA_DIR: dataDir(), PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/PORT/);
    expect(res.stderr).toMatch(/LOG_LEVEL/);
  });

  it('an acknowledged write survives kill -9, and the CLI works beside a running server', async () => {
    const env = { ROSTER_DATA_DIR: dataDir(), PORT: String(await freePort()) };
    const server = await spawnServer(env);
    const created = JSON.parse(runCli(['directory', 'create', '--name', 'live', '--json'], env).stdout);
    const users = [];
    for (let i = 0; i < 20; i++) {
      const res = await scim(created.scimBaseUrl, created.token, 'POST', '/Users', userBody(`durable${i}@example.com`));
      expect(res.status).toBe(201);
      users.push(res.body.id);
    }
    // A backup taken while the server runs holds every acknowledged user.
    const backupDir = dataDir();
    expect(runCli(['backup', path.join(backupDir, 'roster.db')], env).status).toBe(0);
    server.child.kill('SIGKILL');
    await server.exited;
    const restored = await spawnServer({ ...env, ROSTER_DATA_DIR: backupDir, PORT: String(await freePort()) });
    const fromBackup = await scim(`${restored.origin}/scim/v2/${created.id}`, created.token, 'GET', '/Users?count=0');
    expect(fromBackup.body.totalResults).toBe(20);
    restored.child.kill('SIGTERM');
    await restored.exited;

    const again = await spawnServer(env);
    const listed = await scim(created.scimBaseUrl, created.token, 'GET', '/Users?count=100');
    expect(listed.body.totalResults).toBe(20);
    expect(listed.body.Resources.map((u: { id: string }) => u.id).sort()).toEqual(users.sort());
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('on SIGTERM, a request in flight finishes before the process exits cleanly', async () => {
    const env = { ROSTER_DATA_DIR: dataDir(), PORT: String(await freePort()) };
    const server = await spawnServer(env);
    const created = JSON.parse(runCli(['directory', 'create', '--name', 'bulk', '--json'], env).stdout);
    const operations = Array.from({ length: 400 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userBody(`bulk${i}@example.com`) }));
    const inFlight = scim(created.scimBaseUrl, created.token, 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.Operations).toHaveLength(400);
    expect(res.body.Operations.every((o: { status: string }) => o.status === '201')).toBe(true);
    expect(await server.exited).toBe(0);

    const again = await spawnServer(env);
    expect((await scim(created.scimBaseUrl, created.token, 'GET', '/Users?count=0')).body.totalResults).toBe(400);
    again.child.kill('SIGTERM');
    await again.exited;
  });
});
