import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPath, sameValue } from '../../src/idp/simulator/sim-checks.ts';
import type { ExpectedState, SimulatedIdp } from '../../src/idp/simulator/sim-context.ts';
import { renderReport, type SimulationReport } from '../../src/idp/simulator/sim-report.ts';
import { runSimulation } from '../../src/idp/simulator/run-simulation.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { patchOp, startRoster, userBody, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/roster.js');
const MANAGER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';
const SIZE = { users: 20, groups: 3, members: 5 };

/** `roster simulate …` as its own process; async, since the server under test runs in this one. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectClean(report: SimulationReport) {
  expect(report.failures, renderReport(report)).toBe(0);
  expect(report.ok).toBe(true);
  expect(report.aborted).toBeUndefined();
  expect(report.steps.every((s) => s.requests > 0)).toBe(true);
}

/** Roster's state, read back over SCIM, is exactly what the simulator sent. */
async function expectServerHolds(scim: ScimClient, expected: ExpectedState) {
  expect(expected.users.size).toBe(SIZE.users);
  expect(expected.groups.size).toBe(SIZE.groups);
  for (const user of expected.users.values()) {
    const got = await scim.get(`/Users/${user.id}`);
    expect(got.status).toBe(200);
    for (const [attr, value] of Object.entries(user.values)) {
      expect(sameValue(readPath(got.body, attr), value), `${user.id} ${attr}: ${JSON.stringify(readPath(got.body, attr))} ≠ ${JSON.stringify(value)}`).toBe(true);
    }
  }
  for (const group of expected.groups.values()) {
    const got = await scim.get(`/Groups/${group.id}`);
    expect(got.body.displayName).toBe(group.displayName);
    expect(new Set((got.body.members ?? []).map((m: { value: string }) => m.value))).toEqual(group.members);
    expect(group.members.size).toBeGreaterThan(0);
  }
  // Nothing else was left behind: the deleted user and group are gone.
  expect((await scim.get('/Users?count=0')).body.totalResults).toBe(SIZE.users);
  expect((await scim.get('/Groups?count=0')).body.totalResults).toBe(SIZE.groups);
}

describeEachEngine('roster simulate against a real Roster', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  const cases: Array<[SimulatedIdp, string]> = [
    ['okta', 'okta'],
    ['entra', 'entra'],
    ['entra-compliant', 'entra'],
    ['onelogin', 'onelogin'],
  ];
  it.each(cases)('%s: every check passes and Roster holds what was sent (library call)', async (idp, directoryIdp) => {
    const scim = await roster.directory({ idp: directoryIdp, name: `sim ${idp}` });
    const { report, expected } = await runSimulation({ idp, baseUrl: scim.baseUrl, token: scim.token, ...SIZE });
    expectClean(report);
    expect(report.idp).toBe(idp);
    await expectServerHolds(scim, expected);
  });

  it('okta import walks past the first page (startIndex += 100) and sees every user once', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const { report, expected } = await runSimulation({ idp: 'okta', baseUrl: scim.baseUrl, token: scim.token, users: 230, groups: 1, members: 3, concurrency: 4 });
    expectClean(report);
    expect(report.steps.find((s) => s.step === 'import-users')?.requests).toBe(3);
    expect(expected.users.size).toBe(230);
  });

  it('entra default job against a generic directory: Roster recognizes Entra by its request shapes', async () => {
    const scim = await roster.directory({ idp: 'generic' });
    const { report, expected } = await runSimulation({ idp: 'entra', baseUrl: scim.baseUrl, token: scim.token, ...SIZE });
    expectClean(report);
    await expectServerHolds(scim, expected);
  });

  it('runs through the CLI binary and prints the report as JSON', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const { code, stdout, stderr } = await runCli(['--idp', 'okta', '--base-url', scim.baseUrl, '--token', scim.token, '--users', '5', '--groups', '2', '--members', '3', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as SimulationReport;
    expect(report).toMatchObject({ idp: 'okta', users: 5, groups: 2, members: 3, failures: 0, ok: true });
    expect(report.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['test-credentials', 'create-users', 'membership-delta', 'full-push', 'import-users']));
    for (const s of report.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['step', 'requests', 'failures', 'p50Ms']));
  });

  it('the CLI prints a table and exits non-zero when checks fail (wrong token)', async () => {
    const scim = await roster.directory({ idp: 'entra' });
    const { code, stdout } = await runCli(['--idp', 'entra', '--base-url', scim.baseUrl, '--token', 'rst_wrong', '--users', '2', '--groups', '1']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/step\s+requests\s+failures\s+p50 ms/);
    expect(stdout).toContain('test-connection');
    expect(stdout).toMatch(/FAIL test-connection: GET \/Users\?filter=.*expected 200, got 401/);
    expect(stdout).toContain('ABORTED');
  });

  it('the CLI refuses bad options with exit code 2', async () => {
    const { code, stderr } = await runCli(['--idp', 'okta', '--base-url', 'not a url', '--token', 't', '--users', '1', '--groups', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/roster simulate:/);
  });
});

