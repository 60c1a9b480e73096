import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('a reconcile batch that links one user by email and creates accounts for others', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  // One batch, two kinds of link: the recompute reads an existing account's links (the new email link
  // among them, so its mapping applies), and puts the new accounts' rows in with their memberships.
  it('the email-linked account gets the groups its new link maps; the new accounts get theirs', async () => {
    const s = roster.services;
    await s.rules.addDomain('batch.example');
    const joiners = await s.orgGroups.create({ name: 'Joiners' });
    await s.orgGroups.setDefault(joiners.id, 'new');
    const wiki = await s.apps.create({ name: 'Wiki', kind: 'wiki', seatLimit: null });
    await s.apps.grant(wiki.id, joiners.id);

    const d3 = await roster.directory({ name: 'D3' });
    const rules = (await s.rules.get(d3.directoryId)).rules;
    await s.rules.update(d3.directoryId, { sync: { ...rules.sync, allowCreate: false } });
    const post = async (scim: typeof d3, userName: string) => {
      const res = await scim.post('/Users', userBody(userName, { emails: [{ value: `${userName}@batch.example`, primary: true }] }));
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const r1 = await post(d3, 'r1');
    const alice3 = await post(d3, 'alice');
    const r2 = await post(d3, 'r2');
    const ops = await d3.post('/Groups', groupBody('Ops', { members: [{ value: alice3 }, { value: r2 }] }));
    expect(ops.status).toBe(201);
    expect(await s.accounts.list({ directoryId: d3.directoryId, limit: 100 })).toEqual([]);

    // alice's account comes from another directory; then D3 may create: one reconcile batch.
    const d1 = await roster.directory({ name: 'D1' });
    const alice1 = await post(d1, 'alice');
    await s.rules.update(d3.directoryId, { sync: { ...rules.sync, allowCreate: true } });

    const all = await Promise.all((await s.accounts.list({ limit: 100 })).map((a) => s.accounts.get(a.id)));
    const byUser = (id: string) => all.find((a) => a.links.some((l) => l.userId === id))!;
    const alice = byUser(alice1);
    expect(alice.links.map((l) => [l.userId, l.linkedBy])).toEqual([[alice1, 'new'], [alice3, 'email']]);
    expect(alice.groups.map((g) => g.name).sort()).toEqual(['Joiners', 'Ops']);
    expect(byUser(r1).groups.map((g) => g.name)).toEqual(['Joiners']);
    expect(byUser(r2).groups.map((g) => g.name).sort()).toEqual(['Joiners', 'Ops']);
    for (const id of [alice1, r1, r2]) expect(byUser(id).apps.map((a) => [a.id, a.status])).toEqual([[wiki.id, 'granted']]);
  });
});
