import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { GROUP_SCHEMA, patchOp, startRoster, USER_SCHEMA, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

const CORE1 = 'urn:scim:schemas:core:1.0';
const ENT1 = 'urn:scim:schemas:extension:enterprise:1.0';
const ENT2 = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const OKTA_GROUP = 'urn:okta:custom:group:1.0';
const OKTA_CONFIG = 'urn:okta:schemas:scim:providerconfig:1.0';
// Okta's SCIM 1.1 client sends plain JSON.
const JSON_TYPE = { 'content-type': 'application/json' };

/** One directory seen through `/scim/v1/{id}` and `/scim/v2/{id}`, with the same token. */
interface Directory {
  readonly id: string;
  readonly v1: ScimClient;
  readonly v2: ScimClient;
}

async function directory(roster: RosterUnderTest): Promise<Directory> {
  const v2 = await roster.directory({ idp: 'okta' });
  return { id: v2.directoryId, v2, v1: roster.client(`${roster.origin}/scim/v1/${v2.directoryId}`, v2.token) };
}

const q = (filter: string) => encodeURIComponent(filter);

/** Okta's create-user body (Okta SCIM 1.1 reference, "Create the User"). */
function oktaUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [CORE1], userName, name: { givenName: 'Test', familyName: 'User' }, emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User', locale: 'en_US', externalId: '00b443dd40SOK2eup0h7', groups: [], password: '1mz050nq', active: true, ...extra,
  };
}

