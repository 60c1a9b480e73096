import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { USER_SCHEMA, groupBody, patchOp, startRoster, userBody, type RosterUnderTest, type ScimClient, type ScimResponse } from '../helpers/start-roster.ts';

/** `/Users` over a real socket (RFC 7644 §3.3–3.6, §3.14; RFC 9865 cursors), as an IdP sees it. */

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const q = (filter: string) => encodeURIComponent(filter);
const ids = (res: ScimResponse) => (res.body.Resources as { id: string }[]).map((r) => r.id);
const userNames = (res: ScimResponse) => (res.body.Resources as { userName: string }[]).map((r) => r.userName);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachEngine('users over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  async function create(scim: ScimClient, userName: string, extra: Record<string, unknown> = {}) {
    const res = await scim.post('/Users', userBody(userName, extra));
    expect(res.status, res.text).toBe(201);
    return res.body as Record<string, any> & { id: string };
  }

  describe('CRUD', () => {
    it('POST creates (201, Location, ETag, meta), GET reads back what was written', async () => {
      const scim = await roster.directory();
      const body: Record<string, any> = userBody('ada@example.com', {
        externalId: 'okta-00u1',
        name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
        displayName: 'Ada Lovelace',
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
        [ENTERPRISE]: { department: 'Engineering', manager: { value: 'mgr-1' } },
        schemas: [USER_SCHEMA, ENTERPRISE],
      });
      const created = await scim.post('/Users', body);
      expect(created.status, created.text).toBe(201);
      expect(created.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      const id = created.body.id;
      expect(typeof id).toBe('string');
      expect(created.headers.get('location')).toBe(`${scim.baseUrl}/Users/${id}`);
      expect(created.headers.get('etag')).toBe(created.body.meta.version);
      expect(created.body.meta).toMatchObject({ resourceType: 'User', location: `${scim.baseUrl}/Users/${id}` });
      expect(created.body.meta.created).toBe(created.body.meta.lastModified);
      expect(Number.isNaN(Date.parse(created.body.meta.created))).toBe(false);
      expect(created.body).toMatchObject({
        externalId: 'okta-00u1',
        userName: 'ada@example.com',
        active: true,
        name: body.name,
        emails: body.emails,
        phoneNumbers: body.phoneNumbers,
        [ENTERPRISE]: { department: 'Engineering', manager: { value: 'mgr-1' } },
      });
      expect(created.body.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE]));

      const read = await scim.get(`/Users/${id}`);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(read.headers.get('etag')).toBe(read.body.meta.version);
      const { groups: _g, ...readWithoutGroups } = read.body;
      const { groups: _c, ...createdWithoutGroups } = created.body;
      expect(readWithoutGroups).toEqual(createdWithoutGroups);
    });

    it('PATCH changes only what it names and bumps meta.version and lastModified', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'patch@example.com', { displayName: 'Before', title: 'Engineer' });
      await sleep(5);
      const res = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'After' }, { op: 'replace', path: 'active', value: false }));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'After', title: 'Engineer', active: false, userName: 'patch@example.com' });
      expect(res.body.meta.version).not.toBe(user.meta.version);
      expect(res.headers.get('etag')).toBe(res.body.meta.version);
      expect(res.body.meta.created).toBe(user.meta.created);
      expect(Date.parse(res.body.meta.lastModified)).toBeGreaterThan(Date.parse(user.meta.lastModified));
      expect((await scim.get(`/Users/${user.id}`)).body).toMatchObject({ displayName: 'After', active: false, title: 'Engineer' });
    });

    it('PATCH keeps one primary email: adding a new primary clears the old one', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'primary@example.com', { emails: [{ value: 'primary@example.com', type: 'work', primary: true }] });
      const res = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: 'home@example.com', type: 'home', primary: true }] }));
      expect(res.status, res.text).toBe(200);
      const emails = res.body.emails as { value: string; primary?: boolean }[];
      expect(emails.map((e) => e.value).sort()).toEqual(['home@example.com', 'primary@example.com']);
      expect(emails.filter((e) => e.primary === true).map((e) => e.value)).toEqual(['home@example.com']);
    });

    it('PATCH by value filter and sub-attribute changes only the matching element', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'vf@example.com', { emails: [{ value: 'vf@example.com', type: 'work' }, { value: 'vf@home.example.com', type: 'home' }] });
      const res = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }, { op: 'remove', path: 'emails[type eq "home"]' }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.emails).toEqual([{ value: 'new@example.com', type: 'work' }]);
      const found = await scim.get(`/Users?filter=${q('emails.value eq "new@example.com"')}`);
      expect(ids(found)).toEqual([user.id]);
    });

    it('a PATCH that changes nothing keeps meta.version', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'noop@example.com', { displayName: 'Same' });
      const res = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Same' }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.meta.version).toBe(user.meta.version);
      expect(res.body.meta.lastModified).toBe(user.meta.lastModified);
    });

    it('PUT replaces the whole user: attributes not sent are cleared', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'put@example.com', {
        displayName: 'Put Me',
        title: 'Engineer',
        nickName: 'Putty',
        emails: [{ value: 'put@example.com', type: 'work' }],
        [ENTERPRISE]: { department: 'Sales' },
      });
      const res = await scim.put(`/Users/${user.id}`, userBody('put@example.com', { name: { givenName: 'Put' }, active: false }));
      expect(res.status, res.text).toBe(200);
      for (const cleared of ['displayName', 'title', 'nickName', 'emails', ENTERPRISE]) expect(res.body).not.toHaveProperty(cleared);
      expect(res.body).toMatchObject({ id: user.id, userName: 'put@example.com', name: { givenName: 'Put' }, active: false });
      expect(res.body.schemas).not.toContain(ENTERPRISE);
      const read = await scim.get(`/Users/${user.id}`);
      for (const cleared of ['displayName', 'title', 'nickName', 'emails', ENTERPRISE]) expect(read.body).not.toHaveProperty(cleared);
      expect(read.body.meta.created).toBe(user.meta.created);
    });

    it('DELETE answers 204, then GET, PATCH and DELETE answer 404 and the user is gone from lists', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'delete@example.com');
      const keep = await create(scim, 'keep@example.com');
      const res = await scim.delete(`/Users/${user.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectScimError(await scim.get(`/Users/${user.id}`), 404);
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: false })), 404);
      expectScimError(await scim.delete(`/Users/${user.id}`), 404);
      const list = await scim.get('/Users');
      expect(ids(list)).toEqual([keep.id]);
      expect((await scim.get(`/Users?filter=${q('userName eq "delete@example.com"')}`)).body.totalResults).toBe(0);
      // The userName is free again.
      expect((await scim.post('/Users', userBody('delete@example.com'))).status).toBe(201);
    });
  });

  describe('uniqueness', () => {
    it('a second user with the same userName, in any case, is 409 uniqueness and not created', async () => {
      const scim = await roster.directory();
      await create(scim, 'Grace@Example.com');
      for (const name of ['Grace@Example.com', 'grace@example.com', 'GRACE@EXAMPLE.COM']) {
        expectScimError(await scim.post('/Users', userBody(name)), 409, 'uniqueness');
      }
      expect((await scim.get('/Users?count=0')).body.totalResults).toBe(1);
    });

    it('the same userName in another directory is fine', async () => {
      const a = await roster.directory();
      const b = await roster.directory();
      await create(a, 'shared@example.com');
      await create(b, 'shared@example.com');
    });

    it('PUT or PATCH renaming onto a taken userName (any case) is 409 and changes nothing', async () => {
      const scim = await roster.directory();
      await create(scim, 'taken@example.com');
      const user = await create(scim, 'mover@example.com', { displayName: 'Mover' });
      expectScimError(await scim.put(`/Users/${user.id}`, userBody('TAKEN@example.com', { displayName: 'Moved' })), 409, 'uniqueness');
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Moved' }, { op: 'replace', path: 'userName', value: 'Taken@Example.com' })), 409, 'uniqueness');
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', value: { userName: 'taken@example.com' } })), 409, 'uniqueness');
      const read = await scim.get(`/Users/${user.id}`);
      expect(read.body.userName).toBe('mover@example.com');
      expect(read.body.displayName).toBe('Mover');
      expect(read.body.meta.version).toBe(user.meta.version);
    });

    it('renaming a user to a different case of its own userName is allowed', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'case@example.com');
      const res = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'userName', value: 'Case@Example.com' }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.userName).toBe('Case@Example.com');
    });
  });

  describe('ETags (RFC 7644 §3.14)', () => {
    it('the ETag header equals meta.version on POST, GET, PUT and PATCH', async () => {
      const scim = await roster.directory();
      const created = await scim.post('/Users', userBody('etag@example.com'));
      expect(created.headers.get('etag')).toBe(created.body.meta.version);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.headers.get('etag')).toBe(read.body.meta.version);
      const put = await scim.put(`/Users/${created.body.id}`, userBody('etag@example.com', { title: 'A' }));
      expect(put.headers.get('etag')).toBe(put.body.meta.version);
      expect(put.body.meta.version).not.toBe(created.body.meta.version);
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'B' }));
      expect(patched.headers.get('etag')).toBe(patched.body.meta.version);
      expect(patched.body.meta.version).not.toBe(put.body.meta.version);
    });

    it('If-Match with a stale version → 412 and no write, for PATCH, PUT and DELETE', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'ifmatch@example.com', { displayName: 'One' });
      const stale = user.meta.version;
      const current = (await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Two' }))).body;
      expectScimError(await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Three' }), { 'if-match': stale }), 412);
      expectScimError(await scim.put(`/Users/${user.id}`, userBody('ifmatch@example.com', { displayName: 'Three' }), { 'if-match': stale }), 412);
      expectScimError(await scim.delete(`/Users/${user.id}`, { 'if-match': stale }), 412);
      const read = await scim.get(`/Users/${user.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(current);
    });

    it('If-Match with the current version → 200 (PATCH, PUT) and 204 (DELETE)', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'ifmatchok@example.com');
      const patched = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Two' }), { 'if-match': user.meta.version });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.displayName).toBe('Two');
      const put = await scim.put(`/Users/${user.id}`, userBody('ifmatchok@example.com', { displayName: 'Three' }), { 'if-match': patched.headers.get('etag')! });
      expect(put.status, put.text).toBe(200);
      expect(put.body.displayName).toBe('Three');
      expect((await scim.delete(`/Users/${user.id}`, { 'if-match': put.body.meta.version })).status).toBe(204);
    });

    it('If-None-Match with the current version → 304 without a body; with an old one → 200', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'ifnonematch@example.com');
      const notModified = await scim.get(`/Users/${user.id}`, { 'if-none-match': user.meta.version });
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.get('etag')).toBe(user.meta.version);
      await scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Changed' }));
      const modified = await scim.get(`/Users/${user.id}`, { 'if-none-match': user.meta.version });
      expect(modified.status).toBe(200);
      expect(modified.body.displayName).toBe('Changed');
    });
  });

  describe('filters', () => {
    let scim: ScimClient & { directoryId: string };
    const users: Record<string, Record<string, any>> = {};

    beforeAll(async () => {
      scim = await roster.directory();
      const make = async (key: string, userName: string, extra: Record<string, unknown> = {}) => (users[key] = await create(scim, userName, extra));
      await make('percent', '100%off@example.com', { emails: [{ value: '100%off@example.com', type: 'work' }] });
      await make('percentLookalike', '100xoff@example.com', { emails: [{ value: '100xoff@example.com', type: 'work' }] });
      await make('underscore', 'a_b@example.com', { emails: [{ value: 'a_b@example.com', type: 'home' }] });
      await make('underscoreLookalike', 'axb@example.com', { emails: [{ value: 'axb@other.org', type: 'work' }] });
      await make('backslash', 'back\\slash@example.org', { active: false });
      await make('sales', 'sales@example.org', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        [ENTERPRISE]: { department: 'Sales', employeeNumber: '701' },
        emails: [{ value: 'sales@example.com', type: 'home' }, { value: 'sales@corp.example.net', type: 'work' }],
      });
      await sleep(20);
      await make('late', 'late@example.org', { active: false, displayName: 'Late' });
    });

    const matches = async (filter: string) => {
      const res = await scim.get(`/Users?filter=${q(filter)}`);
      expect(res.status, `${filter}: ${res.text}`).toBe(200);
      expect(res.body.totalResults).toBe(res.body.Resources.length);
      return ids(res).sort();
    };
    const idsOf = (...keys: string[]) => keys.map((k) => users[k]!.id).sort();

    it('sw, co and ew treat % and _ as literal characters', async () => {
      expect(await matches('userName sw "100%"')).toEqual(idsOf('percent'));
      expect(await matches('userName co "%off"')).toEqual(idsOf('percent'));
      expect(await matches('userName co "%"')).toEqual(idsOf('percent'));
      expect(await matches('userName sw "a_b"')).toEqual(idsOf('underscore'));
      expect(await matches('userName co "_"')).toEqual(idsOf('underscore'));
      expect(await matches('userName ew "_b@example.com"')).toEqual(idsOf('underscore'));
      expect(await matches('userName co "\\\\"')).toEqual(idsOf('backslash'));
      expect(await matches('emails.value co "%"')).toEqual(idsOf('percent'));
    });

    it('userName and emails compare ignoring case', async () => {
      expect(await matches('userName eq "A_B@EXAMPLE.COM"')).toEqual(idsOf('underscore'));
      expect(await matches('userName sw "SALES@"')).toEqual(idsOf('sales'));
      expect(await matches('emails.value ew "@CORP.EXAMPLE.NET"')).toEqual(idsOf('sales'));
    });

    it('emails[type eq "work" and value co "@example.com"] matches within one email', async () => {
      // `sales` has a work email and an @example.com email, but not one that is both.
      expect(await matches('emails[type eq "work" and value co "@example.com"]')).toEqual(idsOf('percent', 'percentLookalike'));
      expect(await matches('emails[type eq "home"]')).toEqual(idsOf('underscore', 'sales'));
    });

    it('meta.lastModified gt', async () => {
      expect(await matches(`meta.lastModified gt "${users.sales!.meta.lastModified}"`)).toEqual(idsOf('late'));
      expect(await matches('meta.lastModified gt "2000-01-01T00:00:00Z"')).toHaveLength(7);
      expect(await matches('meta.lastModified gt "2999-01-01T00:00:00Z"')).toEqual([]);
      expect(await matches(`meta.created le "${users.sales!.meta.created}"`)).toHaveLength(6);
    });

    it('not, or, and, parentheses', async () => {
      expect(await matches('not (userName ew "@example.com")')).toEqual(idsOf('backslash', 'sales', 'late'));
      expect(await matches('userName sw "axb" or userName sw "late"')).toEqual(idsOf('underscoreLookalike', 'late'));
      expect(await matches('(userName sw "100" or userName sw "a") and not (userName co "%")')).toEqual(idsOf('percentLookalike', 'underscore', 'underscoreLookalike'));
    });

    it('active eq false and pr', async () => {
      expect(await matches('active eq false')).toEqual(idsOf('backslash', 'late'));
      expect(await matches('active eq true')).toHaveLength(5);
      expect(await matches('displayName pr')).toEqual(idsOf('late'));
    });

    it('enterprise extension attributes, schema-qualified', async () => {
      expect(await matches(`${ENTERPRISE}:department eq "sales"`)).toEqual(idsOf('sales'));
      expect(await matches(`${ENTERPRISE}:employeeNumber eq "701"`)).toEqual(idsOf('sales'));
      expect(await matches(`${ENTERPRISE}:department pr`)).toEqual(idsOf('sales'));
      expect(await matches(`${USER_SCHEMA}:userName eq "late@example.org"`)).toEqual(idsOf('late'));
    });

    it('ne, gt, pr and attributes kept only in the stored resource (title, name.givenName)', async () => {
      expect(await matches('userName ne "late@example.org"')).toHaveLength(6);
      expect(await matches('userName gt "sales@example.org"')).toEqual([]);
      expect(await matches('userName ge "sales@example.org"')).toEqual(idsOf('sales'));
      expect(await matches('userName lt "a_c"')).toEqual(idsOf('percent', 'percentLookalike', 'underscore'));
      expect(await matches('emails pr')).toEqual(idsOf('percent', 'percentLookalike', 'underscore', 'underscoreLookalike', 'sales'));
      expect(await matches('emails.value eq "SALES@EXAMPLE.COM"')).toEqual(idsOf('sales'));
      expect(await matches('displayName eq "late"')).toEqual(idsOf('late'));
      const titled = await create(scim, 'titled@example.net', { title: 'Boss', name: { givenName: 'Alice', familyName: 'Smith' } });
      expect(await matches('title eq "boss"')).toEqual([titled.id]);
      expect(await matches('name.givenName sw "ALI"')).toEqual([titled.id]);
      expect(await matches('name.familyName pr and title ne "Dev"')).toEqual([titled.id]);
      await scim.delete(`/Users/${titled.id}`);
    });

    it('id and externalId', async () => {
      expect(await matches(`id eq "${users.late!.id}"`)).toEqual(idsOf('late'));
      const ext = await create(scim, 'ext@example.net', { externalId: 'okta-00uXYZ' });
      expect(await matches('externalId eq "okta-00uXYZ"')).toEqual([ext.id]);
      // externalId is caseExact (RFC 7643 §3.1).
      expect(await matches('externalId eq "OKTA-00UXYZ"')).toEqual([]);
      await scim.delete(`/Users/${ext.id}`);
    });
  });

  describe('paging', () => {
    let scim: ScimClient & { directoryId: string };
    let all: string[];

    beforeAll(async () => {
      scim = await roster.directory();
      all = [];
      for (let i = 0; i < 25; i++) all.push((await create(scim, `page${String(i).padStart(2, '0')}@example.com`)).id);
    });

    it('count=10 pages by startIndex are disjoint and complete, with an exact total', async () => {
      const seen: string[] = [];
      for (const [startIndex, size] of [[1, 10], [11, 10], [21, 5]] as const) {
        const res = await scim.get(`/Users?startIndex=${startIndex}&count=10`);
        expect(res.status).toBe(200);
        expect(res.body.schemas).toEqual([LIST_RESPONSE]);
        expect(res.body).toMatchObject({ totalResults: 25, startIndex, itemsPerPage: size });
        expect(res.body.Resources).toHaveLength(size);
        seen.push(...ids(res));
      }
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort()).toEqual([...all].sort());
    });

    it('count=0 returns only totalResults, no Resources items', async () => {
      const res = await scim.get('/Users?count=0');
      expect(res.status).toBe(200);
      expect(res.body.totalResults).toBe(25);
      expect(res.body.Resources ?? []).toEqual([]);
      expect(res.body.itemsPerPage ?? 0).toBe(0);
      const filtered = await scim.get(`/Users?count=0&filter=${q('userName sw "page1"')}`);
      expect(filtered.body.totalResults).toBe(10);
      expect(filtered.body.Resources ?? []).toEqual([]);
    });

    it('startIndex past the end gives empty Resources with the right total', async () => {
      const res = await scim.get('/Users?startIndex=100&count=10');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalResults: 25, startIndex: 100, itemsPerPage: 0, Resources: [] });
      const justPast = await scim.get('/Users?startIndex=26&count=10');
      expect(justPast.body).toMatchObject({ totalResults: 25, Resources: [] });
    });

    it('startIndex below 1 is read as 1 (RFC 7644 §3.4.2.4)', async () => {
      const res = await scim.get('/Users?startIndex=0&count=3');
      expect(res.status).toBe(200);
      expect(res.body.startIndex).toBe(1);
      expect(ids(res)).toEqual(ids(await scim.get('/Users?startIndex=1&count=3')));
    });

    it('cursor paging (RFC 9865): empty cursor starts, nextCursor until none, every id exactly once', async () => {
      const seen: string[] = [];
      let cursor = '';
      let pages = 0;
      for (;;) {
        const res = await scim.get(`/Users?count=10&cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, res.text).toBe(200);
        expect(res.body.totalResults).toBe(25);
        seen.push(...ids(res));
        pages++;
        if (res.body.nextCursor === undefined) break;
        expect(typeof res.body.nextCursor).toBe('string');
        expect(res.body.Resources).toHaveLength(10);
        cursor = res.body.nextCursor;
        expect(pages).toBeLessThan(10);
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(25);
      expect([...seen].sort()).toEqual([...all].sort());
    });

    it('cursor paging with a user created mid-walk loses none of the originals', async () => {
      const first = await scim.get('/Users?count=10&cursor=');
      const extra = await create(scim, 'zz-midwalk@example.com');
      const seen = ids(first);
      let cursor: string | undefined = first.body.nextCursor;
      while (cursor !== undefined) {
        const res = await scim.get(`/Users?count=10&cursor=${encodeURIComponent(cursor)}`);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of all) expect(seen).toContain(id);
      await scim.delete(`/Users/${extra.id}`);
    });

    it('cursor paging with sortBy (RFC 9865 with RFC 7644 §3.4.2.3): every id once, in sort order, both directions', async () => {
      for (const order of ['ascending', 'descending'] as const) {
        const names: string[] = [];
        let cursor = '';
        for (let pages = 0; ; pages++) {
          expect(pages).toBeLessThan(10);
          const res = await scim.get(`/Users?count=7&sortBy=userName&sortOrder=${order}&cursor=${encodeURIComponent(cursor)}`);
          expect(res.status, res.text).toBe(200);
          names.push(...res.body.Resources.map((r: { userName: string }) => r.userName));
          if (res.body.nextCursor === undefined) break;
          cursor = res.body.nextCursor;
        }
        const byIndex = (await scim.get(`/Users?count=100&sortBy=userName&sortOrder=${order}`)).body.Resources.map((r: { userName: string }) => r.userName);
        expect(names).toEqual(byIndex);
        expect(names).toHaveLength(25);
      }
    });

    it('a cursor issued for one sort is refused for another (400 invalidCursor), not silently misread', async () => {
      const first = await scim.get('/Users?count=5&sortBy=userName&cursor=');
      expectScimError(await scim.get(`/Users?count=5&sortBy=userName&sortOrder=descending&cursor=${first.body.nextCursor}`), 400, 'invalidCursor');
      expectScimError(await scim.get(`/Users?count=5&cursor=${first.body.nextCursor}`), 400, 'invalidCursor');
    });

    it('an invalid cursor → 400 invalidCursor', async () => {
      expectScimError(await scim.get('/Users?count=10&cursor=bm90LWEtY3Vyc29y'), 400, 'invalidCursor');
      expectScimError(await scim.get('/Users?count=10&cursor=garbage'), 400, 'invalidCursor');
    });

    it('sortBy=userName&sortOrder=descending', async () => {
      const res = await scim.get('/Users?sortBy=userName&sortOrder=descending&count=25');
      expect(res.status).toBe(200);
      const names = userNames(res);
      expect(names).toHaveLength(25);
      expect(names).toEqual([...names].sort().reverse());
      expect(names[0]).toBe('page24@example.com');
      const ascending = userNames(await scim.get('/Users?sortBy=userName&count=5&startIndex=3'));
      expect(ascending).toEqual(['page02@example.com', 'page03@example.com', 'page04@example.com', 'page05@example.com', 'page06@example.com']);
    });

    it('sorting by userName ignores case (caseExact false)', async () => {
      const other = await roster.directory();
      for (const name of ['bob@example.com', 'Alice@example.com', 'carol@example.com', 'Dave@example.com']) await create(other, name);
      expect(userNames(await other.get('/Users?sortBy=userName'))).toEqual(['Alice@example.com', 'bob@example.com', 'carol@example.com', 'Dave@example.com']);
      expect(userNames(await other.get('/Users?sortBy=userName&sortOrder=descending'))).toEqual(['Dave@example.com', 'carol@example.com', 'bob@example.com', 'Alice@example.com']);
    });

    it('POST /Users/.search pages, filters and projects like GET', async () => {
      const res = await scim.post('/Users/.search', {
        schemas: [SEARCH_REQUEST],
        filter: 'userName sw "page1"',
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 2,
        count: 3,
        attributes: ['userName'],
      });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 10, startIndex: 2, itemsPerPage: 3 });
      expect(userNames(res)).toEqual(['page18@example.com', 'page17@example.com', 'page16@example.com']);
      for (const r of res.body.Resources) expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
    });
  });

  describe('projection', () => {
    it('attributes=userName returns id and userName (and schemas), nothing else', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'proj@example.com', { displayName: 'Proj', emails: [{ value: 'proj@example.com' }], externalId: 'ext-1' });
      const one = await scim.get(`/Users/${user.id}?attributes=userName`);
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(user.id);
      expect(one.body.userName).toBe('proj@example.com');
      for (const hidden of ['displayName', 'emails', 'active', 'externalId', 'groups', 'meta']) expect(one.body).not.toHaveProperty(hidden);
      const list = await scim.get('/Users?attributes=userName');
      expect(Object.keys(list.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    });

    it('excludedAttributes=emails drops emails and keeps the rest', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'excl@example.com', { displayName: 'Excl', emails: [{ value: 'excl@example.com' }] });
      const one = (await scim.get(`/Users/${user.id}?excludedAttributes=emails`)).body;
      const listed = (await scim.get('/Users?excludedAttributes=emails')).body.Resources[0];
      for (const body of [one, listed]) {
        expect(body).not.toHaveProperty('emails');
        expect(body).toMatchObject({ id: user.id, userName: 'excl@example.com', displayName: 'Excl', active: true });
        expect(body.meta).toBeDefined();
      }
    });
  });

  describe('groups attribute', () => {
    it('a user lists the groups it is a member of, and not others', async () => {
      const scim = await roster.directory();
      const user = await create(scim, 'member@example.com');
      const other = await create(scim, 'other@example.com');
      const a = await scim.post('/Groups', groupBody('Alpha', { members: [{ value: user.id }] }));
      const b = await scim.post('/Groups', groupBody('Beta'));
      await scim.post('/Groups', groupBody('Gamma', { members: [{ value: other.id }] }));
      expect((await scim.patch(`/Groups/${b.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }))).status).toBeLessThan(300);
      const read = await scim.get(`/Users/${user.id}`);
      const groups = (read.body.groups as { value: string; display: string; $ref: string }[]).sort((x, y) => x.display.localeCompare(y.display));
      expect(groups.map((g) => ({ value: g.value, display: g.display }))).toEqual([
        { value: a.body.id, display: 'Alpha' },
        { value: b.body.id, display: 'Beta' },
      ]);
      expect(groups[0]!.$ref).toBe(`${scim.baseUrl}/Groups/${a.body.id}`);
      const listed = await scim.get(`/Users?filter=${q('userName eq "member@example.com"')}`);
      expect((listed.body.Resources[0].groups as { value: string }[]).map((g) => g.value).sort()).toEqual([a.body.id, b.body.id].sort());
      // After leaving a group, it is no longer listed.
      await scim.patch(`/Groups/${a.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${user.id}"]` }));
      expect(((await scim.get(`/Users/${user.id}`)).body.groups as { value: string }[]).map((g) => g.value)).toEqual([b.body.id]);
    });
  });

  describe('directory isolation', () => {
    it("a second directory's token cannot read the first directory's users, and lists are per directory", async () => {
      const first = await roster.directory({ name: 'First' });
      const second = await roster.directory({ name: 'Second' });
      const user = await create(first, 'isolated@example.com');
      await create(second, 'second@example.com');

      // The second directory's token on the first directory's URLs.
      const intruder = roster.client(first.baseUrl, second.token);
      for (const res of [
        await intruder.get(`/Users/${user.id}`),
        await intruder.get('/Users'),
        await intruder.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
        await intruder.delete(`/Users/${user.id}`),
      ]) {
        expectScimError(res, 401);
      }
      // Through its own base URL, the second directory does not see the user.
      expectScimError(await second.get(`/Users/${user.id}`), 404);
      expectScimError(await second.delete(`/Users/${user.id}`), 404);
      expect(userNames(await first.get('/Users'))).toEqual(['isolated@example.com']);
      expect(userNames(await second.get('/Users'))).toEqual(['second@example.com']);
      expect((await second.get(`/Users?filter=${q('userName eq "isolated@example.com"')}`)).body.totalResults).toBe(0);
      // The user was never touched.
      expect((await first.get(`/Users/${user.id}`)).body).toMatchObject({ active: true, meta: { version: user.meta.version } });
    });
  });

  it('no request in this file made the server answer 5xx', () => {
    expect(roster.logs()).toContain('"statusCode":');
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
