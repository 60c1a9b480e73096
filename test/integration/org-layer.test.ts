import { afterAll, beforeAll, expect, it } from 'vitest';
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
});
