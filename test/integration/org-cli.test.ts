import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupBody, startRoster, userBody, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/roster.js');

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (the commands run with --json print one JSON value). */
  readonly json: any;
}

/**
 * The organization layer's command line, each command its own `roster` process on the data directory
 * of a real server running in this process (so the server and the CLI share one SQLite file, as an
 * operator's do). Async: the server under test keeps serving while a command runs.
 */
describe('roster domain | rules | account | group | app | held', () => {
  let roster: RosterUnderTest;
  let scim: ScimClient & { directoryId: string };
  const users: Record<string, string> = {};

  function cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ROSTER_DATA_DIR: roster.dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      });
    });
  }
  /** A command that must succeed; its JSON. */
  async function ok(...args: string[]): Promise<any> {
    const result = await cli(...args);
    expect(result.code, `roster ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.json ?? result.stdout;
  }

  beforeAll(async () => {
    roster = await startRoster();
    scim = await roster.directory({ name: 'Okta', idp: 'okta' });
    for (const name of ['ada', 'bob', 'cy']) users[name] = (await scim.post('/Users', userBody(`${name}@example.com`, { emails: [{ value: `${name}@example.com`, primary: true }] }))).body.id;
    await scim.post('/Groups', groupBody('Engineering', { members: [{ value: users.ada }, { value: users.bob }] }));
  });
  afterAll(() => roster.close());

  const accountOf = async (email: string) => (await roster.services.accounts.list({ search: email, limit: 10 }))[0]!;
  const groupNamed = async (name: string) => (await roster.services.orgGroups.list({ search: name, limit: 10 })).find((g) => g.name === name)!;

  it('domain and rules: a preview writes nothing; show; reconcile prints one final line when stderr is no terminal; errors exit 1', { timeout: 240_000 }, async () => {
    const rulesFile = path.join(roster.dataDir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ groups: { mode: 'on_the_fly', include: [], exclude: ['^Engineering$'], keepExisting: true } }));
    const [domainPreview, shown, rulesPreview, badDomain] = await Promise.all([
      ok('domain', 'add', 'example.com', '--preview', '--json'),
      ok('rules', 'show', scim.directoryId, '--json'),
      ok('rules', 'set', scim.directoryId, '--file', rulesFile, '--preview', '--json'),
      cli('domain', 'add', 'not a domain'),
    ]);
    expect(domainPreview).toMatchObject({ preview: true, changes: { accounts: expect.any(Object), groups: [], apps: [] } });
    expect(await roster.services.rules.listDomains()).toEqual([]);
    expect(shown).toMatchObject({ directoryId: scim.directoryId, version: 0, rules: { groups: { mode: 'on_the_fly' } } });
    const engineering = await groupNamed('Engineering');
    const [ada, bob] = [await accountOf('ada@example.com'), await accountOf('bob@example.com')];
    expect(rulesPreview).toMatchObject({ preview: true });
    expect(rulesPreview.changes.groups).toEqual([{ groupId: engineering.id, added: [], removed: [ada.id, bob.id].sort() }]);
    expect((await roster.services.rules.get(scim.directoryId)).version).toBe(0);
    expect((await roster.services.orgGroups.get(engineering.id)).memberCount).toBe(2);
    expect(badDomain.code).toBe(1);
    expect(badDomain.stderr).toBe('roster: "not a domain" is not a domain name\n');

    writeFileSync(rulesFile, '{"sync": {"allowCreate": false}}');
    const [domains, reconciled, refused] = await Promise.all([
      ok('domain', 'list', '--json'),
      cli('rules', 'reconcile', scim.directoryId, '--json'),
      cli('rules', 'set', scim.directoryId, '--file', rulesFile),
    ]);
    expect(domains).toEqual({ domains: [] });
    expect(reconciled.code).toBe(0);
    expect(reconciled.json).toEqual({ accounts: 3 });
    // Not a terminal: no bar redrawn with carriage returns, one final line.
    expect(reconciled.stderr).toMatch(/^reconciled 3 accounts \([^)]*\)\n$/);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^roster: sync\./);
    expect((await roster.services.rules.get(scim.directoryId)).version).toBe(0);
  });

  it('account and group: list, show, explain; a default-group preview writes nothing; a synced group cannot be a default', { timeout: 240_000 }, async () => {
    const ada = await accountOf('ada@example.com');
    const cy = await accountOf('cy@example.com');
    const staff = await ok('group', 'create', '--name', 'Staff', '--json');
    expect(staff).toMatchObject({ name: 'Staff', syncedBy: null, defaultKind: null });
    const [preview, searched, shown, synced] = await Promise.all([
      ok('group', 'set-default', staff.id, 'all', '--preview', '--json'),
      ok('account', 'list', '--search', 'cy@', '--json'),
      ok('account', 'show', ada.id),
      cli('group', 'set-default', (await groupNamed('Engineering')).id, 'new'),
    ]);
    expect(preview).toMatchObject({ preview: true });
    expect(preview.changes.groups).toEqual([{ groupId: staff.id, added: [ada.id, cy.id, (await accountOf('bob@example.com')).id].sort(), removed: [] }]);
    expect(await roster.services.orgGroups.get(staff.id)).toMatchObject({ memberCount: 0, defaultKind: null });
    expect(searched).toEqual({ accounts: [expect.objectContaining({ id: cy.id, email: 'cy@example.com' })], nextCursor: null });
    expect(shown).toMatch(/^Account .*<ada@example\.com> \(active\)\n/);
    expect(shown).toMatch(/Groups:\n  Engineering/);
    expect(synced.code).toBe(1);
    expect(synced.stderr).toMatch(/^roster: .*a synced group cannot be a default group/);
  });

  it('app: a grant preview writes nothing, the grant does what it said, a key reads the read API; held: list and errors', { timeout: 240_000 }, async () => {
    const engineering = await groupNamed('Engineering');
    const ada = await accountOf('ada@example.com');
    const bob = await accountOf('bob@example.com');
    const [app, bad, held, heldNone] = await Promise.all([
      ok('app', 'create', '--name', 'Wiki', '--kind', 'wiki', '--seat-limit', '10', '--json'),
      cli('app', 'create', '--name', 'Tracker', '--kind', 'spreadsheet'),
      ok('held', 'list', '--directory', scim.directoryId, '--json'),
      cli('held', 'approve'),
    ]);
    expect(app).toMatchObject({ name: 'Wiki', kind: 'wiki', seatLimit: 10, seatsUsed: 0 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^roster: kind: /);
    expect((await roster.services.apps.list()).map((a) => a.name)).toEqual(['Wiki']);
    expect(held).toEqual({ held: [] });
    expect(heldNone.code).toBe(1);
    expect(heldNone.stderr).toBe('roster: name the held deprovisions to approve, or pass --all (not both)\n');

    const [preview, human] = await Promise.all([ok('app', 'grant', app.id, engineering.id, '--preview', '--json'), ok('app', 'grant', app.id, engineering.id, '--preview')]);
    expect(preview.changes.apps).toEqual([{ appId: app.id, granted: [ada.id, bob.id].sort(), revoked: [], queued: [] }]);
    expect(human).toMatch(/^Preview \(nothing was written\):\n  app "Wiki": 2 gain access/);
    expect((await roster.services.apps.get(app.id)).seatsUsed).toBe(0);
    const granted = await ok('app', 'grant', app.id, engineering.id, '--json');
    expect(granted.changes.apps).toEqual(preview.changes.apps);

    const [access, explained, key] = await Promise.all([
      ok('app', 'access', app.id, '--json'),
      ok('account', 'explain', ada.id, '--app', app.id, '--json'),
      ok('app', 'key', 'create', app.id, '--label', 'wiki sync', '--json'),
    ]);
    expect(access.access.map((a: { id: string }) => a.id).sort()).toEqual([ada.id, bob.id].sort());
    expect(explained).toMatchObject({ hasAccess: true, status: 'granted', chains: [{ groupName: 'Engineering' }] });
    expect(key.key).toMatch(/^rak_/);
    const read = await fetch(`${roster.origin}/api/v1/app/accounts`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { accounts: unknown[] }).accounts).toHaveLength(2);
  });
});
