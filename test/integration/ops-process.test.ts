import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer } from '../helpers/spawn-roster.ts';
import { patchOp, USER_SCHEMA } from '../helpers/start-roster.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'roster-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORDS = ['First-pa55word-d41c', 'Second-pa55word-8e0b', 'Filter-pa55word-77aa'];

async function call(url: string, init: { method?: string; authorization: string; body?: unknown }) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: init.authorization, ...(init.body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, text: await res.text() };
}

describe('a full run: CLI, server, request and audit logs, status, expiry warnings', () => {
  it('warns once of a token about to expire, and no log, API answer, CLI output or database file holds a secret', async () => {
    const env = { ROSTER_DATA_DIR: dir, LOG_LEVEL: 'debug', ROSTER_OPS_INTERVAL_MS: '200' };
    const cli = (...args: string[]) => {
      const res = runCli(args, env);
      expect(res.status, res.stderr).toBe(0);
      return res.stdout;
    };
    // What is shown once, at creation, is allowed there and nowhere else.
    const created = JSON.parse(cli('directory', 'create', '--name', 'Entra staff', '--idp', 'entra', '--json'));
    const short = JSON.parse(cli('token', 'create', created.id, '--label', 'short', '--expires-at', new Date(Date.now() + 12 * 3_600_000).toISOString(), '--json'));
    const key = JSON.parse(cli('admin-key', 'create', '--label', 'ops', '--json'));
    const server = await spawnServer(env);
    const shown: string[] = [];
    try {
      const base = `${server.origin}/scim/v2/${created.id}`;
      const bearer = `Bearer ${created.token}`;
      const basic = `Basic ${Buffer.from(`admin:${short.token}`).toString('base64')}`;
      const user = await call(`${base}/Users`, { method: 'POST', authorization: bearer, body: { schemas: [USER_SCHEMA], userName: 'ann@example.com', password: PASSWORDS[0], title: null } });
      expect(user.status).toBe(201);
      const id = JSON.parse(user.text).id;
      const patched = await call(`${base}/Users/${id}`, { method: 'PATCH', authorization: basic, body: patchOp({ op: 'Replace', path: 'password', value: PASSWORDS[1] }) });
      expect(patched.status).toBe(200);
      shown.push(user.text, patched.text);
      shown.push((await call(`${base}/Users?filter=${encodeURIComponent(`password eq "${PASSWORDS[2]}"`)}`, { authorization: bearer })).text);
      shown.push((await call(`${base}/Users`, { authorization: 'Bearer rst_guessed' })).text);

      const admin = { authorization: `Bearer ${key.key}` };
      const rotated = await call(`${server.origin}/api/v1/tokens/${short.id}/rotate`, { method: 'POST', ...admin, body: { graceSeconds: 60 } });
      expect(rotated.status).toBe(201);
      const newToken = JSON.parse(rotated.text).token;
      // Past the request log's batch interval: the CLI reads the database, not the server's buffer.
      await new Promise((r) => setTimeout(r, 600));
      for (const p of [`/directories/${created.id}/requests`, `/directories/${created.id}/status`, '/audit', `/directories/${created.id}/tokens`]) {
        const res = await call(`${server.origin}/api/v1${p}`, admin);
        expect(res.status, p).toBe(200);
        shown.push(res.text);
      }
      const metrics = await call(`${server.origin}/metrics`, admin);
      expect(metrics.status).toBe(200);
      shown.push(metrics.text);

      const requests = JSON.parse(cli('requests', created.id, '--json'));
      expect(requests.map((r: { method: string; status: number }) => `${r.method} ${r.status}`)).toEqual(['GET 401', 'GET 400', 'PATCH 200', 'POST 201']);
      expect(requests[1].query).toBe('filter=password eq "…"');
      expect(requests[2].rewrites.map((w: { quirk: string }) => w.quirk)).toEqual(['entra-capitalized-op']);
      shown.push(JSON.stringify(requests), cli('requests', created.id, '--status', 'error'));
      const audit = JSON.parse(cli('audit', '--json'));
      expect(audit.map((e: { action: string; actor: { type: string } }) => `${e.actor.type} ${e.action}`)).toEqual(['admin_key token.rotate', 'cli admin_key.create', 'cli token.create', 'cli directory.create']);
      expect(audit[0].actor).toMatchObject({ id: key.id, address: '127.0.0.1' });
      shown.push(JSON.stringify(audit), cli('audit'));
      const status = JSON.parse(cli('directory', 'status', created.id, '--json'));
      expect(status).toMatchObject({ synced: { users: 1, groups: 0, memberships: 0 }, lastHour: { requests: 4, errors: 2 } });
      shown.push(JSON.stringify(status), cli('directory', 'status', created.id));

      // The periodic check ran at start and every 200 ms since: one warning, one log line.
      const warning = 'SCIM token expires within 1 day; rotate it';
      expect(server.output()).toContain(warning);
      expect(server.output().split(warning).length - 1).toBe(1);
      const events = status.tokens.find((t: { id: string }) => t.id === short.id);
      expect(events).toMatchObject({ label: 'short', state: 'expiring' });

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const secrets = [created.token, short.token, key.key, newToken, ...PASSWORDS];
      const files = readdirSync(dir).filter((f) => f.startsWith('roster.db'));
      expect(files.length).toBeGreaterThan(0);
      const haystacks = { serverLog: server.output(), shown: shown.join('\n'), ...Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f)).toString('latin1')])) };
      for (const [where, text] of Object.entries(haystacks)) {
        for (const secret of secrets) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
      }
      expect(server.output()).toContain('[redacted]');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });
});
