import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SimulatedIdp } from '../../src/idp/simulator/sim-context.ts';
import { renderReport } from '../../src/idp/simulator/sim-report.ts';
import { runSimulation } from '../../src/idp/simulator/run-simulation.ts';
import { adminApi } from '../helpers/admin-api.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';

const SIZE = { users: 20, groups: 3, members: 6 };

/**
 * Issue 9's end to end: an admin sets a realistic rule set over the admin API (on-the-fly mapping with
 * a filter and a rename, two apps granted to groups, two default groups), an IdP provisions through
 * SCIM the way Okta and Entra do (the simulator), and an app reads the result through the read API.
 */
describeEachEngine('organization layer end to end: simulator in, read API out', (engine) => {
  let roster: RosterUnderTest;
  let admin: ReturnType<typeof adminApi>;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
    admin = adminApi(roster.origin, (await roster.services.adminKeys.create('e2e')).key);
  });
  afterAll(() => roster.close());

  const read = async (key: string, path: string) => {
    const res = await fetch(`${roster.origin}/api/v1/app${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  const cases: Array<[SimulatedIdp, string, string]> = [
    ['okta', 'okta', 'okta.local'],
    ['entra', 'entra', 'testuser.com'],
  ];
  it.each(cases)('%s: accounts, groups and app access follow the rules', async (idp, directoryIdp, domain) => {
    const created = await admin('POST', '/directories', { name: `e2e ${idp}`, idp: directoryIdp });
    expect(created.status).toBe(201);
    const directoryId = created.body.id as string;
    expect((await admin('POST', '/domains', { domain })).status).toBe(200);
    const rules = await admin('PATCH', `/directories/${directoryId}/rules`, {
      groups: { mode: 'on_the_fly', include: ['Group [0-9]'], exclude: ['Group 2'], rename: { pattern: '^sim-\\S+ Group (\\d+).*$', with: `${idp} team $1` }, keepExisting: true },
    });
    expect(rules.status, rules.text).toBe(200);
    expect(rules.body.version).toBe(1);

    // Default groups and apps made before any user arrives.
    const everyone = await admin('POST', '/org-groups', { name: `${idp} everyone` });
    const newcomers = await admin('POST', '/org-groups', { name: `${idp} newcomers` });
    expect((await admin('PUT', `/org-groups/${everyone.body.id}/default`, { kind: 'all' })).status).toBe(200);
    expect((await admin('PUT', `/org-groups/${newcomers.body.id}/default`, { kind: 'new' })).status).toBe(200);
    const wiki = await admin('POST', '/apps', { name: `${idp} wiki`, kind: 'wiki' });
    const tracker = await admin('POST', '/apps', { name: `${idp} tracker`, kind: 'issue_tracker' });
    const wikiKey = (await admin('POST', `/apps/${wiki.body.id}/keys`, { label: 'wiki' })).body.key as string;
    const trackerKey = (await admin('POST', `/apps/${tracker.body.id}/keys`, {})).body.key as string;
    expect(wikiKey).toMatch(/^rak_/);

    const { report, expected } = await runSimulation({ idp, baseUrl: `${roster.origin}/scim/v2/${directoryId}`, token: created.body.token, ...SIZE });
    expect(report.failures, renderReport(report)).toBe(0);

    // On-the-fly mapping with the filters and the rename (the simulator renames its groups too,
    // as Okta does: "Group 0 (renamed)" is still team 0): groups 0 and 1 only.
    const groups = (await admin('GET', '/org-groups?limit=1000')).body.groups as { id: string; name: string; syncedBy: string | null; memberCount: number }[];
    const team = (j: number) => groups.find((g) => g.name === `${idp} team ${j}`)!;
    expect(team(0)).toMatchObject({ syncedBy: directoryId });
    expect(team(1)).toMatchObject({ syncedBy: directoryId });
    expect(groups.some((g) => g.name.endsWith('Group 2') || g.name === `${idp} team 2`)).toBe(false);

    // A synced group cannot be a default group; Atlassian warns of the same collision.
    const refused = await admin('PUT', `/org-groups/${team(0).id}/default`, { kind: 'all' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('org_group.default_synced');

    const grant = await admin('POST', `/apps/${wiki.body.id}/grants?preview=true`, { groupId: team(0).id });
    expect(grant.body.preview).toBe(true);
    const applied = await admin('POST', `/apps/${wiki.body.id}/grants`, { groupId: team(0).id });
    expect(applied.body.changes.apps).toEqual(grant.body.changes.apps);
    await admin('POST', `/apps/${tracker.body.id}/grants`, { groupId: team(1).id });

    const byId = new Map([...expected.users.values()].map((u) => [u.id, u]));
    const userNames = (j: number) =>
      [...[...expected.groups.values()].find((g) => g.index === j)!.members].filter((id) => byId.get(id)?.values.active !== false).map((id) => String(byId.get(id)!.values.userName)).sort();
    for (const [key, j] of [[wikiKey, 0], [trackerKey, 1]] as const) {
      const page = await read(key, '/accounts?limit=1000');
      expect(page.status).toBe(200);
      expect(page.body.accounts.map((a: { userName: string }) => a.userName).sort()).toEqual(userNames(j));
      expect(userNames(j).length).toBeGreaterThan(0);
      const one = await read(key, `/accounts/${page.body.accounts[0].id}`);
      expect(one.body.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining([`${idp} team ${j}`, `${idp} everyone`, `${idp} newcomers`]));
      expect(one.body).not.toHaveProperty('links');
    }
    // Every account is in the `all` default group and joined the `new` one.
    const everyoneMembers = await read(wikiKey, `/groups/${everyone.body.id}/members?limit=1000`);
    expect(everyoneMembers.body.members.length).toBe(userNames(0).length);

    // Keys are scoped: no key, a revoked key, another app's account.
    expect((await read('rak_nope', '/accounts')).status).toBe(401);
    const trackerOnly = (await read(trackerKey, '/accounts')).body.accounts.find((a: { userName: string }) => !userNames(0).includes(a.userName));
    if (trackerOnly) expect((await read(wikiKey, `/accounts/${trackerOnly.id}`)).status).toBe(404);
    const keys = (await admin('GET', `/apps/${wiki.body.id}/keys`)).body.keys;
    expect(keys[0]).not.toHaveProperty('keyHash');
    expect((await admin('DELETE', `/apps/${wiki.body.id}/keys/${keys[0].id}`)).status).toBe(204);
    expect((await read(wikiKey, '/accounts')).status).toBe(401);
  });
});
