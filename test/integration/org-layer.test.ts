import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminApi } from '../helpers/admin-api.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('organization layer: accounts, org groups and access from SCIM writes', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  const accountOf = async (email: string) => {
    const [found] = await roster.services.accounts.list({ search: email });
    return found ? roster.services.accounts.get(found.id) : undefined;
  };
  const groupNamed = async (name: string) => (await roster.services.orgGroups.list({ search: name })).find((g) => g.name === name);

  it('creates an account per SCIM user, mapped from its IdP profile, and an org group per IdP group', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const user = await scim.post('/Users', userBody('ada@org1.example', { name: { givenName: 'Ada', familyName: 'Lovelace' }, title: 'Engineer' }));
    expect(user.status).toBe(201);
    const account = await accountOf('ada@org1.example');
    expect(account).toMatchObject({ status: 'active', email: 'ada@org1.example', givenName: 'Ada', familyName: 'Lovelace', title: 'Engineer', external: false });
    expect(account!.links).toMatchObject([{ directoryId: scim.directoryId, userId: user.body.id, linkedBy: 'new', active: true }]);

    const group = await scim.post('/Groups', groupBody('Engineering', { members: [{ value: user.body.id }] }));
    expect(group.status).toBe(201);
    const eng = await groupNamed('Engineering');
    expect(eng).toMatchObject({ syncedBy: scim.directoryId, memberCount: 1 });
    expect((await accountOf('ada@org1.example'))!.groups).toEqual([{ id: eng!.id, name: 'Engineering', sources: [`map:${scim.directoryId}:${group.body.id}`] }]);

    // Leaving the IdP group leaves the org group, in the same write.
    await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${user.body.id}"]` }));
    expect((await accountOf('ada@org1.example'))!.groups).toEqual([]);
  });

  it('grants an app to a group: members have access while active; explain names the chain', async () => {
    const scim = await roster.directory({ idp: 'okta', name: 'Okta prod' });
    const user = await scim.post('/Users', userBody('grace@org2.example'));
    const group = await scim.post('/Groups', groupBody('Wiki Users', { members: [{ value: user.body.id }] }));
    const wikiGroup = await groupNamed('Wiki Users');
    const app = await roster.services.apps.create({ name: 'Wiki', kind: 'wiki' });
    const preview = await roster.services.apps.grant(app.id, wikiGroup!.id, undefined, true);
    const account = await accountOf('grace@org2.example');
    expect(preview.preview).toBe(true);
    expect(preview.summary.apps).toEqual([{ appId: app.id, granted: [account!.id], revoked: [], queued: [] }]);
    expect((await roster.services.apps.get(app.id)).seatsUsed).toBe(0);

    const applied = await roster.services.apps.grant(app.id, wikiGroup!.id);
    expect(applied.summary.apps).toEqual(preview.summary.apps);
    expect((await accountOf('grace@org2.example'))!.apps).toMatchObject([{ id: app.id, status: 'granted' }]);
    const why = await roster.services.accounts.explain(account!.id, app.id);
    expect(why).toMatchObject({ hasAccess: true, chains: [{ groupName: 'Wiki Users', reasons: [{ kind: 'idp_group', directoryName: 'Okta prod', idpGroupId: group.body.id, idpGroupName: 'Wiki Users' }] }] });

    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(await accountOf('grace@org2.example')).toMatchObject({ status: 'deactivated', apps: [] });
    expect((await roster.services.accounts.explain(account!.id, app.id)).summary[1]).toMatch(/deactivated/);
    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { active: true } }));
    expect(await accountOf('grace@org2.example')).toMatchObject({ status: 'active', apps: [{ id: app.id, status: 'granted' }] });
  });

  it('deleting a directory unlinks its users: accounts it alone knew are deactivated and lose their access', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const u = await scim.post('/Users', userBody('leaving@org3.example'));
    await scim.post('/Groups', groupBody('Leaving team', { members: [{ value: u.body.id }] }));
    const account = await accountOf('leaving@org3.example');
    expect(account).toMatchObject({ status: 'active', groups: [{ name: 'Leaving team' }] });
    await roster.services.directories.remove(scim.directoryId);
    expect(await roster.services.accounts.get(account!.id)).toMatchObject({ status: 'deactivated', links: [], groups: [] });
  });

  it('the admin API answers bad input and unknown ids with the documented errors, never a 500', async () => {
    const admin = adminApi(roster.origin, (await roster.services.adminKeys.create('org errors')).key);
    const scim = await roster.directory();
    const expectError = async (res: { status: number; body: any }, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toEqual(expect.any(String));
    };
    await expectError(await admin('GET', '/accounts/nope'), 404, 'account.not_found');
    await expectError(await admin('GET', '/apps/nope'), 404, 'app.not_found');
    await expectError(await admin('GET', '/org-groups/nope/members'), 404, 'org_group.not_found');
    await expectError(await admin('GET', '/directories/nope/rules'), 404, 'directory.not_found');
    await expectError(await admin('PATCH', `/directories/${scim.directoryId}/rules`, { sync: { allowCreate: false } }), 400, 'rules.invalid');
    await expectError(await admin('PATCH', `/directories/${scim.directoryId}/rules`, { groups: { mode: 'on_the_fly', include: ['('], exclude: [], keepExisting: true } }), 400, 'rules.invalid');
    await expectError(await admin('PATCH', `/directories/${scim.directoryId}/rules`, { colour: 'blue' }), 400, 'rules.invalid');
    await expectError(await admin('POST', '/domains', { domain: 'not a domain' }), 400, 'domain.invalid');
    await expectError(await admin('POST', '/apps', { name: '', kind: 'wiki' }), 400, 'app.invalid');
    await expectError(await admin('POST', '/apps', { name: 'x', kind: 'spaceship' }), 400, 'app.invalid');
    await expectError(await admin('POST', '/apps', { name: 'x', seatLimit: -1 }), 400, 'app.invalid');
    await expectError(await admin('POST', '/held/approve', { ids: ['nope'] }), 404, 'deprovision.not_found');
    await expectError(await admin('GET', '/accounts?limit=0'), 400, 'account.invalid');
    await expectError(await admin('GET', '/accounts?cursor=%%%'), 400, 'request.invalid');
    const dup = await admin('POST', '/apps', { name: 'Twice', kind: 'wiki' });
    expect(dup.status).toBe(201);
    await expectError(await admin('POST', '/apps', { name: 'twice', kind: 'wiki' }), 409, 'app.name_taken');
    expect((await admin('GET', `/directories/${scim.directoryId}/rules`)).body).toMatchObject({ version: 0, rules: { groups: { mode: 'on_the_fly' }, guard: { enabled: true, share: 0.1, windowMinutes: 15, minCount: 10 } } });
  });

  it('rules may read only custom attributes the directory declares; a declaration the rules read cannot be removed', async () => {
    const admin = adminApi(roster.origin, (await roster.services.adminKeys.create('custom paths')).key);
    const scim = await roster.directory();
    const CUSTOM = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';
    const rules = (await admin('GET', `/directories/${scim.directoryId}/rules`)).body.rules;
    const reading = (path: string) => ({ attributes: { fields: rules.attributes.fields, custom: { cost: { path } } } });

    const undeclared = await admin('PATCH', `/directories/${scim.directoryId}/rules`, reading(`${CUSTOM}:costCode`));
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.error).toMatchObject({ code: 'rules.invalid' });
    expect(undeclared.body.error.message).toContain(`attributes.custom.cost: path "${CUSTOM}:costCode": the directory has no custom attribute 'costCode'`);
    expect((await admin('GET', `/directories/${scim.directoryId}/rules`)).body.version).toBe(0);

    expect((await admin('POST', `/directories/${scim.directoryId}/attributes`, { name: 'costCode' })).status).toBe(201);
    const saved = await admin('PATCH', `/directories/${scim.directoryId}/rules`, reading(`${CUSTOM}:costCode`));
    expect(saved.status, saved.text).toBe(200);
    const user = await scim.post('/Users', userBody('cost@org5.example', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', CUSTOM], [CUSTOM]: { costCode: 'CC-9' } }));
    expect(user.status, user.text).toBe(201);
    expect(await accountOf('cost@org5.example')).toMatchObject({ custom: { cost: 'CC-9' } });

    // Removing what the rules read would empty `cost` for everyone at the next sync: refused, naming the rule.
    const refused = await admin('DELETE', `/directories/${scim.directoryId}/attributes/COSTCODE`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('directory.attribute_in_use');
    expect(refused.body.error.message).toContain('attributes.custom.cost');
    expect((await admin('GET', `/directories/${scim.directoryId}/attributes`)).body.attributes).toMatchObject([{ name: 'costCode' }]);

    expect((await admin('PATCH', `/directories/${scim.directoryId}/rules`, { attributes: { fields: rules.attributes.fields, custom: {} } })).status).toBe(200);
    expect((await admin('DELETE', `/directories/${scim.directoryId}/attributes/costCode`)).status).toBe(204);
  });

  it('deleting a hand-made group of 1,001 members records every member leaving once (at most 1,000 per event), then the deletion, and revokes access', async () => {
    const scim = await roster.directory();
    // A default group for new accounts, then each member added by hand too: two rows per member, the
    // second ones a page of rows later when the group is deleted.
    const group = await roster.services.orgGroups.create({ name: 'Big hand-made group' });
    await roster.services.orgGroups.setDefault(group.id, 'new');
    for (let start = 0; start < 1001; start += 500) {
      const ops = Array.from({ length: Math.min(500, 1001 - start) }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${start + i}`, data: userBody(`big${start + i}@org6.example`) }));
      const res = await scim.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops });
      expect(res.status, res.text).toBe(200);
    }
    const accounts = await roster.services.accounts.list({ directoryId: scim.directoryId, limit: 2000 });
    expect(accounts).toHaveLength(1001);
    const ids = accounts.map((a) => a.id).sort();
    await roster.services.orgGroups.addMembers(group.id, ids);
    expect((await roster.services.accounts.get(ids[0]!)).groups.map((g: { id: string }) => g.id)).toContain(group.id);
    const app = await roster.services.apps.create({ name: 'Big group app', kind: 'wiki' });
    await roster.services.apps.grant(app.id, group.id);
    expect((await roster.services.apps.get(app.id)).seatsUsed).toBe(1001);

    const all = async () => {
      const out: Awaited<ReturnType<typeof roster.services.events.list>> = [];
      for (let after = 0; ; ) {
        const page = await roster.services.events.list({ afterSeq: after, limit: 1000 });
        if (page.length === 0) return out;
        out.push(...page);
        after = page[page.length - 1]!.seq;
      }
    };
    const before = (await all()).length;
    await roster.services.orgGroups.remove(group.id);
    const events = (await all()).slice(before);

    const removed = events.filter((e) => e.type === 'org_group.member_removed' && e.resourceId === group.id);
    expect(removed.map((e) => (e.data as { accountIds: string[] }).accountIds.length)).toEqual([1000, 1]);
    expect(removed.flatMap((e) => (e.data as { accountIds: string[] }).accountIds).sort()).toEqual(ids);
    const deleted = events.findIndex((e) => e.type === 'org_group.deleted' && e.resourceId === group.id);
    expect(deleted).toBeGreaterThan(events.indexOf(removed[1]!));
    const revoked = events.filter((e) => e.type === 'access.revoked' && e.resourceId === app.id);
    expect(revoked.flatMap((e) => (e.data as { accountIds: string[] }).accountIds).sort()).toEqual(ids);
    expect(events.filter((e) => e.type === 'org_group.member_removed' && e.resourceId !== group.id)).toEqual([]);
    expect((await roster.services.apps.get(app.id)).seatsUsed).toBe(0);
    expect((await roster.services.accounts.get(ids[0]!)).groups).toEqual([]);
    await expect(roster.services.orgGroups.get(group.id)).rejects.toMatchObject({ code: 'org_group.not_found' });
  });

  it('concurrent creations (or renames) of apps with one name: one succeeds, the others get 409, never a 500', async () => {
    const admin = adminApi(roster.origin, (await roster.services.adminKeys.create('app races')).key);
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => admin('POST', '/apps', { name: i % 2 ? 'Race App' : 'race app', kind: 'wiki' })));
    expect(created.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of created.filter((r) => r.status === 409)) expect(r.body.error.code).toBe('app.name_taken');
    expect((await roster.services.apps.list()).filter((a) => a.name.toLowerCase() === 'race app')).toHaveLength(1);

    const others = await Promise.all(Array.from({ length: 4 }, (_, i) => roster.services.apps.create({ name: `Rename race ${i}`, kind: 'wiki' })));
    const renamed = await Promise.all(others.map((a) => admin('PATCH', `/apps/${a.id}`, { name: 'Renamed Race' })));
    expect(renamed.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await admin('PATCH', `/apps/${created.find((r) => r.status === 201)!.body.id}`, { name: 'RENAMED RACE' })).status).toBe(409);
  });

  it('concurrent writes that map to one new org group all succeed and make one group (several nodes, PostgreSQL)', async () => {
    const dirs = await Promise.all(Array.from({ length: 4 }, () => roster.directory()));
    const users = await Promise.all(dirs.map((d, i) => d.post('/Users', userBody(`race${i}@org4.example`))));
    const created = await Promise.all(dirs.map((d, i) => d.post('/Groups', groupBody('Race Team', { members: [{ value: users[i]!.body.id }] }))));
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const groups = (await roster.services.orgGroups.list({ search: 'Race Team' })).filter((g) => g.name === 'Race Team');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.memberCount).toBe(4);
  });
});
