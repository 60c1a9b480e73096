import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { patchOp, startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('event feed: GET /api/v1/events', (engine) => {
  let roster: RosterUnderTest;
  let key: string;

  beforeAll(async () => {
    roster = await startRoster({ ROSTER_EVENT_RETENTION_DAYS: '1' }, engine);
    key = (await roster.services.adminKeys.create('feed test')).key;
  });
  afterAll(() => roster.close());

  async function feed(query: string, apiKey = key) {
    const res = await fetch(`${roster.origin}/api/v1/events${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** Every event after `after`, page by page, as a consumer keeping its cursor reads them. */
  async function readAll(query: string, after?: string) {
    const events: any[] = [];
    let cursor = after;
    for (let pages = 0; pages < 500; pages++) {
      const { status, body } = await feed(`?limit=3${query}${cursor ? `&after=${cursor}` : ''}`);
      expect(status).toBe(200);
      events.push(...body.events);
      cursor = body.nextCursor;
      if (!body.hasMore) break;
    }
    return { events, cursor: cursor! };
  }

  it('serves every event once, in commit order, through opaque cursors; a stored cursor resumes exactly', async () => {
    const scim = await roster.directory();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await scim.post('/Users', userBody(`feed${i}@example.com`))).body.id);
    await scim.patch(`/Users/${ids[0]}`, patchOp({ op: 'replace', path: 'active', value: false }));

    const first = await readAll(`&directory=${scim.directoryId}`);
    expect(first.events.map((e) => e.type)).toEqual(['directory.created', 'token.created', ...ids.map(() => 'user.created'), 'user.deactivated']);
    expect(first.events.slice(2, 7).map((e) => e.resourceId)).toEqual(ids);
    expect(new Set(first.events.map((e) => e.id)).size).toBe(first.events.length);
    const e = first.events[2];
    expect(Object.keys(e).sort()).toEqual(['at', 'changed', 'cursor', 'data', 'directoryId', 'id', 'resourceId', 'resourceType', 'schemaVersion', 'type']);
    expect(e).toMatchObject({ type: 'user.created', schemaVersion: 1, directoryId: scim.directoryId, resourceType: 'User', data: { userName: 'feed0@example.com' } });
    expect(first.cursor).not.toMatch(/^\d+$/); // opaque

    // Nothing new: the stored cursor gives an empty page and keeps its place.
    const idle = await feed(`?after=${first.cursor}&directory=${scim.directoryId}`);
    expect(idle.body).toMatchObject({ events: [], hasMore: false });
    await scim.delete(`/Users/${ids[1]}`);
    const resumed = await readAll(`&directory=${scim.directoryId}`, first.cursor);
    expect(resumed.events.map((x) => [x.type, x.resourceId])).toEqual([['user.deleted', ids[1]]]);

    // A per-event cursor resumes right after that event.
    const fromThird = await readAll(`&directory=${scim.directoryId}`, first.events[4].cursor);
    expect(fromThird.events.map((x) => x.id)).toEqual([...first.events.slice(5), ...resumed.events].map((x) => x.id));
  });

  it('filters by event types and directory; organization-wide events have no directory', async () => {
    const a = await roster.directory();
    const b = await roster.directory();
    await a.post('/Users', userBody('a@example.com'));
    await b.post('/Users', userBody('b@example.com'));
    const { events } = await readAll(`&types=user.created,directory.created&directory=${b.directoryId}`);
    expect(events.map((x) => x.type)).toEqual(['directory.created', 'user.created']);
    expect(events.every((x) => x.directoryId === b.directoryId)).toBe(true);
    const keys = await readAll('&types=admin_key.created');
    expect(keys.events.at(-1)).toMatchObject({ type: 'admin_key.created', directoryId: null, resourceType: 'AdminKey' });
  });

  it('sends each page as JSON.stringify of the domain page would, key order included, with stored data spliced as written', async () => {
    const scim = await roster.directory();
    // Escapes and characters outside ASCII must come out as they went in.
    const created = await scim.post('/Users', userBody('zoë "q" \\ 名前@example.com', { displayName: 'Zoë \u2028 \t tab' }));
    await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Zoë 2' }));
    const query = `?limit=1000&directory=${scim.directoryId}`;
    const res = await fetch(`${roster.origin}/api/v1/events${query}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await res.text();
    const page = await roster.services.events.page({ limit: 1000, directoryId: scim.directoryId });
    expect(text).toBe(JSON.stringify(page));
    const updated = page.events.find((e) => e.type === 'user.updated')!;
    expect(updated.changed).toEqual(['displayName']);
    expect(page.events.find((e) => e.type === 'user.created')!.data).toMatchObject({ userName: 'zoë "q" \\ 名前@example.com', displayName: 'Zoë \u2028 \t tab' });
  });

  it('refuses bad input with the field named, and anyone without an admin key', async () => {
    expect((await feed('?limit=0')).body.error).toMatchObject({ code: 'event.invalid', field: 'limit' });
    expect((await feed('?limit=1001')).status).toBe(400);
    expect((await feed('?types=user.exploded')).body.error).toMatchObject({ code: 'event.invalid' });
    expect((await feed('?after=not-a-cursor')).body.error).toMatchObject({ code: 'event.cursor_invalid' });
    expect((await feed('', 'rsk_wrong')).status).toBe(401);
  });

  it('a cursor older than the retention gets 410 with the oldest cursor available, which reads on', async () => {
    const scim = await roster.directory();
    await scim.post('/Users', userBody('old@example.com'));
    const { cursor: start } = await readAll('');
    const before = (await feed('?limit=1')).body.events[0];
    await scim.post('/Users', userBody('older@example.com'));
    // Retention is a day: two days from now, everything so far is past it.
    const deleted = await roster.services.events.prune(new Date(Date.now() + 2 * 86_400_000));
    expect(deleted).toBeGreaterThan(0);
    const gone = await feed(`?after=${before.cursor}`);
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({ code: 'event.cursor_expired', oldestCursor: expect.any(String) });
    const fresh = await scim.post('/Users', userBody('fresh@example.com'));
    const next = await readAll('', gone.body.error.oldestCursor);
    // The user's event, then the account the organization layer made for it (same transaction).
    expect(next.events.map((x) => x.type)).toEqual(['user.created', 'account.created']);
    expect(next.events[0]!.resourceId).toBe(fresh.body.id);
    // A consumer whose cursor was before `older` lost it: it is told so too.
    expect((await feed(`?after=${start}`)).status).toBe(410);
    expect((await feed(`?after=${next.cursor}`)).body.events).toEqual([]);
  });
});