describe('IdP rewrites are applied, reported and logged', () => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ LOG_LEVEL: 'debug' });
  });
  afterAll(() => roster.close());

  it("rewrites Entra's manager array and names it in x-roster-rewrites", async () => {
    const scim = await roster.directory({ idp: 'entra' });
    const boss = await scim.post('/Users', userBody('boss@example.com'));
    const user = await scim.post('/Users', userBody('ada@example.com', { password: 'Sup3r-secret!' }));
    const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'Add', path: 'manager', value: [{ $ref: `${scim.baseUrl}/Users/${boss.body.id}`, value: boss.body.id }] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-roster-rewrites')?.split(/,\s*/)).toEqual(['entra-manager-as-array', 'entra-capitalized-op']);
    expect(res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager).toEqual({ value: boss.body.id });
    expect(readPath((await scim.get(`/Users/${user.body.id}`)).body, `${MANAGER}.value`)).toBe(boss.body.id);
  });

  it('sends no x-roster-rewrites when nothing was rewritten', async () => {
    const scim = await roster.directory({ idp: 'onelogin' });
    const res = await scim.post('/Users', userBody('plain@example.com'));
    expect(res.status).toBe(201);
    expect(res.headers.get('x-roster-rewrites')).toBeNull();
  });

  it('logs raw and normalized bodies with the rewrites at debug level, never a password', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const created = await scim.post('/Users', userBody('grace@example.com', { password: 'Pa55-word-one', groups: [] }));
    expect(created.headers.get('x-roster-rewrites')).toBe('okta-read-only-echo');
    await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'password', value: 'Pa55-word-two' }, { op: 'replace', value: { active: false } }));
    const lines = roster.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const normalized = lines.filter((l) => l.msg === 'SCIM request normalized');
    const patchLine = normalized.find((l) => l.rewrites?.some((r: { quirk: string }) => r.quirk === 'okta-pathless-active'));
    expect(patchLine).toMatchObject({ idp: 'okta', raw: { Operations: [{ path: 'password', value: '[redacted]' }, { value: { active: false } }] } });
    expect(patchLine.normalized.Operations[1]).toEqual({ op: 'replace', path: 'active', value: false });
    expect(normalized.find((l) => l.rewrites?.[0]?.quirk === 'okta-read-only-echo')?.raw.password).toBe('[redacted]');
    expect(roster.logs()).not.toContain('Pa55-word-one');
    expect(roster.logs()).not.toContain('Pa55-word-two');
  });

  it('a request no profile can make sense of gets the precise 400, and nothing is applied', async () => {
    const scim = await roster.directory({ idp: 'entra' });
    const user = await scim.post('/Users', userBody('m1@example.com'));
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Keep', members: [{ value: user.body.id }] });
    const res = await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Changed' }, { op: 'Remove', path: 'members', value: [{ display: 'who?' }] }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^Operations\[1\] path "members"/);
    const after = await scim.get(`/Groups/${group.body.id}`);
    expect(after.body.displayName).toBe('Keep');
    expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([user.body.id]);
  });
});
