import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/domain/events/domain-event.ts';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { groupBody, patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('events: typed envelopes through one recorder', (engine) => {
  let roster: RosterUnderTest;
  const seen: RecordedEvent[] = [];

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    // A reactor sees every event inside its transaction; one that throws rolls the change back.
    roster.services.react('*', async (_tx, event) => {
      seen.push(event);
      if (event.type === 'user.created' && event.data.userName === 'refused-by-reactor@example.com') throw new Error('reactor refused');
    });
  });
  afterAll(() => roster.close());

  const eventsOf = async (directoryId: string) => roster.services.events.list({ directoryId, limit: 1000 });

  it('records each SCIM write with an id, a schema version, the data after the change and what changed', async () => {
    const scim = await roster.directory({ idp: 'okta' });
    const user = await scim.post('/Users', userBody('ev@example.com', { name: { givenName: 'Eve' } }));
    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'Engineer' }));
    await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
    const group = await scim.post('/Groups', groupBody('Eng', { members: [{ value: user.body.id }] }));
    await scim.delete(`/Users/${user.body.id}`);

    const events = await eventsOf(scim.directoryId);
    expect(events.map((e) => e.type)).toEqual([
      'directory.created',
      'token.created',
      'user.created',
      'user.updated',
      'user.deactivated',
      'group.created',
      'group.members_changed',
      'group.members_changed',
      'user.deleted',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) expect(e).toMatchObject({ schemaVersion: 1, directoryId: scim.directoryId });
    const [, , created, updated, deactivated, , added, removed, deleted] = events;
    expect(created).toMatchObject({ resourceType: 'User', resourceId: user.body.id, data: { id: user.body.id, userName: 'ev@example.com', name: { givenName: 'Eve' } }, changed: null });
    expect(updated).toMatchObject({ data: { title: 'Engineer' }, changed: ['title'] });
    expect(deactivated).toMatchObject({ data: { active: false }, changed: ['active'] });
    expect(added).toMatchObject({ resourceId: group.body.id, data: { id: group.body.id, added: [user.body.id], removed: [] } });
    expect(removed).toMatchObject({ resourceId: group.body.id, data: { added: [], removed: [user.body.id] } });
    expect(deleted).toMatchObject({ data: { id: user.body.id, userName: 'ev@example.com', externalId: null } });
    // What reactors saw is exactly what was recorded, in the same order.
    expect(seen.filter((e) => e.directoryId === scim.directoryId).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('records admin changes to directories, tokens and keys, never a secret', async () => {
    const scim = await roster.directory();
    await roster.services.directories.update(scim.directoryId, { name: 'Renamed', status: 'paused' });
    const issued = await roster.services.tokens.create(scim.directoryId, { label: 'second' });
    const rotated = await roster.services.tokens.rotate(issued.view.id, 60);
    await roster.services.tokens.revoke(rotated.view.id);
    const key = await roster.services.adminKeys.create('events');
    await roster.services.adminKeys.revoke(key.view.id);

    const events = await eventsOf(scim.directoryId);
    expect(events.map((e) => e.type)).toEqual(['directory.created', 'token.created', 'directory.updated', 'token.created', 'token.rotated', 'token.revoked']);
    expect(events[2]).toMatchObject({ data: { name: 'Renamed', status: 'paused' }, changed: ['name', 'status'] });
    expect(events[4]).toMatchObject({ resourceId: rotated.view.id, data: { replacedTokenId: issued.view.id } });
    const organization = (await roster.services.events.list({ limit: 1000 })).filter((e) => e.resourceId === key.view.id);
    expect(organization.map((e) => [e.type, e.directoryId])).toEqual([['admin_key.created', null], ['admin_key.revoked', null]]);
    const all = JSON.stringify(await roster.services.events.list({ limit: 1000 }));
    for (const secret of [scim.token, issued.token, rotated.token, key.key]) expect(all).not.toContain(secret);
  });

  it('a reactor runs in the transaction that recorded the event: its failure undoes the write', async () => {
    const scim = await roster.directory();
    const before = (await eventsOf(scim.directoryId)).length;
    const res = await scim.post('/Users', userBody('refused-by-reactor@example.com'));
    expect(res.status).toBe(500);
    expectScimError(res, 500);
    expect(res.text).not.toContain('reactor refused');
    const lookup = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "refused-by-reactor@example.com"')}`);
    expect(lookup.body.totalResults).toBe(0);
    expect((await eventsOf(scim.directoryId)).length).toBe(before);
  });
});
