/**
 * Okta's SCIM 2.0 provisioning, replayed request for request against a real Roster.
 *
 * Step names are Okta's own where Okta publishes one:
 * - "Required Test: …" / "Optional Test: …": the OIN submission suite Okta-SCIM-20-SPEC-Test.json
 *   (developer.okta.com/standards/SCIM/SCIMFiles/, "Test your SCIM API" guide).
 * - "Test API Credentials", "Please wait while we verify your application", "Check error schema",
 *   "Unassign user from app": the original Runscope suite oktadev/okta-scim-beta SCIM_tests_for_Runscope.json.
 * Everything else is named after the Okta action that sends it (Okta SCIM 2.0 reference, "Group push").
 * Request bodies are copied from /work/shared/idp-requests.md (section "Okta — SCIM 2.0").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, startRoster, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';
import { LIST_RESPONSE_SCHEMA, expectEmptyList, expectListResponse, expectScimError, expectStatus, filterParam, memberIds, withHeaders } from './conformance-helpers.ts';

// Okta sends these on every call; the Runscope suite also sends the content type on GETs.
const OKTA_HEADERS = {
  'user-agent': 'Okta SCIM Client 1.0.0',
  accept: 'application/scim+json',
  'accept-charset': 'utf-8',
};
const OKTA_BODY_HEADERS = { 'content-type': 'application/scim+json; charset=utf-8' };

function oktaUser(userName: string, givenName: string, familyName: string, externalId: string) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName, familyName },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${givenName} ${familyName}`,
    locale: 'en-US',
    externalId,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

// The exact create body of idp-requests.md.
const TEST_USER = oktaUser('test.user@okta.local', 'Test', 'User', '00ujl29u0le5T6Aj10h7');
const SECOND_USER = oktaUser('second.user@okta.local', 'Second', 'User', '00ujl29u0le5T6Aj10h8');
const THIRD_USER = oktaUser('third.user@okta.local', 'Third', 'User', '00ujl29u0le5T6Aj10h9');
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** What Okta reads back must be what it sent, minus the write-only password. */
function expectRoundTrip(resource: any, sent: ReturnType<typeof oktaUser>, overrides: Record<string, unknown> = {}) {
  const { password: _password, groups: _groups, schemas: _schemas, ...rest } = sent;
  expect(resource).toMatchObject({ ...rest, ...overrides });
  expect(resource.schemas).toContain(USER_SCHEMA);
  expect(resource.emails).toEqual(sent.emails);
  expect(resource).not.toHaveProperty('password');
}

