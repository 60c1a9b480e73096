import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest, type ScimResponse } from '../helpers/start-roster.ts';

/**
 * Concurrent writes over real sockets (issue 2, "Tests"): IdPs push with concurrency 16, and none of
 * their writes may be lost or doubled.
 */

const PARALLEL = 16;

const statuses = (responses: ScimResponse[]) => responses.map((r) => r.status).sort((a, b) => a - b);

describeEachEngine('concurrent writes over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('16 parallel PATCHes each adding a different member to one group lose none', async () => {
    const scim = await roster.directory();
    const users = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => scim.post('/Users', userBody(`member${i}@example.com`))));
    const ids = users.map((u) => u.body.id as string);
    const group = await scim.post('/Groups', groupBody('Contended'));
    const responses = await Promise.all(ids.map((id) => scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: id }] }))));
    for (const res of responses) expect(res.status, res.text).toBeLessThan(300);
    const read = await scim.get(`/Groups/${group.body.id}`);
    const members = (read.body.members as { value: string }[]).map((m) => m.value);
    expect(members).toHaveLength(PARALLEL);
    expect([...members].sort()).toEqual([...ids].sort());
    // Each add was its own version.
    expect(read.body.meta.version).toBe(`W/"${1 + PARALLEL}"`);
    // And each member sees the group.
    for (const id of ids) expect(((await scim.get(`/Users/${id}`)).body.groups as { value: string }[]).map((g) => g.value)).toEqual([group.body.id]);
  });

  it('16 parallel PATCHes each removing a different member from one group remove exactly those', async () => {
    const scim = await roster.directory();
    const users = await Promise.all(Array.from({ length: PARALLEL * 2 }, (_, i) => scim.post('/Users', userBody(`leaver${i}@example.com`))));
    const ids = users.map((u) => u.body.id as string);
    const group = await scim.post('/Groups', groupBody('Shrinking', { members: ids.map((value) => ({ value })) }));
    const leaving = ids.slice(0, PARALLEL);
    const responses = await Promise.all(leaving.map((id) => scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${id}"]` }))));
    for (const res of responses) expect(res.status, res.text).toBeLessThan(300);
    const members = ((await scim.get(`/Groups/${group.body.id}`)).body.members as { value: string }[]).map((m) => m.value);
    expect([...members].sort()).toEqual(ids.slice(PARALLEL).sort());
  });

  it('16 parallel creates of the same userName: exactly one 201 and fifteen 409 uniqueness', async () => {
    const scim = await roster.directory();
    // Differently cased, as two IdP workers might send them.
    const responses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => scim.post('/Users', userBody(i % 2 === 0 ? 'race@example.com' : 'Race@Example.com', { displayName: `Racer ${i}` }))));
    expect(statuses(responses)).toEqual([201, ...Array<number>(PARALLEL - 1).fill(409)]);
    for (const res of responses.filter((r) => r.status === 409)) expectScimError(res, 409, 'uniqueness');
    const list = await scim.get('/Users');
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0].id).toBe(responses.find((r) => r.status === 201)!.body.id);
    const created = (await roster.services.events.list({ directoryId: scim.directoryId, limit: 1000 })).filter((e) => e.type === 'user.created');
    expect(created).toHaveLength(1);
  });

  it('16 parallel creates of the same group displayName: exactly one 201', async () => {
    const scim = await roster.directory();
    const responses = await Promise.all(Array.from({ length: PARALLEL }, () => scim.post('/Groups', groupBody('Racers'))));
    expect(statuses(responses)).toEqual([201, ...Array<number>(PARALLEL - 1).fill(409)]);
    expect((await scim.get('/Groups?count=0')).body.totalResults).toBe(1);
  });

  it('parallel PATCHes with If-Match of the same version: exactly one succeeds, the rest 412', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('ifmatch@example.com', { displayName: 'Start' }));
    const version = user.body.meta.version as string;
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: `Writer ${i}` }), { 'if-match': version })),
    );
    expect(statuses(responses)).toEqual([200, ...Array<number>(PARALLEL - 1).fill(412)]);
    for (const res of responses.filter((r) => r.status === 412)) expectScimError(res, 412);
    const winner = responses.find((r) => r.status === 200)!;
    const read = await scim.get(`/Users/${user.body.id}`);
    expect(read.body.displayName).toBe(winner.body.displayName);
    expect(read.body.meta.version).toBe(winner.body.meta.version);
    expect(read.body.meta.version).toBe('W/"2"');
  });

  it('parallel PUTs and DELETEs with If-Match of the same version: exactly one succeeds', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('putrace@example.com'));
    const version = user.body.meta.version as string;
    const responses = await Promise.all([
      ...Array.from({ length: PARALLEL / 2 }, (_, i) => scim.put(`/Users/${user.body.id}`, userBody('putrace@example.com', { title: `T${i}` }), { 'if-match': version })),
      ...Array.from({ length: PARALLEL / 2 }, () => scim.delete(`/Users/${user.body.id}`, { 'if-match': version })),
    ]);
    const ok = responses.filter((r) => r.status === 200 || r.status === 204);
    expect(ok).toHaveLength(1);
    for (const res of responses) if (!ok.includes(res)) expect([404, 412]).toContain(res.status);
  });

  it('parallel PATCHes on one user without If-Match all apply (none lost)', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('adds@example.com'));
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: `alias${i}@example.com`, type: 'other' }] }))),
    );
    for (const res of responses) expect(res.status, res.text).toBe(200);
    const emails = ((await scim.get(`/Users/${user.body.id}`)).body.emails as { value: string }[]).map((e) => e.value).sort();
    expect(emails).toEqual(Array.from({ length: PARALLEL }, (_, i) => `alias${i}@example.com`).sort());
  });

  it('no request in this file made the server answer 5xx', () => {
    expect(roster.logs()).toContain('"statusCode":');
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
