import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, groupBody, patchOp, startRoster, userBody, type RosterUnderTest, type ScimClient, type ScimResponse } from '../helpers/start-roster.ts';

/**
 * Bad input (issue 2, "Bad input"): every malformed or illegal request gets the right 4xx with a SCIM
 * error body (RFC 7644 §3.12), never a 500, and never a partial write. Each case checks the resource,
 * the list totals and the event log are exactly as before the request.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// Small limits so the limit cases are cheap to reach; generous enough for every ordinary request here.
const LIMITS = {
  ROSTER_BODY_LIMIT_BYTES: '4096',
  ROSTER_FILTER_MAX_LENGTH: '100',
  ROSTER_FILTER_MAX_DEPTH: '4',
  ROSTER_MAX_PAGE_SIZE: '5',
};

const q = (filter: string) => encodeURIComponent(filter);

describeEachEngine('bad input over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster(LIMITS, engine);
  });
  afterAll(() => roster.close());

  /** What a write could have touched: list totals and the event log. */
  async function state(scim: ScimClient & { directoryId: string }) {
    const users = await scim.get('/Users?count=0');
    const groups = await scim.get('/Groups?count=0');
    const events = await roster.store.read((qs) => qs.events.list({ directoryId: scim.directoryId, afterSeq: 0, limit: 100_000 }));
    return { users: users.body.totalResults, groups: groups.body.totalResults, events: events.length };
  }

  describe('POST /Users', () => {
    const cases: [string, unknown, number, string | undefined, Record<string, string>?][] = [
      ['malformed JSON', '{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": ', 400, 'invalidSyntax'],
      ['malformed JSON sent as application/json', '{"userName": "x"', 400, 'invalidSyntax', { 'content-type': 'application/json' }],
      ['an empty body', '', 400, 'invalidSyntax'],
      ['a JSON array', [userBody('array@example.com')], 400, 'invalidSyntax'],
      ['a JSON string', '"ada@example.com"', 400, 'invalidSyntax'],
      ['no schemas', { userName: 'noschemas@example.com' }, 400, 'invalidSyntax'],
      ['the Group schema', { schemas: [GROUP_SCHEMA], userName: 'group@example.com' }, 400, 'invalidSyntax'],
      ['schemas as a string', { schemas: USER_SCHEMA, userName: 'string@example.com' }, 400, 'invalidSyntax'],
      ['an unknown attribute', userBody('unknown@example.com', { favouriteColour: 'teal' }), 400, undefined],
      ['an unknown extension attribute', userBody('unknownext@example.com', { [ENTERPRISE]: { shoeSize: 42 } }), 400, undefined],
      ['an unknown extension schema', userBody('unknownurn@example.com', { 'urn:example:params:scim:schemas:extension:nope:2.0:User': { a: 1 } }), 400, undefined],
      ['an unknown sub-attribute', userBody('unknownsub@example.com', { name: { givenName: 'Ada', middle: 'K' } }), 400, undefined],
      ['userName as a number', { schemas: [USER_SCHEMA], userName: 42 }, 400, 'invalidValue'],
      ['active as "yes"', userBody('yes@example.com', { active: 'yes' }), 400, 'invalidValue'],
      ['active as 1', userBody('one@example.com', { active: 1 }), 400, 'invalidValue'],
      ['emails as a string', userBody('emailstring@example.com', { emails: 'emailstring@example.com' }), 400, 'invalidValue'],
      ['emails as an object, not an array', userBody('emailobject@example.com', { emails: { value: 'emailobject@example.com', type: 'work' } }), 400, 'invalidValue'],
      ['emails with a number value', userBody('emailnumber@example.com', { emails: [{ value: 7 }] }), 400, 'invalidValue'],
      ['two primary emails', userBody('twoprimary@example.com', { emails: [{ value: 'a@example.com', primary: true }, { value: 'b@example.com', primary: true }] }), 400, 'invalidValue'],
      ['name as a string', userBody('namestring@example.com', { name: 'Ada Lovelace' }), 400, 'invalidValue'],
      ['no userName', { schemas: [USER_SCHEMA], displayName: 'Nobody' }, 400, 'invalidValue'],
      ['an empty userName', { schemas: [USER_SCHEMA], userName: '' }, 400, 'invalidValue'],
      ['the enterprise extension as a string', userBody('extstring@example.com', { [ENTERPRISE]: 'Sales' }), 400, 'invalidValue'],
    ];

    it.each(cases)('%s → %i, nothing written', async (_name, body, status, scimType, headers) => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('existing@example.com'));
      const before = await state(scim);
      const res = await scim.post('/Users', body, headers);
      expectScimError(res, status, scimType);
      expect(await state(scim)).toEqual(before);
    });

    it('an unsupported media type → 415 SCIM error, nothing written', async () => {
      const scim = await roster.directory();
      const before = await state(scim);
      const res = await scim.post('/Users', '<user><userName>xml@example.com</userName></user>', { 'content-type': 'application/xml' });
      expectScimError(res, 415);
      expect(await state(scim)).toEqual(before);
    });

    it('ignores read-only id, meta and groups in a POST (RFC 7643 §2.2)', async () => {
      const scim = await roster.directory();
      const group = await scim.post('/Groups', groupBody('Readers'));
      const res = await scim.post(
        '/Users',
        userBody('readonly@example.com', {
          id: 'client-chosen-id',
          meta: { resourceType: 'Group', created: '2000-01-01T00:00:00Z', lastModified: '2000-01-01T00:00:00Z', version: 'W/"99"', location: 'https://evil.example.com/x' },
          groups: [{ value: group.body.id, display: 'Readers' }],
        }),
      );
      expect(res.status, res.text).toBe(201);
      expect(res.body.id).not.toBe('client-chosen-id');
      expect(res.body.meta.resourceType).toBe('User');
      expect(res.body.meta.created).not.toBe('2000-01-01T00:00:00Z');
      expect(res.body.meta.version).toBe(res.headers.get('etag'));
      expect(res.body.meta.version).not.toBe('W/"99"');
      expect(res.body.meta.location).toBe(`${scim.baseUrl}/Users/${res.body.id}`);
      expect(res.body.groups ?? []).toEqual([]);
      // The read-only `groups` did not make the user a member.
      const readers = await scim.get(`/Groups/${group.body.id}`);
      expect(readers.body.members ?? []).toEqual([]);
      expectScimError(await scim.get('/Users/client-chosen-id'), 404);
    });

    it('ignores read-only id and meta in a PUT: the resource keeps its id', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('putreadonly@example.com'));
      const res = await scim.put(`/Users/${user.body.id}`, userBody('putreadonly@example.com', { id: 'another-id', displayName: 'Put', meta: { created: '2000-01-01T00:00:00Z' } }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.id).toBe(user.body.id);
      expect(res.body.displayName).toBe('Put');
      expect(res.body.meta.created).toBe(user.body.meta.created);
      expectScimError(await scim.get('/Users/another-id'), 404);
    });
  });

  describe('PUT /Users/{id}', () => {
    it("ignores the read-only groups and meta Okta's PUT echoes back", async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('echo@example.com'));
      const group = await scim.post('/Groups', groupBody('Echoed'));
      const res = await scim.put(`/Users/${user.body.id}`, { ...user.body, title: 'Echo', groups: [{ value: group.body.id, display: 'Echoed' }] });
      expect(res.status, res.text).toBe(200);
      expect(res.body.title).toBe('Echo');
      expect(res.body.groups ?? []).toEqual([]);
      expect((await scim.get(`/Groups/${group.body.id}`)).body.members ?? []).toEqual([]);
    });

    const cases: [string, unknown, number, string | undefined][] = [
      ['malformed JSON', '{"schemas": [', 400, 'invalidSyntax'],
      ['no schemas', { userName: 'target@example.com' }, 400, 'invalidSyntax'],
      ['an unknown attribute', userBody('target@example.com', { favouriteColour: 'teal' }), 400, undefined],
      ['userName as a number', { schemas: [USER_SCHEMA], userName: 42 }, 400, 'invalidValue'],
      ['active as "yes"', userBody('target@example.com', { active: 'yes' }), 400, 'invalidValue'],
      ['emails not an array', userBody('target@example.com', { emails: 'target@example.com' }), 400, 'invalidValue'],
      ['no userName', { schemas: [USER_SCHEMA], displayName: 'Target' }, 400, 'invalidValue'],
    ];

    it.each(cases)('%s → %i, the user is unchanged', async (_name, body, status, scimType) => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('target@example.com', { displayName: 'Target', emails: [{ value: 'target@example.com', type: 'work' }] }));
      const before = await state(scim);
      const res = await scim.put(`/Users/${user.body.id}`, body);
      expectScimError(res, status, scimType);
      expect((await scim.get(`/Users/${user.body.id}`)).body).toEqual(user.body);
      expect(await state(scim)).toEqual(before);
    });
  });

  describe('PATCH /Users/{id}: a bad last operation leaves the first two unapplied', () => {
    const good = [
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'add', path: 'title', value: 'Engineer' },
    ];
    const cases: [string, unknown, number, string][] = [
      ['an unknown op', { op: 'merge', path: 'nickName', value: 'x' }, 400, 'invalidSyntax'],
      ['op missing', { path: 'nickName', value: 'x' }, 400, 'invalidSyntax'],
      ['add without a value', { op: 'add', path: 'nickName' }, 400, 'invalidSyntax'],
      ['replace without a value', { op: 'replace', path: 'nickName' }, 400, 'invalidSyntax'],
      ['remove without a path', { op: 'remove' }, 400, 'noTarget'],
      ['an unclosed value filter', { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 400, 'invalidPath'],
      ['a path with a bad character', { op: 'replace', path: 'emails..value', value: 'x' }, 400, 'invalidPath'],
      ['an unknown attribute path', { op: 'replace', path: 'favouriteColour', value: 'teal' }, 400, 'invalidPath'],
      ['the read-only groups', { op: 'add', path: 'groups', value: [{ value: '00000000-0000-0000-0000-000000000000' }] }, 400, 'mutability'],
      ['the read-only groups in a pathless value', { op: 'add', value: { groups: [{ value: '00000000-0000-0000-0000-000000000000' }] } }, 400, 'mutability'],
      ['the read-only id', { op: 'replace', path: 'id', value: 'another-id' }, 400, 'mutability'],
      ['the read-only meta.lastModified', { op: 'replace', path: 'meta.lastModified', value: '2000-01-01T00:00:00Z' }, 400, 'mutability'],
      ['remove of the required userName', { op: 'remove', path: 'userName' }, 400, 'mutability'],
      ['remove emails[type eq "home"] when there is none', { op: 'remove', path: 'emails[type eq "home"]' }, 400, 'noTarget'],
      ['replace emails[value co "nomatch"].display when nothing matches', { op: 'replace', path: 'emails[value co "nomatch"].display', value: 'x' }, 400, 'noTarget'],
      ['active as "yes"', { op: 'replace', path: 'active', value: 'yes' }, 400, 'invalidValue'],
      ['userName as a number', { op: 'replace', path: 'userName', value: 42 }, 400, 'invalidValue'],
      ['a pathless value that is not an object', { op: 'replace', value: 'Changed' }, 400, 'invalidValue'],
      ['a pathless value with an unknown attribute', { op: 'replace', value: { favouriteColour: 'teal' } }, 400, 'invalidValue'],
    ];

    it.each(cases)('%s → %i %s naming Operations[2]', async (_name, bad, status, scimType) => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('patched@example.com', { displayName: 'Original', emails: [{ value: 'patched@example.com', type: 'work', primary: true }] }));
      const before = await state(scim);
      const res = await scim.patch(`/Users/${user.body.id}`, patchOp(...good, bad));
      expectScimError(res, status, scimType);
      expect(res.body.detail).toContain('Operations[2]');
      const after = await scim.get(`/Users/${user.body.id}`);
      expect(after.body.displayName).toBe('Original');
      expect(after.body).not.toHaveProperty('title');
      expect(after.body).toEqual(user.body);
      expect(await state(scim)).toEqual(before);
    });

    const messages: [string, unknown, number, string][] = [
      ['malformed JSON', '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [', 400, 'invalidSyntax'],
      ['no PatchOp schema', { schemas: [USER_SCHEMA], Operations: good }, 400, 'invalidSyntax'],
      ['no schemas', { Operations: good }, 400, 'invalidSyntax'],
      ['Operations not an array', { schemas: [PATCH_OP], Operations: good[0] }, 400, 'invalidSyntax'],
      ['an operation that is not an object', { schemas: [PATCH_OP], Operations: [...good, 'replace'] }, 400, 'invalidSyntax'],
    ];

    it.each(messages)('a PATCH message with %s → %i %s', async (_name, body, status, scimType) => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('message@example.com', { displayName: 'Original' }));
      const before = await state(scim);
      expectScimError(await scim.patch(`/Users/${user.body.id}`, body), status, scimType);
      expect((await scim.get(`/Users/${user.body.id}`)).body).toEqual(user.body);
      expect(await state(scim)).toEqual(before);
    });
  });

  describe('groups', () => {
    it('a group PATCH whose last operation names an unknown member changes neither members nor name', async () => {
      const scim = await roster.directory();
      const a = await scim.post('/Users', userBody('a@example.com'));
      const b = await scim.post('/Users', userBody('b@example.com'));
      const group = await scim.post('/Groups', groupBody('Team', { members: [{ value: a.body.id }] }));
      const before = await state(scim);
      const res = await scim.patch(
        `/Groups/${group.body.id}`,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: b.body.id }] },
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'add', path: 'members', value: [{ value: '00000000-0000-0000-0000-000000000000' }] },
        ),
      );
      expectScimError(res, 400, 'invalidValue');
      const after = await scim.get(`/Groups/${group.body.id}`);
      expect(after.body.displayName).toBe('Team');
      expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([a.body.id]);
      expect(after.body.meta.version).toBe(group.body.meta.version);
      expect(await state(scim)).toEqual(before);
    });

    const cases: [string, unknown, number, string | undefined][] = [
      ['malformed JSON', '{"displayName": ', 400, 'invalidSyntax'],
      ['the User schema', { schemas: [USER_SCHEMA], displayName: 'Team' }, 400, 'invalidSyntax'],
      ['no displayName', { schemas: [GROUP_SCHEMA] }, 400, 'invalidValue'],
      ['displayName as a number', { schemas: [GROUP_SCHEMA], displayName: 7 }, 400, 'invalidValue'],
      ['an unknown attribute', groupBody('Team', { colour: 'teal' }), 400, undefined],
      ['members not an array', groupBody('Team', { members: 'someone' }), 400, 'invalidValue'],
      ['a member without value', groupBody('Team', { members: [{ display: 'Ada' }] }), 400, 'invalidValue'],
      ['a member that does not exist', groupBody('Team', { members: [{ value: '00000000-0000-0000-0000-000000000000' }] }), 400, 'invalidValue'],
    ];

    it.each(cases)('POST /Groups with %s → %i, nothing written', async (_name, body, status, scimType) => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('member@example.com'));
      const before = await state(scim);
      expectScimError(await scim.post('/Groups', body), status, scimType);
      expect(await state(scim)).toEqual(before);
    });
  });

  describe('limits', () => {
    it('an oversized POST body → 413 SCIM error, nothing written', async () => {
      const scim = await roster.directory();
      const before = await state(scim);
      const res = await scim.post('/Users', userBody('big@example.com', { displayName: 'x'.repeat(8000) }));
      expectScimError(res, 413);
      expect(await state(scim)).toEqual(before);
    });

    it('an oversized PATCH body → 413 SCIM error, the user is unchanged', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('bigpatch@example.com'));
      const before = await state(scim);
      const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'y'.repeat(8000) }));
      expectScimError(res, 413);
      expect((await scim.get(`/Users/${user.body.id}`)).body).toEqual(user.body);
      expect(await state(scim)).toEqual(before);
    });

    it('a body just under the limit is accepted', async () => {
      const scim = await roster.directory();
      const res = await scim.post('/Users', userBody('fits@example.com', { title: 'x'.repeat(3000) }));
      expect(res.status, res.text).toBe(201);
    });

    const badFilters: [string, string][] = [
      ['a comparison without a value', 'userName eq'],
      ['an unknown operator', 'userName zz "x"'],
      ['an unknown attribute', 'favouriteColour eq "teal"'],
      ['an unbalanced parenthesis', '(userName eq "x"'],
      ['an unterminated string', 'userName eq "x'],
      ['a dangling and', 'userName eq "x" and'],
      ['an unclosed value filter', 'emails[type eq "work"'],
      ['gt on a boolean', 'active gt true'],
    ];

    it.each(badFilters)('a filter with %s → 400 invalidFilter', async (_name, filter) => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('filtered@example.com'));
      expectScimError(await scim.get(`/Users?filter=${q(filter)}`), 400, 'invalidFilter');
      expectScimError(await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }), 400, 'invalidFilter');
    });

    it('a bad filter on /Groups → 400 invalidFilter', async () => {
      const scim = await roster.directory();
      expectScimError(await scim.get(`/Groups?filter=${q('displayName eq')}`), 400, 'invalidFilter');
      expectScimError(await scim.get(`/Groups?filter=${q('userName eq "x"')}`), 400, 'invalidFilter');
    });

    it('a filter longer than ROSTER_FILTER_MAX_LENGTH → 400 invalidFilter; one within it works', async () => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('long@example.com'));
      const long = `userName eq "${'a'.repeat(120)}@example.com"`;
      expect(long.length).toBeGreaterThan(100);
      expectScimError(await scim.get(`/Users?filter=${q(long)}`), 400, 'invalidFilter');
      const ok = await scim.get(`/Users?filter=${q('userName eq "long@example.com"')}`);
      expect(ok.status).toBe(200);
      expect(ok.body.totalResults).toBe(1);
    });

    it('a filter nested deeper than ROSTER_FILTER_MAX_DEPTH → 400 invalidFilter; a shallow one works', async () => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('deep@example.com'));
      const parens = `${'('.repeat(10)}userName eq "deep@example.com"${')'.repeat(10)}`;
      expectScimError(await scim.get(`/Users?filter=${q(parens)}`), 400, 'invalidFilter');
      const nots = `${'not ('.repeat(8)}active eq false${')'.repeat(8)}`;
      expect(nots.length).toBeLessThanOrEqual(100);
      expectScimError(await scim.get(`/Users?filter=${q(nots)}`), 400, 'invalidFilter');
      const shallow = await scim.get(`/Users?filter=${q('(userName eq "deep@example.com")')}`);
      expect(shallow.status).toBe(200);
      expect(shallow.body.totalResults).toBe(1);
    });

    it('a flat chain of or terms longer than the depth limit is not nesting', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('flat@example.com'));
      const filter = [1, 2, 3, 4].map((i) => `id eq "${i}"`).join(' or ') + ` or id eq "${user.body.id}"`;
      expect(filter.length).toBeLessThanOrEqual(100);
      const res = await scim.get(`/Users?filter=${q(filter)}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.totalResults).toBe(1);
    });

    it('an oversized body sent chunked, without Content-Length → 413 SCIM error', async () => {
      const scim = await roster.directory();
      const text = JSON.stringify(userBody('chunked@example.com', { displayName: 'x'.repeat(8000) }));
      const encoder = new TextEncoder();
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < text.length; i += 1000) controller.enqueue(encoder.encode(text.slice(i, i + 1000)));
          controller.close();
        },
      });
      const raw = await fetch(`${scim.baseUrl}/Users`, {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
      } as RequestInit);
      const responseText = await raw.text();
      expectScimError({ status: raw.status, headers: raw.headers, text: responseText, body: JSON.parse(responseText) }, 413);
      expect((await scim.get('/Users?count=0')).body.totalResults).toBe(0);
    });

    it('count above the maximum page size is capped at the maxPageSize /ServiceProviderConfig advertises', async () => {
      const scim = await roster.directory();
      for (let i = 0; i < 8; i++) await scim.post('/Users', userBody(`cap${i}@example.com`));
      const config = await scim.get('/ServiceProviderConfig');
      expect(config.body.filter.maxResults).toBe(5);
      expect(config.body.pagination.maxPageSize).toBe(5);
      const page = await scim.get('/Users?count=50');
      expect(page.status).toBe(200);
      expect(page.body.totalResults).toBe(8);
      expect(page.body.itemsPerPage).toBe(5);
      expect(page.body.Resources).toHaveLength(5);
      // Without count, the default page is capped too.
      expect((await scim.get('/Users')).body.Resources).toHaveLength(5);
      const searched = await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 50 });
      expect(searched.body.Resources).toHaveLength(5);
    });

    const badPaging: [string, string][] = [
      ['startIndex=abc', 'startIndex=abc'],
      ['startIndex=1.5', 'startIndex=1.5'],
      ['startIndex=1e3', 'startIndex=1e3'],
      ['count=ten', 'count=ten'],
      ['count=2.5', 'count=2.5'],
      ['sortOrder=sideways', 'sortOrder=sideways'],
      ['sortBy an unknown attribute', 'sortBy=favouriteColour'],
      ['cursor and startIndex together', 'cursor=&startIndex=1'],
    ];

    it.each(badPaging)('%s → 400', async (_name, query) => {
      const scim = await roster.directory();
      await scim.post('/Users', userBody('paged@example.com'));
      expectScimError(await scim.get(`/Users?${query}`), 400);
      expectScimError(await scim.get(`/Groups?${query.replace('favouriteColour', 'userName')}`), 400);
    });

    it('an invalid cursor → 400 invalidCursor', async () => {
      const scim = await roster.directory();
      expectScimError(await scim.get('/Users?cursor=not-a-cursor'), 400, 'invalidCursor');
      expectScimError(await scim.get(`/Users?cursor=${encodeURIComponent('%%%')}`), 400, 'invalidCursor');
    });
  });

  describe('unknown resources', () => {
    it('GET, PUT, PATCH and DELETE of an unknown id → 404 SCIM error', async () => {
      const scim = await roster.directory();
      const id = '00000000-0000-0000-0000-000000000000';
      expectScimError(await scim.get(`/Users/${id}`), 404);
      expectScimError(await scim.put(`/Users/${id}`, userBody('ghost@example.com')), 404);
      expectScimError(await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ghost' })), 404);
      expectScimError(await scim.delete(`/Users/${id}`), 404);
      expectScimError(await scim.get(`/Groups/${id}`), 404);
      expectScimError(await scim.delete(`/Groups/${id}`), 404);
      expectScimError(await scim.get('/NoSuchEndpoint'), 404);
      expect((await scim.get('/Users?count=0')).body.totalResults).toBe(0);
    });
  });

  it('no request in this file made the server answer 500', () => {
    expect(roster.logs()).toContain('"statusCode":');
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
    expect(roster.logs()).not.toContain('"msg":"request failed"');
  });
});