describeEachEngine('Okta SCIM 2.0 conformance', (engine) => {
  let roster: RosterUnderTest;
  let okta: ScimClient;
  const ids: { testUser?: string; second?: string; third?: string; group?: string } = {};

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    okta = withHeaders(await roster.directory({ name: 'Okta', idp: 'okta' }), OKTA_HEADERS);
  });
  afterAll(() => roster.close());

  it('Test API Credentials: GET /Users?startIndex=1&count=2 on an empty directory', async () => {
    const body = expectListResponse(await okta.get('/Users?startIndex=1&count=2', OKTA_BODY_HEADERS));
    expect(body).toEqual({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('Please wait while we verify your application: GET /Groups?count=100&startIndex=1', async () => {
    const body = expectListResponse(await okta.get('/Groups?count=100&startIndex=1', OKTA_BODY_HEADERS));
    expect(body.totalResults).toBe(0);
    expect(body.startIndex).toBe(1);
  });

  it('Required Test: Test invalid User by username', async () => {
    expectEmptyList(await okta.get(`/Users?${filterParam('userName eq "invalidUser@atko.com"')}`));
  });

  it("Required Test: Make sure random user doesn't exist (lookup before create: startIndex=1&count=100)", async () => {
    const res = await okta.get('/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100', OKTA_BODY_HEADERS);
    expectListResponse(res);
    expect(res.body).toEqual({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('Required Test: Test invalid User by ID (Runscope: Check error schema)', async () => {
    expectScimError(await okta.get('/Users/5f4dcc3b5aa765d61d8327deb882cf99'), 404);
  });

  it('Required Test: Create Okta user with realistic values', async () => {
    const res = await okta.post('/Users', TEST_USER, OKTA_BODY_HEADERS);
    expectStatus(res, 201);
    // An empty body is Okta's "Create new user returned empty user".
    expect(typeof res.body?.id).toBe('string');
    expect(res.body.id.length).toBeGreaterThan(0);
    expectRoundTrip(res.body, TEST_USER);
    expect(res.headers.get('location')).toBe(`${okta.baseUrl}/Users/${res.body.id}`);
    ids.testUser = res.body.id;
  });

  it('Required Test: Verify that user was created', async () => {
    const res = await okta.get(`/Users/${ids.testUser}`);
    expectStatus(res, 200);
    expect(res.body.id).toBe(ids.testUser);
    expectRoundTrip(res.body, TEST_USER);
  });

  it('Required Test: Expect failure when recreating user with same values', async () => {
    expectScimError(await okta.post('/Users', TEST_USER, OKTA_BODY_HEADERS), 409, 'uniqueness');
  });

  it('Expect failure when recreating user with the same userName in another case (userName is caseExact: false)', async () => {
    const res = await okta.post('/Users', { ...TEST_USER, userName: 'Test.User@OKTA.local', externalId: '00ujl29u0le5T6Aj1xxx' }, OKTA_BODY_HEADERS);
    expectScimError(res, 409, 'uniqueness');
  });

  it('Required Test: Username Case Sensitivity Check', async () => {
    const body = expectListResponse(await okta.get(`/Users?${filterParam('userName eq "TEST.USER@OKTA.LOCAL"')}&startIndex=1&count=100`));
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0].id).toBe(ids.testUser);
  });

  it('Required Test: Test Users endpoint', async () => {
    const body = expectListResponse(await okta.get('/Users?count=1&startIndex=1'));
    expect(body.Resources.length).toBe(1);
    const [user] = body.Resources;
    expect(user.id).toBeTruthy();
    expect(user.name.familyName).toBeTruthy();
    expect(user.name.givenName).toBeTruthy();
    expect(user.userName).toBeTruthy();
    expect(user.active).toBe(true);
    expect(user.emails[0].value).toBeTruthy();
  });

  it('Required Test: Get Users/{{id}}', async () => {
    const first = expectListResponse(await okta.get('/Users?count=1&startIndex=1')).Resources[0];
    const res = await okta.get(`/Users/${first.id}`);
    expectStatus(res, 200);
    expect(res.body.id).toBe(first.id);
    expect(res.body.emails[0].value).toBeTruthy();
  });

  it('Optional Test: Verify Groups endpoint', async () => {
    expectListResponse(await okta.get('/Groups'));
  });

  it('Required Test: Check status 401', async () => {
    const stranger = withHeaders(roster.client(okta.baseUrl, 'not-the-token'), OKTA_HEADERS);
    expectScimError(await stranger.get(`/Users?${filterParam('userName eq "TEST.USER@OKTA.LOCAL"')}`), 401);
  });

  it('Required Test: Check status 404', async () => {
    expectScimError(await okta.get('/Users/00919288221112222'), 404);
  });

  it('Unassign user from app: deactivate with PATCH replace value {"active":false}', async () => {
    const res = await okta.patch(`/Users/${ids.testUser}`, patch({ op: 'replace', value: { active: false } }), OKTA_BODY_HEADERS);
    expectStatus(res, 200);
    expect(res.body.active).toBe(false);
    expect((await okta.get(`/Users/${ids.testUser}`)).body.active).toBe(false);
  });

  it('Reactivate user: PATCH replace value {"active":true}', async () => {
    const res = await okta.patch(`/Users/${ids.testUser}`, patch({ op: 'replace', value: { active: true } }), OKTA_BODY_HEADERS);
    expectStatus(res, 200);
    expect(res.body.active).toBe(true);
    expect((await okta.get(`/Users/${ids.testUser}`)).body.active).toBe(true);
  });

  it('Push group: POST /Groups with "members": []', async () => {
    for (const [key, body] of [['second', SECOND_USER], ['third', THIRD_USER]] as const) {
      const created = await okta.post('/Users', body, OKTA_BODY_HEADERS);
      expectStatus(created, 201);
      ids[key] = created.body.id;
    }
    const res = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [] }, OKTA_BODY_HEADERS);
    expectStatus(res, 201);
    expect(res.body.id).toBeTruthy();
    expect(res.body.schemas).toContain(GROUP_SCHEMA);
    expect(res.body.displayName).toBe('Test SCIMv2');
    // Okta accepts `members` absent, null or empty here.
    expect(res.body.members ?? []).toEqual([]);
    ids.group = res.body.id;
  });

  it('Push group membership: rename PATCH (id + displayName) then add members', async () => {
    const rename = await okta.patch(`/Groups/${ids.group}`, patch({ op: 'replace', value: { id: ids.group, displayName: 'Test SCIMv2' } }), OKTA_BODY_HEADERS);
    expectStatus(rename, [200, 204]);
    const add = await okta.patch(
      `/Groups/${ids.group}`,
      patch({ op: 'add', path: 'members', value: [{ value: ids.testUser, display: TEST_USER.userName }, { value: ids.second, display: SECOND_USER.userName }] }),
      OKTA_BODY_HEADERS,
    );
    expectStatus(add, [200, 204]);
    const group = await okta.get(`/Groups/${ids.group}`);
    expectStatus(group, 200);
    expect(memberIds(group.body)).toEqual([ids.testUser, ids.second].sort());
  });

  it('Rename pushed group: pathless replace with id and displayName', async () => {
    const res = await okta.patch(`/Groups/${ids.group}`, patch({ op: 'replace', value: { id: ids.group, displayName: 'Test SCIMv2 renamed' } }), OKTA_BODY_HEADERS);
    expectStatus(res, [200, 204]);
    const group = await okta.get(`/Groups/${ids.group}`);
    expect(group.body.displayName).toBe('Test SCIMv2 renamed');
    expect(memberIds(group.body)).toEqual([ids.testUser, ids.second].sort());
  });

  it('Push membership delta: remove members[value eq "…"] and add members in one PATCH', async () => {
    const res = await okta.patch(
      `/Groups/${ids.group}`,
      patch({ op: 'remove', path: `members[value eq "${ids.testUser}"]` }, { op: 'add', path: 'members', value: [{ value: ids.third, display: THIRD_USER.userName }] }),
      OKTA_BODY_HEADERS,
    );
    expectStatus(res, [200, 204]);
    const group = await okta.get(`/Groups/${ids.group}`);
    expect(memberIds(group.body)).toEqual([ids.second, ids.third].sort());
  });

  it('Push full membership: replace path members leaves exactly that set', async () => {
    const res = await okta.patch(
      `/Groups/${ids.group}`,
      patch({ op: 'replace', path: 'members', value: [{ value: ids.testUser, display: TEST_USER.userName }, { value: ids.third, display: THIRD_USER.userName }] }),
      OKTA_BODY_HEADERS,
    );
    expectStatus(res, [200, 204]);
    const group = await okta.get(`/Groups/${ids.group}`);
    expectStatus(group, 200);
    expect(group.body.displayName).toBe('Test SCIMv2 renamed');
    expect(memberIds(group.body)).toEqual([ids.testUser, ids.third].sort());
    for (const member of group.body.members) expect(member.value).toBeTruthy();
  });

  it('Update user profile: GET /Users/{id}, then PUT the full body back (with groups and meta)', async () => {
    const current = await okta.get(`/Users/${ids.testUser}`);
    expectStatus(current, 200);
    expect(current.body.groups?.map((g: { value: string }) => g.value)).toEqual([ids.group]);
    const res = await okta.put(`/Users/${ids.testUser}`, { ...current.body, name: { ...current.body.name, givenName: 'Tested' }, displayName: 'Tested User' }, OKTA_BODY_HEADERS);
    expectStatus(res, 200);
    expectRoundTrip(res.body, TEST_USER, { name: { givenName: 'Tested', familyName: 'User' }, displayName: 'Tested User' });
    // `groups` is read-only (RFC 7643 §4.1.2): echoing it back leaves the membership alone.
    const group = await okta.get(`/Groups/${ids.group}`);
    expect(memberIds(group.body)).toEqual([ids.testUser, ids.third].sort());
  });

  it('Import users: GET /Users?startIndex=1&count=100, then +100 until totalResults (250 users, each once)', async () => {
    const importing = withHeaders(await roster.directory({ name: 'Okta import', idp: 'okta' }), OKTA_HEADERS);
    const created = new Set<string>();
    for (let batch = 0; batch < 250; batch += 25) {
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, i) => importing.post('/Users', oktaUser(`import.${batch + i}@okta.local`, `Import${batch + i}`, 'User', `00uimport${batch + i}`), OKTA_BODY_HEADERS)),
      );
      for (const r of responses) {
        expectStatus(r, 201);
        created.add(r.body.id);
      }
    }
    async function walk(): Promise<string[]> {
      const seen: string[] = [];
      let startIndex = 1;
      let totalResults = Infinity;
      while (startIndex <= totalResults) {
        const page = expectListResponse(await importing.get(`/Users?startIndex=${startIndex}&count=100`, OKTA_BODY_HEADERS));
        expect(page.startIndex).toBe(startIndex);
        expect(page.totalResults).toBe(250);
        expect(page.itemsPerPage).toBe(Math.min(100, 250 - startIndex + 1));
        totalResults = page.totalResults;
        seen.push(...page.Resources.map((r) => r.id as string));
        startIndex += 100;
      }
      return seen;
    }
    const first = await walk();
    expect(first.length).toBe(250);
    expect(new Set(first).size).toBe(250);
    expect(new Set(first)).toEqual(created);
    // Ordering must be stable across pages: a second import sees the same sequence.
    expect(await walk()).toEqual(first);
  }, 120_000);

  it('Unlink pushed group: DELETE /Groups/{id} → 204, then 404', async () => {
    const res = await okta.delete(`/Groups/${ids.group}`);
    expectStatus(res, 204);
    expect(res.text).toBe('');
    expectScimError(await okta.get(`/Groups/${ids.group}`), 404);
    const user = await okta.get(`/Users/${ids.testUser}`);
    expect(user.body.groups ?? []).toEqual([]);
  });

  it('DELETE /Users/{id} (Okta never sends it; RFC 7644 §3.6) → 204, then 404', async () => {
    const res = await okta.delete(`/Users/${ids.third}`);
    expectStatus(res, 204);
    expect(res.text).toBe('');
    expectScimError(await okta.get(`/Users/${ids.third}`), 404);
    expectScimError(await okta.delete(`/Users/${ids.third}`), 404);
  });

  it('Final state: the stored user is what Okta last sent', async () => {
    const res = await okta.get(`/Users/${ids.testUser}`);
    expectStatus(res, 200);
    expectRoundTrip(res.body, TEST_USER, { name: { givenName: 'Tested', familyName: 'User' }, displayName: 'Tested User', active: true });
    const lookup = expectListResponse(await okta.get(`/Users?${filterParam('userName eq "test.user@okta.local"')}&startIndex=1&count=100`));
    expect(lookup.Resources.map((r) => r.id)).toEqual([ids.testUser]);
  });
});
