import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('parallel writes on one node', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('16 parallel PATCHes adding different members to one group lose none', async () => {
    const scim = await roster.directory();
    const users = await Promise.all(Array.from({ length: 16 }, (_, i) => scim.post('/Users', userBody(`member${i}@example.com`))));
    const group = await scim.post('/Groups', groupBody('Everyone'));
    const results = await Promise.all(users.map((u) => scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.body.id }] }))));
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(204));
    const read = await scim.get(`/Groups/${group.body.id}`);
    expect(read.body.members.map((m: { value: string }) => m.value).sort()).toEqual(users.map((u) => u.body.id).sort());
    // Each delta bumped the version once: 1 at creation + 16.
    expect(read.body.meta.version).toBe('W/"17"');
  });

  it('parallel creates of one userName give one 201 and 409s', async () => {
    const scim = await roster.directory();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => scim.post('/Users', userBody(i % 2 ? 'SAME@example.com' : 'same@example.com'))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(15);
    expect(conflicts.every((r) => r.body.scimType === 'uniqueness')).toBe(true);
    expect((await scim.get('/Users?count=0')).body.totalResults).toBe(1);
  });

  it('parallel PATCHes with the same If-Match: exactly one wins, the rest get 412', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('etag@example.com'));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: `writer ${i}` }), { 'if-match': user.body.meta.version })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(7);
    const winner = results.find((r) => r.status === 200)!;
    expect((await scim.get(`/Users/${user.body.id}`)).body.displayName).toBe(winner.body.displayName);
  });

  it('a deleted user leaves every group in the same transaction, and each group version moves', async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('leaver@example.com'));
    const groups = await Promise.all(['A', 'B', 'C'].map((n) => scim.post('/Groups', groupBody(n, { members: [{ value: user.body.id }] }))));
    expect((await scim.delete(`/Users/${user.body.id}`)).status).toBe(204);
    for (const g of groups) {
      const read = await scim.get(`/Groups/${g.body.id}`);
      expect(read.body.members).toEqual([]);
      expect(read.body.meta.version).not.toBe(g.body.meta.version);
    }
    const events = await roster.services.store.read((q) => q.events.list(scim.directoryId, 0, 100));
    expect(events.filter((e) => e.type === 'group.members_removed')).toHaveLength(3);
    expect(events.at(-1)!.type).toBe('user.deleted');
  });
});