describeEachEngine('SCIM 1.1 at /scim/v1', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  describe("Okta's SCIM 1.1 provisioning sequence (idp-requests.md O8, Okta's SCIM 1.1 reference)", () => {
    let dir: Directory;
    let userId: string;
    let secondId: string;
    let groupId: string;
    beforeAll(async () => {
      dir = await directory(roster);
    });

    it('test connection: the first pages of users and groups, as 1.1 lists of plain JSON', async () => {
      for (const path of ['/Users?startIndex=1&count=2', '/Groups?startIndex=1&count=100']) {
        const page = await dir.v1.get(path);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^application\/json/);
        expect(page.body).toEqual({ schemas: [CORE1], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
      }
    });

    it('looks the user up by userName, finds nothing, creates it', async () => {
      const lookup = await dir.v1.get(`/Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
      expect(lookup.body.totalResults).toBe(0);
      const created = await dir.v1.post('/Users', oktaUser('test.user@okta.local'), JSON_TYPE);
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(/^application\/json/);
      userId = created.body.id;
      expect(created.headers.get('location')).toBe(`${dir.v1.baseUrl}/Users/${userId}`);
      // Okta sends `groups: []`; a user in no group reads back without `groups` (RFC 7643 §2.5).
      const { password: _password, groups: _groups, ...expected } = oktaUser('test.user@okta.local');
      expect(created.body).toMatchObject({ ...expected, schemas: [CORE1], id: userId });
      expect(created.body).not.toHaveProperty('password');
      expect(created.body).not.toHaveProperty('groups');
      expect(Object.keys(created.body.meta).sort()).toEqual(['created', 'lastModified', 'location', 'version']);
      expect(created.body.meta.location).toBe(`${dir.v1.baseUrl}/Users/${userId}`);

      const found = await dir.v1.get(`/Users?filter=${q('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
      expect(found.body).toMatchObject({ schemas: [CORE1], totalResults: 1, itemsPerPage: 1, startIndex: 1 });
      expect(found.body.Resources[0].id).toBe(userId);
      const second = await dir.v1.post('/Users', oktaUser('test.user2@okta.local', { externalId: '00b2' }), JSON_TYPE);
      secondId = second.body.id;
    });

    it('a second create of the same userName is a 409 with a 1.1 error body', async () => {
      const again = await dir.v1.post('/Users', oktaUser('TEST.user@okta.local'), JSON_TYPE);
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      expect(again.body).toEqual({ Errors: [{ description: expect.stringContaining('already taken'), code: '409' }], detail: expect.stringContaining('already taken'), status: '409' });
    });

    it('updates the user with PUT, echoing id, groups and meta as Okta does', async () => {
      const current = await dir.v1.get(`/Users/${userId}`);
      const body = { ...current.body, name: { givenName: 'Test1', familyName: 'User' }, displayName: 'Test1 User' };
      const updated = await dir.v1.put(`/Users/${userId}`, body, JSON_TYPE);
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: { givenName: 'Test1', familyName: 'User' }, displayName: 'Test1 User', schemas: [CORE1] });
      expect(updated.body.meta.version).not.toBe(current.body.meta.version);
    });

    it('deactivates the user with a partial-resource PATCH and gets the user back', async () => {
      const deactivated = await dir.v1.patch(`/Users/${userId}`, { schemas: [CORE1], id: userId, active: false }, JSON_TYPE);
      expect(deactivated.status).toBe(200);
      expect(deactivated.body).toMatchObject({ id: userId, active: false, userName: 'test.user@okta.local', schemas: [CORE1] });
      expect((await dir.v1.get(`/Users/${userId}`)).body.active).toBe(false);
    });

    it('pushes a group with its description, then members, a rename and a removal', async () => {
      const created = await dir.v1.post(
        '/Groups',
        { schemas: [CORE1, OKTA_GROUP], displayName: 'Test SCIMv1', [OKTA_GROUP]: { description: 'All Users West of the Rockies' } },
        JSON_TYPE,
      );
      expect(created.status).toBe(201);
      groupId = created.body.id;
      expect(created.headers.get('location')).toBe(`${dir.v1.baseUrl}/Groups/${groupId}`);
      expect(created.body).toMatchObject({
        schemas: [CORE1, OKTA_GROUP],
        displayName: 'Test SCIMv1',
        [OKTA_GROUP]: { description: 'All Users West of the Rockies' },
        meta: { location: `${dir.v1.baseUrl}/Groups/${groupId}` },
      });
      // No members yet: an empty multi-valued attribute is left out (RFC 7643 §2.5).
      expect(created.body).not.toHaveProperty('members');

      const add = { schemas: [CORE1], members: [{ value: userId, display: 'test.user@okta.local' }, { value: secondId, display: 'test.user2@okta.local' }] };
      expect((await dir.v1.patch(`/Groups/${groupId}`, add, JSON_TYPE)).status).toBe(204);
      let group = await dir.v1.get(`/Groups/${groupId}`);
      expect(group.body.members).toEqual([
        { value: userId, type: 'User', display: 'test.user@okta.local' },
        { value: secondId, type: 'User', display: 'test.user2@okta.local' },
      ]);

      const rename = await dir.v1.patch(`/Groups/${groupId}`, { schemas: [CORE1], id: groupId, displayName: 'Test SCIMv11' }, JSON_TYPE);
      expect(rename.status).toBe(204);
      const remove = { schemas: [CORE1], members: [{ value: secondId, display: 'test.user2@okta.local', operation: 'delete' }] };
      expect((await dir.v1.patch(`/Groups/${groupId}`, remove, JSON_TYPE)).status).toBe(204);
      group = await dir.v1.get(`/Groups/${groupId}`);
      expect(group.body).toMatchObject({ displayName: 'Test SCIMv11', [OKTA_GROUP]: { description: 'All Users West of the Rockies' } });
      expect(group.body.members).toEqual([{ value: userId, type: 'User', display: 'test.user@okta.local' }]);

      const withBody = await dir.v1.patch(`/Groups/${groupId}?attributes=displayName`, { schemas: [CORE1], displayName: 'Test SCIMv12' }, JSON_TYPE);
      expect(withBody.status).toBe(200);
      expect(withBody.body).toEqual({ schemas: [CORE1, OKTA_GROUP], id: groupId, displayName: 'Test SCIMv12' });
    });

    it("lists groups for Okta's import, with members and without", async () => {
      const list = await dir.v1.get('/Groups?startIndex=1&count=100');
      expect(list.body).toMatchObject({ schemas: [CORE1], totalResults: 1, itemsPerPage: 1, startIndex: 1 });
      expect(list.body.Resources[0]).toMatchObject({ id: groupId, members: [{ value: userId, type: 'User', display: 'test.user@okta.local' }] });
      expect(JSON.stringify(list.body)).not.toContain('$ref');
      const bare = await dir.v1.get(`/Groups?filter=${q(`${OKTA_GROUP}:description co "Rockies"`)}&attributes=displayName`);
      expect(bare.body.Resources).toEqual([{ schemas: [CORE1, OKTA_GROUP], id: groupId, displayName: 'Test SCIMv12' }]);
    });

    it("answers /ServiceProviderConfigs with Okta's capabilities and the configured page limit", async () => {
      const config = await dir.v1.get('/ServiceProviderConfigs');
      expect(config.status).toBe(200);
      expect(config.headers.get('content-type')).toMatch(/^application\/json/);
      expect(config.body.schemas).toEqual([CORE1, OKTA_CONFIG]);
      expect(config.body.filter).toEqual({ supported: true, maxResults: roster.config.limits.maxPageSize });
      expect(config.body[OKTA_CONFIG].userManagementCapabilities).toEqual([
        'GROUP_PUSH', 'IMPORT_NEW_USERS', 'IMPORT_PROFILE_UPDATES', 'PUSH_NEW_USERS', 'PUSH_PENDING_USERS',
        'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION', 'REACTIVATE_USERS',
      ]);
      await roster.services.directories.update(dir.id, { passwordMode: 'store' });
      const withPasswords = await dir.v1.get('/ServiceProviderConfigs');
      expect(withPasswords.body[OKTA_CONFIG].userManagementCapabilities).toContain('PUSH_PASSWORD_UPDATES');
      await roster.services.directories.update(dir.id, { passwordMode: 'ignore' });
    });

    it('unlinks the pushed group with delete, then the group is a 1.1 404', async () => {
      expect((await dir.v1.delete(`/Groups/${groupId}`)).status).toBe(204);
      const gone = await dir.v1.get(`/Groups/${groupId}`);
      expect(gone.status).toBe(404);
      // Okta's 1.1 test reads `detail` as well as the 1.1 `Errors` list.
      expect(gone.body).toEqual({ Errors: [{ description: `Group ${groupId} not found`, code: '404' }], detail: `Group ${groupId} not found`, status: '404' });
    });
  });

  describe('one storage, two versions', () => {
    let dir: Directory;
    beforeAll(async () => {
      dir = await directory(roster);
    });

    it('a user written through 1.1 reads back through 2.0 with the same values', async () => {
      const manager = await dir.v1.post('/Users', { schemas: [CORE1], userName: 'boss@example.com' }, JSON_TYPE);
      const written = await dir.v1.post(
        '/Users',
        {
          schemas: [CORE1, ENT1],
          userName: 'bjensen@example.com',
          externalId: 'bjensen',
          name: { givenName: 'Barbara', familyName: 'Jensen' },
          title: 'Tour Guide',
          emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
          phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
          [ENT1]: { employeeNumber: '701984', department: 'Tour Operations', manager: { managerId: manager.body.id, displayName: 'Boss' } },
        },
        JSON_TYPE,
      );
      expect(written.status).toBe(201);
      const read = await dir.v2.get(`/Users/${written.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        schemas: [USER_SCHEMA, ENT2],
        id: written.body.id,
        userName: 'bjensen@example.com',
        externalId: 'bjensen',
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        title: 'Tour Guide',
        emails: written.body.emails,
        phoneNumbers: written.body.phoneNumbers,
        [ENT2]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: manager.body.id } },
        meta: { resourceType: 'User', location: `${dir.v2.baseUrl}/Users/${written.body.id}`, version: written.body.meta.version, created: written.body.meta.created },
      });
      expect(written.body[ENT1].manager).toEqual({ managerId: manager.body.id });

      // And a 1.1 filter on the 1.1 enterprise URN finds it.
      const byDepartment = await dir.v1.get(`/Users?filter=${q(`${ENT1}:department eq "Tour Operations"`)}`);
      expect(byDepartment.body.Resources.map((r: { id: string }) => r.id)).toEqual([written.body.id]);
      const byManager = await dir.v1.get(`/Users?filter=${q(`${ENT1}:manager.managerId eq "${manager.body.id}"`)}&attributes=userName`);
      expect(byManager.body.Resources).toEqual([{ schemas: [CORE1, ENT1], id: written.body.id, userName: 'bjensen@example.com' }]);
    });

    it('a user written through 2.0 reads back through 1.1 with the same values', async () => {
      const written = await dir.v2.post('/Users', {
        schemas: [USER_SCHEMA, ENT2],
        userName: 'ada@example.com',
        active: true,
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        [ENT2]: { costCenter: 'CC-1' },
      });
      expect(written.status).toBe(201);
      const read = await dir.v1.get(`/Users/${written.body.id}`);
      expect(read.body).toEqual({
        schemas: [CORE1, ENT1],
        id: written.body.id,
        userName: 'ada@example.com',
        active: true,
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        [ENT1]: { costCenter: 'CC-1' },
        meta: { created: written.body.meta.created, lastModified: written.body.meta.lastModified, location: `${dir.v1.baseUrl}/Users/${written.body.id}`, version: written.body.meta.version },
      });
      expect(read.headers.get('etag')).toBe(written.body.meta.version);
    });

    it('group members and a user\'s groups are shared: written in one version, read in the other', async () => {
      const user = await dir.v2.post('/Users', { schemas: [USER_SCHEMA], userName: 'member@example.com' });
      const group = await dir.v2.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Crew' });
      await dir.v2.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.body.id, display: 'member' }] }));
      const v1Group = await dir.v1.get(`/Groups/${group.body.id}`);
      expect(v1Group.body.members).toEqual([{ value: user.body.id, type: 'User', display: 'member' }]);
      const v1User = await dir.v1.get(`/Users/${user.body.id}`);
      expect(v1User.body.groups).toEqual([{ value: group.body.id, display: 'Crew', type: 'direct' }]);

      const removal = { schemas: [CORE1], members: [{ value: user.body.id, operation: 'delete' }] };
      expect((await dir.v1.patch(`/Groups/${group.body.id}`, removal, JSON_TYPE)).status).toBe(204);
      const v2Group = await dir.v2.get(`/Groups/${group.body.id}`);
      expect(v2Group.body).not.toHaveProperty('members');
    });

    it("Okta's group description reads through 2.0 as the same extension", async () => {
      const created = await dir.v1.post('/Groups', { schemas: [CORE1, OKTA_GROUP], displayName: 'West', [OKTA_GROUP]: { description: 'West of the Rockies' } }, JSON_TYPE);
      const read = await dir.v2.get(`/Groups/${created.body.id}`);
      expect(read.body).toMatchObject({ schemas: [GROUP_SCHEMA, OKTA_GROUP], displayName: 'West', [OKTA_GROUP]: { description: 'West of the Rockies' } });
      // A 2.0 PATCH that does not touch it keeps it.
      await dir.v2.patch(`/Groups/${created.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'West Coast' }));
      const again = await dir.v1.get(`/Groups/${created.body.id}?attributes=${q(`displayName,${OKTA_GROUP}:description`)}`);
      expect(again.body).toEqual({ schemas: [CORE1, OKTA_GROUP], id: created.body.id, displayName: 'West Coast', [OKTA_GROUP]: { description: 'West of the Rockies' } });
    });

    it('meta.attributes removes attributes before the rest of a 1.1 PATCH is merged', async () => {
      const created = await dir.v1.post(
        '/Users',
        { schemas: [CORE1], userName: 'merge@example.com', title: 'Guide', emails: [{ value: 'a@example.com', type: 'work' }, { value: 'b@example.com', type: 'home' }] },
        JSON_TYPE,
      );
      const patched = await dir.v1.patch(
        `/Users/${created.body.id}`,
        { schemas: [CORE1], meta: { attributes: ['title', 'emails'] }, emails: [{ value: 'c@example.com', type: 'work', primary: true }], nickName: 'M' },
        JSON_TYPE,
      );
      expect(patched.status).toBe(200);
      expect(patched.body).not.toHaveProperty('title');
      expect(patched.body).toMatchObject({ nickName: 'M', emails: [{ value: 'c@example.com', type: 'work', primary: true }] });
      const merged = await dir.v1.patch(`/Users/${created.body.id}`, { schemas: [CORE1], emails: [{ value: 'c@example.com', type: 'home' }, { value: 'd@example.com' }] }, JSON_TYPE);
      expect(merged.body.emails).toEqual([{ value: 'c@example.com', type: 'home', primary: true }, { value: 'd@example.com' }]);
    });

    it('sorts and pages by 1.1 names', async () => {
      const page = await dir.v1.get(`/Users?sortBy=${q('urn:scim:schemas:core:1.0:userName')}&sortOrder=descending&startIndex=2&count=2&attributes=userName`);
      const all = await dir.v2.get('/Users?sortBy=userName&sortOrder=descending&attributes=userName');
      expect(page.body).toMatchObject({ totalResults: all.body.totalResults, itemsPerPage: 2, startIndex: 2 });
      expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(all.body.Resources.slice(1, 3).map((r: { userName: string }) => r.userName));
    });

    it('serves 1.1 schemas', async () => {
      const schemas = await dir.v1.get('/Schemas');
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([`${CORE1}:User`, `${CORE1}:Group`]);
      expect((await dir.v1.get('/Schemas/Users')).body).toMatchObject({ name: 'User', endpoint: '/Users', schema: CORE1 });
      expect((await dir.v1.get('/ResourceTypes')).body.Resources.map((r: { name: string }) => r.name)).toEqual(['User', 'Group']);
    });
  });

  describe('authentication, directory checks and errors, exactly as 2.0', () => {
    let dir: Directory;
    beforeAll(async () => {
      dir = await directory(roster);
    });

    it('refuses a missing token, and a token of another directory, with 1.1 bodies', async () => {
      const anonymous = await fetch(`${dir.v1.baseUrl}/Users`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      expect(await anonymous.json()).toEqual({ Errors: [{ description: expect.any(String), code: '401' }], detail: expect.any(String), status: '401' });
      const other = await directory(roster);
      const crossed = roster.client(`${roster.origin}/scim/v1/${dir.id}`, other.v1.token);
      expect((await crossed.get('/Users')).status).toBe(401);
    });

    it('accepts HTTP Basic with the token as password', async () => {
      const basic = roster.client(dir.v1.baseUrl, dir.v1.token, 'Basic');
      expect((await basic.get('/Users')).status).toBe(200);
    });

    it('answers a paused directory with a 403, never a silent 200', async () => {
      const paused = await directory(roster);
      await roster.services.directories.update(paused.id, { status: 'paused' });
      const res = await paused.v1.post('/Users', { schemas: [CORE1], userName: 'x@example.com' }, JSON_TYPE);
      expect(res.status).toBe(403);
      expect(res.body.Errors[0].code).toBe('403');
    });

    it('reports bad requests precisely', async () => {
      const noSchemas = await dir.v1.post('/Users', { userName: 'x@example.com' }, JSON_TYPE);
      expect(noSchemas.status).toBe(400);
      expect(noSchemas.body.Errors[0].description).toContain(CORE1);
      const badFilter = await dir.v1.get(`/Users?filter=${q('userName eq')}`);
      expect(badFilter.status).toBe(400);
      expect(badFilter.body).toEqual({ Errors: [{ description: expect.any(String), code: '400' }], detail: expect.any(String), status: '400' });
      expect((await dir.v1.post('/Users', '{"schemas":', JSON_TYPE)).body).toEqual({ Errors: [{ description: expect.any(String), code: '400' }], detail: expect.any(String), status: '400' });
      expect((await dir.v1.get('/Devices')).body.Errors[0].code).toBe('404');
      const missing = await dir.v1.patch('/Users/00000000-0000-4000-8000-000000000000', { schemas: [CORE1], active: false }, JSON_TYPE);
      expect(missing.status).toBe(404);
      const user = await dir.v1.post('/Users', { schemas: [CORE1], userName: 'etag@example.com' }, JSON_TYPE);
      const stale = await dir.v1.patch(`/Users/${user.body.id}`, { schemas: [CORE1], active: false }, { ...JSON_TYPE, 'if-match': 'W/"99"' });
      expect(stale.status).toBe(412);
      expect(stale.body.Errors[0].code).toBe('412');
    });
  });
});
