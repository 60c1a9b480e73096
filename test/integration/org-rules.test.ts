import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServices } from '../../src/domain/create-services.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

/** Every rule of issue 9 through SCIM writes, on both engines: linking, domains, sync settings, mapping, defaults, seats, guard. */
describeEachEngine('organization layer rules', (engine) => {
  let roster: RosterUnderTest;
  let n = 0;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  /** A fresh domain per test: the organization (and its domains) is shared by the whole file. */
  const freshDomain = async () => {
    const domain = `org${++n}-${engine}.example`;
    await roster.services.rules.addDomain(domain);
    return domain;
  };
  const user = async (scim: ScimClient, email: string, extra: Record<string, unknown> = {}) => {
    const res = await scim.post('/Users', userBody(email, { emails: [{ value: email, type: 'work', primary: true }], ...extra }));
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const accountOfUser = async (directoryId: string, userId: string) => {
    const [found] = await roster.services.accounts.list({ directoryId, limit: 1000 }).then(async (all) => {
      const details = await Promise.all(all.map((a) => roster.services.accounts.get(a.id)));
      return details.filter((d) => d.links.some((l) => l.userId === userId));
    });
    return found;
  };
  const groupNames = async (accountId: string) => (await roster.services.accounts.get(accountId)).groups.map((g) => g.name).sort();
  const eventsOf = async (type: string) => (await roster.services.events.list({ limit: 100_000 })).filter((e) => e.type === type);

  it('links two directories that know the same person by email: one account, two links; an email change keeps the link', async () => {
    const domain = await freshDomain();
    const okta = await roster.directory({ idp: 'okta' });
    const entra = await roster.directory({ idp: 'entra' });
    const a = await user(okta, `lin@${domain}`);
    const b = await user(entra, `LIN@${domain}`);
    const account = await accountOfUser(okta.directoryId, a);
    expect(account!.links.map((l) => [l.directoryId, l.userId, l.linkedBy])).toEqual([[okta.directoryId, a, 'new'], [entra.directoryId, b, 'email']]);

    // One directory deactivates: the other link is active, so the account stays active.
    await okta.patch(`/Users/${a}`, patchOp({ op: 'replace', value: { active: false } }));
    expect((await roster.services.accounts.get(account!.id)).status).toBe('active');
    await entra.patch(`/Users/${b}`, patchOp({ op: 'replace', path: 'active', value: false }));
    expect((await roster.services.accounts.get(account!.id)).status).toBe('deactivated');
    await entra.patch(`/Users/${b}`, patchOp({ op: 'replace', path: 'active', value: true }));
    expect((await roster.services.accounts.get(account!.id)).status).toBe('active');

    // The primary (first) link's email change updates the account; the links stay.
    await okta.patch(`/Users/${a}`, patchOp({ op: 'replace', path: 'emails', value: [{ value: `lin.new@${domain}`, type: 'work', primary: true }] }));
    const after = await roster.services.accounts.get(account!.id);
    expect(after).toMatchObject({ email: `lin.new@${domain}` });
    expect(after.links).toHaveLength(2);
  });

  it('never merges a conflict: a second user of the same directory with the same email gets its own account, reported', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const first = await user(scim, `dup@${domain}`);
    const second = (await scim.post('/Users', userBody(`dup2@${domain}`, { emails: [{ value: `dup@${domain}`, primary: true }] }))).body.id;
    const a = await accountOfUser(scim.directoryId, first);
    const b = await accountOfUser(scim.directoryId, second);
    expect(a!.id).not.toBe(b!.id);
    const conflicts = await roster.services.accounts.conflicts();
    expect(conflicts).toContainEqual(expect.objectContaining({ directoryId: scim.directoryId, userId: second, existingAccountId: a!.id, accountId: b!.id, email: `dup@${domain}` }));
  });

  it('users outside the domains: external accounts, or a clear SCIM error and nothing stored', async () => {
    await freshDomain();
    const accepting = await roster.directory();
    const outsider = await user(accepting, 'guest@elsewhere.example');
    expect(await accountOfUser(accepting.directoryId, outsider)).toMatchObject({ external: true, status: 'active' });

    const refusing = await roster.directory();
    await roster.services.rules.update(refusing.directoryId, { sync: { ...(await roster.services.rules.get(refusing.directoryId)).rules.sync, outsideDomains: 'refuse' } });
    const res = await refusing.post('/Users', userBody('guest@elsewhere.example', { emails: [{ value: 'guest@elsewhere.example', primary: true }] }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ scimType: 'invalidValue', status: '400' });
    expect(res.body.detail).toMatch(/elsewhere\.example.*not one of the organization's domains/);
    expect((await refusing.get('/Users?count=0')).body.totalResults).toBe(0);
  });

  it('sync settings: a forbidden write is acknowledged to the IdP and recorded as skipped, with the reason', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const sync = (await roster.services.rules.get(scim.directoryId)).rules.sync;
    await roster.services.rules.update(scim.directoryId, { sync: { ...sync, allowCreate: false } });
    const id = await user(scim, `nocreate@${domain}`);
    expect(await accountOfUser(scim.directoryId, id)).toBeUndefined();
    expect((await eventsOf('account.sync_skipped')).map((e) => e.data)).toContainEqual({ userId: id, accountId: null, action: 'create', reason: "this directory's sync settings do not allow creating accounts" });

    await roster.services.rules.update(scim.directoryId, { sync: { ...sync, allowDeactivate: false, autoReactivate: false } });
    // Saving the rules reconciled the directory: the user has its account now.
    const account = await accountOfUser(scim.directoryId, id);
    expect(account).toMatchObject({ status: 'active' });
    const patched = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(patched.status).toBe(200);
    expect((await roster.services.accounts.get(account!.id)).status).toBe('active');

    await roster.services.rules.update(scim.directoryId, { sync: { ...sync, onDelete: 'delete' } });
    const gone = await user(scim, `gone@${domain}`);
    const goneAccount = await accountOfUser(scim.directoryId, gone);
    expect((await scim.delete(`/Users/${gone}`)).status).toBe(204);
    await expect(roster.services.accounts.get(goneAccount!.id)).rejects.toMatchObject({ code: 'account.not_found' });
  });

  it('manual group mapping: a table of IdP group → org groups; unmapped groups ignored or imported; keep existing memberships', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const groups = { mode: 'manual', map: [{ idpGroup: 'eng-all', orgGroups: [`Engineering ${n}`, `Staff ${n}`] }], unmapped: 'ignore', keepExisting: true };
    await roster.services.rules.update(scim.directoryId, { groups });
    const u = await user(scim, `map@${domain}`);
    await scim.post('/Groups', groupBody('ENG-ALL', { members: [{ value: u }] }));
    await scim.post('/Groups', groupBody('random', { members: [{ value: u }] }));
    const account = await accountOfUser(scim.directoryId, u);
    expect(await groupNames(account!.id)).toEqual([`Engineering ${n}`, `Staff ${n}`]);

    await roster.services.rules.update(scim.directoryId, { groups: { ...groups, unmapped: 'import' } });
    expect(await groupNames(account!.id)).toEqual([`Engineering ${n}`, `Staff ${n}`, 'random']);

    // A membership an admin gives by hand stays while "keep existing" is on, and goes when it is off.
    const manual = await roster.services.orgGroups.create({ name: `Hand-picked ${n}` });
    await roster.services.orgGroups.addMembers(manual.id, [account!.id]);
    expect(await groupNames(account!.id)).toContain(`Hand-picked ${n}`);
    const preview = await roster.services.rules.preview(scim.directoryId, { groups: { ...groups, keepExisting: false } });
    expect(preview.summary.groups).toEqual(expect.arrayContaining([{ groupId: manual.id, added: [], removed: [account!.id] }]));
    expect(await groupNames(account!.id)).toContain(`Hand-picked ${n}`);
    await roster.services.rules.update(scim.directoryId, { groups: { ...groups, keepExisting: false } });
    expect(await groupNames(account!.id)).toEqual([`Engineering ${n}`, `Staff ${n}`]);
  });

  it('nested IdP groups are flattened into effective memberships', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const u = await user(scim, `nest@${domain}`);
    const inner = (await scim.post('/Groups', groupBody(`inner ${n}`, { members: [{ value: u }] }))).body.id;
    const outer = (await scim.post('/Groups', groupBody(`outer ${n}`, { members: [{ value: inner, type: 'Group' }] }))).body.id;
    const account = await accountOfUser(scim.directoryId, u);
    expect(await groupNames(account!.id)).toEqual([`inner ${n}`, `outer ${n}`]);
    // The inner group leaves the outer one: the user leaves the outer org group.
    await scim.patch(`/Groups/${outer}`, patchOp({ op: 'remove', path: `members[value eq "${inner}"]` }));
    expect(await groupNames(account!.id)).toEqual([`inner ${n}`]);
    await scim.patch(`/Groups/${outer}`, patchOp({ op: 'add', path: 'members', value: [{ value: inner }] }));
    expect(await groupNames(account!.id)).toEqual([`inner ${n}`, `outer ${n}`]);
    // Deleting the inner group removes both (the outer one was reached through it).
    expect((await scim.delete(`/Groups/${inner}`)).status).toBe(204);
    expect(await groupNames(account!.id)).toEqual([]);
  });

  it('an IdP group deleted takes the memberships its mapping made, in every org group it maps to, and no others', async () => {
    const domain = await freshDomain();
    const one = await roster.directory({ idp: 'okta' });
    const two = await roster.directory({ idp: 'okta' });
    await roster.services.rules.update(one.directoryId, { groups: { mode: 'manual', map: [{ idpGroup: `Sales ${n}`, orgGroups: [`Revenue ${n}`, `Field ${n}`] }], unmapped: 'ignore', keepExisting: true } });
    await roster.services.rules.update(two.directoryId, { groups: { mode: 'on_the_fly', include: [], exclude: [], rename: { pattern: '^Deals (.*)$', with: 'Revenue $1' }, keepExisting: true } });
    const direct = await user(one, `direct@${domain}`);
    const nested = await user(one, `nested@${domain}`);
    const other = await user(two, `other@${domain}`);
    const west = (await one.post('/Groups', groupBody(`Sales West ${n}`, { members: [{ value: nested }] }))).body.id;
    const sales = (await one.post('/Groups', groupBody(`Sales ${n}`, { members: [{ value: direct }, { value: west, type: 'Group' }] }))).body.id;
    expect((await two.post('/Groups', groupBody(`Deals ${n}`, { members: [{ value: other }] }))).status).toBe(201);
    const [a, b, c] = await Promise.all([accountOfUser(one.directoryId, direct), accountOfUser(one.directoryId, nested), accountOfUser(two.directoryId, other)]);
    expect(await groupNames(a!.id)).toEqual([`Field ${n}`, `Revenue ${n}`]);
    expect(await groupNames(b!.id)).toEqual([`Field ${n}`, `Revenue ${n}`]);
    expect(await groupNames(c!.id)).toEqual([`Revenue ${n}`]);
    // An admin's own membership in a mapped group is not the mapping's.
    const field = (await roster.services.orgGroups.list({ search: `Field ${n}` }))[0]!;
    await roster.services.orgGroups.addMembers(field.id, [a!.id]);

    expect((await one.delete(`/Groups/${sales}`)).status).toBe(204);
    expect(await groupNames(a!.id)).toEqual([`Field ${n}`]);
    expect(await groupNames(b!.id)).toEqual([]);
    expect(await groupNames(c!.id)).toEqual([`Revenue ${n}`]);
    const removed = (await eventsOf('org_group.member_removed')).filter((e) => e.resourceId === field.id);
    expect(removed.flatMap((e) => (e.data as { accountIds: string[] }).accountIds)).toEqual([b!.id]);
  });

  it('default groups: `new` for new accounts, `all` for every account; a synced group cannot be one', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const before = await user(scim, `early@${domain}`);
    const joiners = await roster.services.orgGroups.create({ name: `Joiners ${n}` });
    const everyone = await roster.services.orgGroups.create({ name: `Everyone ${n}` });
    await roster.services.orgGroups.setDefault(joiners.id, 'new');
    const preview = await roster.services.orgGroups.setDefault(everyone.id, 'all', undefined, true);
    const early = await accountOfUser(scim.directoryId, before);
    expect(preview.summary.groups.find((g) => g.groupId === everyone.id)?.added).toContain(early!.id);
    await roster.services.orgGroups.setDefault(everyone.id, 'all');
    expect(await groupNames(early!.id)).toContain(`Everyone ${n}`);
    expect(await groupNames(early!.id)).not.toContain(`Joiners ${n}`);
    const late = await accountOfUser(scim.directoryId, await user(scim, `late@${domain}`));
    expect(await groupNames(late!.id)).toEqual(expect.arrayContaining([`Everyone ${n}`, `Joiners ${n}`]));

    await scim.post('/Groups', groupBody(`Synced ${n}`, { members: [] }));
    await scim.patch(`/Users/${before}`, patchOp({ op: 'replace', path: 'title', value: 'x' }));
    const u = await user(scim, `synced@${domain}`);
    const synced = (await scim.get(`/Groups?filter=${encodeURIComponent(`displayName eq "Synced ${n}"`)}`)).body.Resources[0].id;
    await scim.patch(`/Groups/${synced}`, patchOp({ op: 'add', path: 'members', value: [{ value: u }] }));
    const org = (await roster.services.orgGroups.list({ search: `Synced ${n}` }))[0]!;
    await expect(roster.services.orgGroups.setDefault(org.id, 'all')).rejects.toMatchObject({ code: 'org_group.default_synced', status: 409 });
    // And the other way round: a manual mapping cannot target a default group.
    await expect(roster.services.rules.update(scim.directoryId, { groups: { mode: 'manual', map: [{ idpGroup: 'x', orgGroups: [`Everyone ${n}`] }], unmapped: 'ignore', keepExisting: true } })).rejects.toMatchObject({ code: 'org_group.default_synced' });
  });

  it('a new user gets the apps granted to the default groups in its create, queued past a seat limit; changes to defaults and grants apply to the next create', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const starters = await roster.services.orgGroups.create({ name: `Starters ${n}` });
    await roster.services.orgGroups.setDefault(starters.id, 'new');
    const wiki = await roster.services.apps.create({ name: `Starter wiki ${n}`, kind: 'wiki', seatLimit: 1 });
    await roster.services.apps.grant(wiki.id, starters.id);
    try {
      const appsOf = async (email: string) => (await roster.services.accounts.get((await accountOfUser(scim.directoryId, await user(scim, email)))!.id)).apps.filter((a) => a.id === wiki.id).map((a) => a.status);
      expect(await appsOf(`first@${domain}`)).toEqual(['granted']);
      expect(await appsOf(`second@${domain}`)).toEqual(['queued']);
      // The seat limit raised, the grant removed, the group no longer a default: each counts from the next create on.
      await roster.services.apps.update(wiki.id, { seatLimit: 10 });
      expect(await appsOf(`third@${domain}`)).toEqual(['granted']);
      await roster.services.apps.ungrant(wiki.id, starters.id);
      expect(await appsOf(`fourth@${domain}`)).toEqual([]);
      await roster.services.apps.grant(wiki.id, starters.id);
      await roster.services.orgGroups.setDefault(starters.id, null);
      const fifth = (await accountOfUser(scim.directoryId, await user(scim, `fifth@${domain}`)))!;
      expect(await groupNames(fifth.id)).not.toContain(`Starters ${n}`);
      expect((await roster.services.accounts.get(fifth.id)).apps.filter((a) => a.id === wiki.id)).toEqual([]);
    } finally {
      await roster.services.orgGroups.setDefault(starters.id, null);
      await roster.services.apps.remove(wiki.id);
    }
  });

  it('seat limits queue new access instead of over-assigning; a freed seat goes to the head of the queue', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const [a, b, c] = [await user(scim, `s1@${domain}`), await user(scim, `s2@${domain}`), await user(scim, `s3@${domain}`)];
    await scim.post('/Groups', groupBody(`Seated ${n}`, { members: [{ value: a }, { value: b }, { value: c }] }));
    const group = (await roster.services.orgGroups.list({ search: `Seated ${n}` }))[0]!;
    const app = await roster.services.apps.create({ name: `Tracker ${n}`, kind: 'issue_tracker', seatLimit: 2 });
    const grant = await roster.services.apps.grant(app.id, group.id);
    expect(grant.summary.apps[0]).toMatchObject({ appId: app.id });
    expect(grant.summary.apps[0]!.granted).toHaveLength(2);
    expect(grant.summary.apps[0]!.queued).toHaveLength(1);
    expect(await roster.services.apps.get(app.id)).toMatchObject({ seatsUsed: 2, queued: 1 });
    const queued = grant.summary.apps[0]!.queued[0]!;
    const why = await roster.services.accounts.explain(queued, app.id);
    expect(why).toMatchObject({ status: 'queued', hasAccess: false });

    // A holder leaves: the queued account gets the seat, in the same write.
    const holder = grant.summary.apps[0]!.granted[0]!;
    const holderUser = (await roster.services.accounts.get(holder)).links[0]!.userId;
    await scim.patch(`/Users/${holderUser}`, patchOp({ op: 'replace', value: { active: false } }));
    expect((await roster.services.accounts.get(queued)).apps).toMatchObject([{ id: app.id, status: 'granted' }]);
    expect(await roster.services.apps.get(app.id)).toMatchObject({ seatsUsed: 2, queued: 0 });
  });

  it('a queued account that leaves the group is dropped from the queue without a revocation; the seats stay as they were', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const [a, b, c] = [await user(scim, `w1@${domain}`), await user(scim, `w2@${domain}`), await user(scim, `w3@${domain}`)];
    const group = await scim.post('/Groups', groupBody(`Waiting room ${n}`, { members: [{ value: a }, { value: b }, { value: c }] }));
    const orgGroup = (await roster.services.orgGroups.list({ search: `Waiting room ${n}` }))[0]!;
    const app = await roster.services.apps.create({ name: `Two seats ${n}`, kind: 'other', seatLimit: 2 });
    const grant = await roster.services.apps.grant(app.id, orgGroup.id);
    const queued = grant.summary.apps[0]!.queued[0]!;
    const queuedUser = (await roster.services.accounts.get(queued)).links[0]!.userId;
    const last = async () => (await roster.services.events.list({ afterSeq: 0, limit: 1_000_000 })).at(-1)!.seq;
    const before = await last();

    await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${queuedUser}"]` }));
    const events = await roster.services.events.list({ afterSeq: before, limit: 1000 });
    const about = (type: string) => events.filter((e) => e.type === type && e.resourceId === app.id).flatMap((e) => (e.data as { accountIds: string[] }).accountIds);
    expect(about('access.revoked')).toEqual([]);
    expect(about('access.granted')).toEqual([]);
    expect((await roster.services.accounts.get(queued)).apps.filter((x) => x.id === app.id)).toEqual([]);
    expect(await roster.services.apps.get(app.id)).toMatchObject({ seatsUsed: 2, queued: 0 });
  });

  it("an account's detail and explain list a group's sources in the order the account got them", async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const u = await user(scim, `order@${domain}`);
    const idpGroup = await scim.post('/Groups', groupBody(`Ordered ${n}`, { members: [{ value: u }] }));
    const group = (await roster.services.orgGroups.list({ search: `Ordered ${n}` }))[0]!;
    const account = (await accountOfUser(scim.directoryId, u))!;
    // Mapped first, then given by hand: in the order made, not sorted (`manual` sorts before `map:`).
    await roster.services.orgGroups.addMembers(group.id, [account.id]);
    const mapped = `map:${scim.directoryId}:${idpGroup.body.id}`;
    expect((await roster.services.accounts.get(account.id)).groups.find((g) => g.id === group.id)!.sources).toEqual([mapped, 'manual']);
    const app = await roster.services.apps.create({ name: `Ordered app ${n}`, kind: 'other' });
    await roster.services.apps.grant(app.id, group.id);
    const why = await roster.services.accounts.explain(account.id, app.id);
    expect(why.chains.map((c) => c.reasons.map((r) => r.kind))).toEqual([['idp_group', 'manual']]);
  });

  it('a raised seat limit seats the queue, oldest first; a removed limit seats all of it', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await user(scim, `r${i}@${domain}`));
    await scim.post('/Groups', groupBody(`Raised ${n}`, { members: users.map((value) => ({ value })) }));
    const group = (await roster.services.orgGroups.list({ search: `Raised ${n}` }))[0]!;
    const app = await roster.services.apps.create({ name: `Raised app ${n}`, kind: 'other', seatLimit: 1 });
    const grant = await roster.services.apps.grant(app.id, group.id);
    const queue = grant.summary.apps[0]!.queued;
    expect(queue).toHaveLength(3);
    const status = async (accountId: string) => (await roster.services.accounts.get(accountId)).apps.find((x) => x.id === app.id)?.status;

    await roster.services.apps.update(app.id, { seatLimit: 2 });
    expect(await roster.services.apps.get(app.id)).toMatchObject({ seatsUsed: 2, queued: 2 });
    expect(await status(queue[0]!)).toBe('granted');
    expect([await status(queue[1]!), await status(queue[2]!)]).toEqual(['queued', 'queued']);

    await roster.services.apps.update(app.id, { seatLimit: null });
    expect(await roster.services.apps.get(app.id)).toMatchObject({ seatsUsed: 4, queued: 0 });
    expect([await status(queue[1]!), await status(queue[2]!)]).toEqual(['granted', 'granted']);
  });

  it('a grant removed from a group frees its seats for the queue of another granted group, in the same change', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const [a, b] = [await user(scim, `q1@${domain}`), await user(scim, `q2@${domain}`)];
    await scim.post('/Groups', groupBody(`Seat holders ${n}`, { members: [{ value: a }] }));
    await scim.post('/Groups', groupBody(`Seat waiters ${n}`, { members: [{ value: b }] }));
    const holders = (await roster.services.orgGroups.list({ search: `Seat holders ${n}` }))[0]!;
    const waiters = (await roster.services.orgGroups.list({ search: `Seat waiters ${n}` }))[0]!;
    const app = await roster.services.apps.create({ name: `One seat ${n}`, kind: 'other', seatLimit: 1 });
    await roster.services.apps.grant(app.id, holders.id);
    await roster.services.apps.grant(app.id, waiters.id);
    const [holder, waiter] = [(await accountOfUser(scim.directoryId, a))!, (await accountOfUser(scim.directoryId, b))!];
    const status = async (accountId: string) => (await roster.services.accounts.get(accountId)).apps.find((x) => x.id === app.id)?.status;
    expect([await status(holder.id), await status(waiter.id)]).toEqual(['granted', 'queued']);
    // The holders' group loses the grant: its account has no grant left to the app, and the seat goes to the queue.
    const change = await roster.services.apps.ungrant(app.id, holders.id);
    expect(change.summary.apps[0]).toMatchObject({ appId: app.id, revoked: [holder.id], granted: [waiter.id] });
    expect([await status(holder.id), await status(waiter.id)]).toEqual([undefined, 'granted']);
  });

  it('the mass-deprovision guard holds deactivations past the threshold; approving applies them in order', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const rules = (await roster.services.rules.get(scim.directoryId)).rules;
    await roster.services.rules.update(scim.directoryId, { guard: { ...rules.guard, minCount: 2, share: 0.1 } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await user(scim, `g${i}@${domain}`));
    for (const id of ids.slice(0, 4)) {
      // The IdP is answered normally whatever the guard does.
      expect((await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }))).status).toBe(200);
    }
    const accounts = await Promise.all(ids.map((id) => accountOfUser(scim.directoryId, id)));
    expect(await Promise.all(accounts.slice(0, 4).map(async (a) => (await roster.services.accounts.get(a!.id)).status))).toEqual(['deactivated', 'deactivated', 'active', 'active']);
    const held = await roster.services.held.list({ directoryId: scim.directoryId });
    expect(held.map((h) => [h.accountId, h.userId, h.action, h.status])).toEqual([[accounts[2]!.id, ids[2], 'deactivate', 'held'], [accounts[3]!.id, ids[3], 'deactivate', 'held']]);
    // Each row names its account (the page's names come in one query, not one request per row).
    expect(held.map((h) => h.accountName)).toEqual([`g2@${domain}`, `g3@${domain}`]);
    await expect(roster.services.held.approve([held[0]!.id, 'no-such-id'])).rejects.toMatchObject({ code: 'deprovision.not_found', message: expect.stringContaining('no-such-id') });
    expect((await eventsOf('deprovision.held')).filter((e) => e.directoryId === scim.directoryId)).toHaveLength(2);

    await roster.services.held.reject([held[1]!.id]);
    const approved = await roster.services.held.approveAll(scim.directoryId);
    expect(approved.result).toEqual({ decided: 1, applied: 1 });
    expect((await roster.services.accounts.get(accounts[2]!.id)).status).toBe('deactivated');
    expect((await roster.services.accounts.get(accounts[3]!.id)).status).toBe('active');
    await expect(roster.services.held.approve([held[0]!.id])).rejects.toMatchObject({ code: 'deprovision.decided' });
  });

  it('a preview names its groups, apps and the first accounts of each list, those it would create included', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory();
    const members = [await user(scim, `named1@${domain}`, { displayName: 'Named One' }), await user(scim, `named2@${domain}`)];
    const group = await roster.services.orgGroups.create({ name: `Named group ${domain}` });
    const app = await roster.services.apps.create({ name: `Named app ${domain}`, kind: 'wiki' });
    await roster.services.apps.grant(app.id, group.id);
    const accountIds = await Promise.all(members.map(async (u) => (await accountOfUser(scim.directoryId, u))!.id));
    const added = await roster.services.orgGroups.addMembers(group.id, accountIds);
    expect(added.summary.names).toEqual({ [group.id]: group.name, [app.id]: app.name, [accountIds[0]!]: 'Named One', [accountIds[1]!]: `named2@${domain}` });

    // A rules change that would create accounts (allowCreate back on) names them though they are rolled back.
    const other = await roster.directory();
    await roster.services.rules.update(other.directoryId, { sync: { ...(await roster.services.rules.get(other.directoryId)).rules.sync, allowCreate: false } });
    await other.post('/Users', userBody(`later@${domain}`, { displayName: 'Later Person', emails: [{ value: `later@${domain}`, primary: true }] }));
    const preview = await roster.services.rules.preview(other.directoryId, { sync: { ...(await roster.services.rules.get(other.directoryId)).rules.sync, allowCreate: true } });
    expect(preview.summary.accounts.created).toHaveLength(1);
    expect(preview.summary.names[preview.summary.accounts.created[0]!]).toBe('Later Person');
  });

  it('attribute mapping with expressions and custom account attributes; a rules change previews exactly what applying does', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory({ idp: 'okta' });
    const u = await user(scim, `Map.Me@${domain}`, { name: { givenName: 'Ada', familyName: 'Byron' }, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', costCenter: 'CC-7' }, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] });
    const account = await accountOfUser(scim.directoryId, u);
    const attributes = (await roster.services.rules.get(scim.directoryId)).rules.attributes;
    const next = {
      attributes: {
        fields: { ...attributes.fields, displayName: { upper: { concat: [{ path: 'name.familyName' }, { path: 'name.givenName' }], separator: ', ' } }, userName: { lower: { replace: { path: 'userName' }, pattern: '@.*$', with: '' } } },
        custom: { costCenter: { path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter' }, tier: { const: 'gold' } },
      },
    };
    const preview = await roster.services.rules.preview(scim.directoryId, next);
    expect(preview.summary.accounts.updated).toContain(account!.id);
    expect(await roster.services.accounts.get(account!.id)).toMatchObject({ displayName: 'Ada Byron' });
    const applied = await roster.services.rules.update(scim.directoryId, next);
    expect(applied.summary).toEqual(preview.summary);
    expect(await roster.services.accounts.get(account!.id)).toMatchObject({ displayName: 'BYRON, ADA', userName: 'map.me', department: 'R&D', custom: { costCenter: 'CC-7', tier: 'gold' } });
    await expect(roster.services.rules.update(scim.directoryId, { attributes: { fields: { email: { path: 'emails[type eq' } }, custom: {} } })).rejects.toMatchObject({ code: 'rules.invalid' });
  });

  it('every save of the rules takes the next version, the same rules saved again included, whichever node saved last', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const other = createServices(roster.config, roster.store);
    const { rules, version } = await roster.services.rules.get(scim.directoryId);
    const tier = (value: string) => ({ attributes: { fields: rules.attributes.fields, custom: { tier: { const: value } } } });
    await roster.services.rules.update(scim.directoryId, tier('a'));
    expect((await roster.services.rules.update(scim.directoryId, tier('a'))).result!.version).toBe(version + 2);
    expect((await roster.services.rules.get(scim.directoryId)).version).toBe(version + 2);
    // Another node changes them and changes them back: this node counts from the stored version.
    await other.rules.update(scim.directoryId, tier('b'));
    await other.rules.update(scim.directoryId, tier('a'));
    expect((await roster.services.rules.get(scim.directoryId)).version).toBe(version + 4);
    expect((await roster.services.rules.update(scim.directoryId, tier('a'))).result!.version).toBe(version + 5);
  });

  it('a node that previewed a rules change runs the change another node applied under the same version', async () => {
    const domain = await freshDomain();
    const scim = await roster.directory({ idp: 'okta' });
    const before = await accountOfUser(scim.directoryId, await user(scim, `before.preview@${domain}`));
    // A second node on the same database: its own services, with their own caches.
    const other = createServices(roster.config, roster.store);
    const { rules, version } = await roster.services.rules.get(scim.directoryId);
    const tier = (value: string) => ({ attributes: { fields: rules.attributes.fields, custom: { tier: { const: value } } } });
    await roster.services.rules.preview(scim.directoryId, tier('previewed'));
    expect((await other.rules.get(scim.directoryId)).version).toBe(version);
    // The other node applies a different change; it takes the version number the preview took and rolled back.
    await other.rules.update(scim.directoryId, tier('applied'));
    expect((await other.rules.get(scim.directoryId)).version).toBe(version + 1);
    expect((await roster.services.accounts.get(before!.id)).custom).toEqual({ tier: 'applied' });
    // The first node serves the next SCIM write with the applied rules, not the ones it previewed.
    const account = await accountOfUser(scim.directoryId, await user(scim, `after.preview@${domain}`));
    expect((await roster.services.accounts.get(account!.id)).custom).toEqual({ tier: 'applied' });
  });
});
