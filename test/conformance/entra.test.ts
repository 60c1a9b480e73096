/**
 * Microsoft Entra ID provisioning, replayed request for request against a real Roster.
 *
 * Step names are the test names of Microsoft's SCIM Validator (the Entra "SCIM validator" tool:
 * "Create a new User", "Filter for an existing user with a different case", "Patch User - Disable
 * User", "Get group by id excluding members", "Patch Group - Remove Member", …); steps it has no
 * name for are named after the Entra behaviour they replay. Request bodies are copied from
 * /work/shared/idp-requests.md (section "Microsoft Entra ID"): the default job's capitalised ops
 * and string booleans, and the `aadOptscim062020` job's compliant shapes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, startRoster, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';
import { ENTERPRISE_USER_SCHEMA, expectEmptyList, expectListResponse, expectScimError, expectStatus, filterParam, memberIds } from './conformance-helpers.ts';

const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

// "Create user" of the Entra tutorial (the `…` of idp-requests.md filled with GUIDs).
const NEW_USER = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
};

// The tutorial's older sample: explicit nulls and the schema typo "…:enterprise:2.0User".
const OLDER_SAMPLE_USER = {
  schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
  externalId: 'jyoung',
  userName: 'Test_User_22cc22cc-dd33-ee44-ff55-66aa66aa66aa',
  active: true,
  addresses: null,
  displayName: 'Jane Young',
  emails: [{ primary: true, type: 'work', value: 'jyoung@testuser.com' }],
  meta: { resourceType: 'User' },
  name: { familyName: 'Young', givenName: 'Jane' },
  phoneNumbers: null,
  title: null,
  manager: null,
  roles: [],
};

const MANAGER_USER = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  externalId: 'a9c1d8f0-7d51-4c3b-9a3e-1c2b3d4e5f60',
  userName: 'Test_Manager_33dd33dd@testuser.com',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_Manager_33dd33dd@testuser.com' }],
  name: { familyName: 'Manager', givenName: 'Maria' },
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations' },
};

describeEachEngine('Microsoft Entra ID conformance', (engine) => {
  let roster: RosterUnderTest;
  let entra: ScimClient;
  const ids: Record<'user' | 'older' | 'manager' | 'group', string> = { user: '', older: '', manager: '', group: '' };
  const patchUser = (ops: unknown[]) => entra.patch(`/Users/${ids.user}`, patch(...ops));
  const getUser = async (id = ids.user) => {
    const res = await entra.get(`/Users/${id}`);
    expectStatus(res, 200);
    return res.body;
  };

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    entra = await roster.directory({ name: 'Entra', idp: 'entra' });
  });
  afterAll(() => roster.close());

  it('Test Connection: filter on a random GUID → 200 empty ListResponse with Resources: []', async () => {
    expectEmptyList(await entra.get(`/Users?${filterParam(`userName eq "${randomUUID()}"`)}`));
  });

  it('Schema discovery: GET /Schemas answers a ListResponse', async () => {
    const body = expectListResponse(await entra.get('/Schemas'));
    expect(body.Resources.map((s) => s.id)).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]));
  });

  it('Create a new User (core + enterprise extension schemas)', async () => {
    const res = await entra.post('/Users', NEW_USER);
    expectStatus(res, 201);
    expect(res.body.id).toBeTruthy();
    const { schemas: _s, meta: _m, roles: _r, ...sent } = NEW_USER;
    expect(res.body).toMatchObject(sent);
    expect(res.body.schemas).toContain(USER_SCHEMA);
    ids.user = res.body.id;
  });

  it('Create a new User (older sample: explicit nulls and the "…:enterprise:2.0User" schema typo)', async () => {
    const res = await entra.post('/Users', OLDER_SAMPLE_USER);
    expectStatus(res, 201);
    ids.older = res.body.id;
    const stored = await getUser(ids.older);
    expect(stored).toMatchObject({ userName: OLDER_SAMPLE_USER.userName, externalId: 'jyoung', displayName: 'Jane Young', active: true, name: OLDER_SAMPLE_USER.name });
    // null means unassigned (RFC 7643 §2.5): nothing is stored for it.
    for (const key of ['addresses', 'phoneNumbers', 'title', 'manager']) expect(stored).not.toHaveProperty(key);
  });

  it('Create a new User with enterprise extension attributes', async () => {
    const res = await entra.post('/Users', MANAGER_USER);
    expectStatus(res, 201);
    ids.manager = res.body.id;
    expect(res.body.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]));
    expect(res.body[ENTERPRISE_USER_SCHEMA]).toEqual(MANAGER_USER[ENTERPRISE_USER_SCHEMA]);
  });

  it('Create a duplicate User → 409 uniqueness', async () => {
    expectScimError(await entra.post('/Users', { ...NEW_USER, externalId: randomUUID() }), 409, 'uniqueness');
  });

  it('Filter for an existing user (userName eq "…")', async () => {
    const body = expectListResponse(await entra.get(`/Users?${filterParam(`userName eq "${NEW_USER.userName}"`)}`));
    expect(body.Resources.map((u) => u.id)).toEqual([ids.user]);
  });

  it('Filter for an existing user with a different case', async () => {
    const body = expectListResponse(await entra.get(`/Users?${filterParam(`userName eq "${NEW_USER.userName.toUpperCase()}"`)}`));
    expect(body.Resources.map((u) => u.id)).toEqual([ids.user]);
  });

  it('Filter for a non-existing user', async () => {
    expectEmptyList(await entra.get(`/Users?${filterParam('userName eq "Test_User_does_not_exist@testuser.com"')}`));
  });

  it('Get user by query - externalId with the UNQUOTED value (externalId eq jyoung)', async () => {
    const body = expectListResponse(await entra.get(`/Users?${filterParam('externalId eq jyoung')}`));
    expect(body.Resources.map((u) => u.id)).toEqual([ids.older]);
  });

  it('Get user by query - emails[type eq "work"].value eq "…" (uniqueness attribute)', async () => {
    const body = expectListResponse(await entra.get(`/Users?${filterParam(`emails[type eq "work"].value eq "${NEW_USER.emails[0].value}"`)}`));
    expect(body.Resources.map((u) => u.id)).toEqual([ids.user]);
  });

  it('Patch User - Replace Attributes (default job: "Replace" on emails[type eq "work"].value and name.familyName)', async () => {
    const res = await patchUser([
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]);
    expectStatus(res, 200);
    expect(res.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(res.body.name).toEqual({ formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' });
  });

  it('Update User userName ("Replace" path userName)', async () => {
    const res = await patchUser([{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }]);
    expectStatus(res, 200);
    expect(res.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('Patch User - Add Attributes ("Add" path nickName)', async () => {
    const res = await patchUser([{ op: 'Add', path: 'nickName', value: 'Babs' }]);
    expectStatus(res, 200);
    expect(res.body.nickName).toBe('Babs');
  });

  it('Patch User - Replace on an absent filtered element creates it (phoneNumbers[type eq "work"].value)', async () => {
    const res = await patchUser([{ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+1-555-0100' }]);
    expectStatus(res, 200);
    expect(res.body.phoneNumbers).toEqual([{ type: 'work', value: '+1-555-0100' }]);
  });

  it('Patch User - extension attribute by URN path (…:enterprise:2.0:User:employeeNumber)', async () => {
    const res = await patchUser([{ op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, value: '1234' }]);
    expectStatus(res, 200);
    expect(res.body[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '1234' });
    expect(res.body.schemas).toContain(ENTERPRISE_USER_SCHEMA);
  });

  it('Patch User - Replace Attributes (aadOptscim062020: pathless value with dotted and URN keys)', async () => {
    const res = await patchUser([
      { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'Aklq' } },
    ]);
    expectStatus(res, 200);
    expect(res.body.displayName).toBe('Bjfe');
    expect(res.body.name).toEqual({ formatted: 'givenName familyName', givenName: 'Kkom', familyName: 'Unua' });
    expect(res.body[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: 'Aklq' });
  });

  it('Patch User - Add Manager ("Add" path manager, value [{ "$ref", "value" }] as in the Entra sample)', async () => {
    const res = await patchUser([{ op: 'Add', path: 'manager', value: [{ $ref: `${entra.baseUrl}/Users/${ids.manager}`, value: ids.manager }] }]);
    expectStatus(res, 200);
    expect(res.body[ENTERPRISE_USER_SCHEMA]?.manager?.value).toBe(ids.manager);
    expect((await getUser())[ENTERPRISE_USER_SCHEMA]?.manager?.value).toBe(ids.manager);
  });

  it('Patch User - Replace Manager (manager as a plain string, as some tenants send it)', async () => {
    const res = await patchUser([{ op: 'Replace', path: 'manager', value: ids.older }]);
    expectStatus(res, 200);
    expect(res.body[ENTERPRISE_USER_SCHEMA]?.manager?.value).toBe(ids.older);
  });

  it('Patch User - Remove Manager (after setting it in the RFC 7643 §4.3 object form)', async () => {
    // Set independently of the two steps above, so this step tests the removal alone.
    const set = await patchUser([{ op: 'Replace', path: 'manager', value: { value: ids.manager } }]);
    expectStatus(set, 200);
    expect(set.body[ENTERPRISE_USER_SCHEMA]?.manager?.value).toBe(ids.manager);
    const res = await patchUser([{ op: 'Remove', path: 'manager' }]);
    expectStatus(res, 200);
    expect(res.body[ENTERPRISE_USER_SCHEMA]?.manager).toBeUndefined();
    expect(res.body[ENTERPRISE_USER_SCHEMA]?.employeeNumber).toBe('Aklq');
  });

  it('Patch User - Disable User (default job: "Replace" active with the string "False")', async () => {
    const res = await patchUser([{ op: 'Replace', path: 'active', value: 'False' }]);
    expectStatus(res, 200);
    expect(res.body.active).toBe(false);
    expect((await getUser()).active).toBe(false);
    const filtered = expectListResponse(await entra.get(`/Users?${filterParam('active eq false')}`));
    expect(filtered.Resources.map((u) => u.id)).toEqual([ids.user]);
  });

  it('Patch User - restore ("Replace" active "True") then disable with boolean false (tutorial sample)', async () => {
    const restored = await patchUser([{ op: 'Replace', path: 'active', value: 'True' }]);
    expectStatus(restored, 200);
    expect((await getUser()).active).toBe(true);
    const res = await patchUser([{ op: 'Replace', path: 'active', value: false }]);
    expectStatus(res, 200);
    expect((await getUser()).active).toBe(false);
  });

  it('Patch User - restore then disable (aadOptscim062020: "replace" active false)', async () => {
    expectStatus(await patchUser([{ op: 'replace', path: 'active', value: true }]), 200);
    expect((await getUser()).active).toBe(true);
    const res = await patchUser([{ op: 'replace', path: 'active', value: false }]);
    expectStatus(res, 200);
    expect(res.body.active).toBe(false);
  });

  it('Patch User - empty Operations [] → 200, nothing changes', async () => {
    const before = await getUser();
    const res = await patchUser([]);
    expectStatus(res, 200);
    expect(res.body).toEqual(before);
  });

  it('Final state: the stored user is everything Entra sent', async () => {
    const user = await getUser();
    expect(user).toMatchObject({
      id: ids.user,
      externalId: NEW_USER.externalId,
      userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
      displayName: 'Bjfe',
      nickName: 'Babs',
      active: false,
      name: { formatted: 'givenName familyName', givenName: 'Kkom', familyName: 'Unua' },
      emails: [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }],
      phoneNumbers: [{ type: 'work', value: '+1-555-0100' }],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'Aklq' },
    });
    expect(user.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]));
  });

  it(`Create a new Group (with Entra's extra schema ${ADSCIM_GROUP_SCHEMA})`, async () => {
    const res = await entra.post('/Groups', {
      schemas: [GROUP_SCHEMA, ADSCIM_GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expectStatus(res, 201);
    expect(res.body.id).toBeTruthy();
    expect(res.body).toMatchObject({ externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' });
    expect(res.body.schemas).toContain(GROUP_SCHEMA);
    ids.group = res.body.id;
  });

  it('Create a duplicate Group → 409 uniqueness (Entra requires unique displayName)', async () => {
    expectScimError(await entra.post('/Groups', { schemas: [GROUP_SCHEMA], externalId: randomUUID(), displayName: 'displayName' }), 409, 'uniqueness');
  });

  it('Get group by id excluding members (?excludedAttributes=members)', async () => {
    const res = await entra.get(`/Groups/${ids.group}?excludedAttributes=members`);
    expectStatus(res, 200);
    expect(res.body.id).toBe(ids.group);
    expect(res.body).not.toHaveProperty('members');
  });

  it('Filter for existing group excluding members', async () => {
    const body = expectListResponse(await entra.get(`/Groups?excludedAttributes=members&${filterParam('displayName eq "displayName"')}`));
    expect(body.Resources.map((g) => g.id)).toEqual([ids.group]);
    expect(body.Resources[0]).not.toHaveProperty('members');
  });

  it('Filter for an existing group', async () => {
    const body = expectListResponse(await entra.get(`/Groups?${filterParam('displayName eq "displayName"')}`));
    expect(body.Resources.map((g) => g.id)).toEqual([ids.group]);
  });

  it('Filter for existing group different case', async () => {
    const body = expectListResponse(await entra.get(`/Groups?${filterParam('displayName eq "DISPLAYNAME"')}`));
    expect(body.Resources.map((g) => g.id)).toEqual([ids.group]);
  });

  it('Filter for a non-existing group', async () => {
    expectEmptyList(await entra.get(`/Groups?excludedAttributes=members&${filterParam(`displayName eq "${randomUUID()}"`)}`));
  });

  it('Update Group displayName ("Replace" path displayName → 204)', async () => {
    const res = await entra.patch(`/Groups/${ids.group}`, patch({ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }));
    expectStatus(res, [200, 204]);
    const group = await entra.get(`/Groups/${ids.group}?excludedAttributes=members`);
    expect(group.body.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
  });

  it('Patch Group - Replace Attributes ("Replace" path externalId)', async () => {
    const res = await entra.patch(`/Groups/${ids.group}`, patch({ op: 'Replace', path: 'externalId', value: '0a9bb4f6-2a43-4e39-9e7c-3f0c7a2b5e11' }));
    expectStatus(res, [200, 204]);
    expect((await entra.get(`/Groups/${ids.group}`)).body.externalId).toBe('0a9bb4f6-2a43-4e39-9e7c-3f0c7a2b5e11');
  });

  it('Patch Group - Add Member ("Add" path members with "$ref": null)', async () => {
    const res = await entra.patch(
      `/Groups/${ids.group}`,
      patch({ op: 'Add', path: 'members', value: [ids.user, ids.older, ids.manager].map((value) => ({ $ref: null, value })) }),
    );
    expectStatus(res, [200, 204]);
    const group = await entra.get(`/Groups/${ids.group}`);
    expectStatus(group, 200);
    expect(memberIds(group.body)).toEqual([ids.user, ids.older, ids.manager].sort());
  });

  it('Patch Group - Remove Member (default job: "Remove" path members with a value list removes ONLY those)', async () => {
    const res = await entra.patch(`/Groups/${ids.group}`, patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: ids.user }] }));
    expectStatus(res, [200, 204]);
    const group = await entra.get(`/Groups/${ids.group}`);
    expect(memberIds(group.body)).toEqual([ids.older, ids.manager].sort());
  });

  it('Patch Group - Remove Member (aadOptscim062020: "remove" path members[value eq "…"])', async () => {
    const res = await entra.patch(`/Groups/${ids.group}`, patch({ op: 'remove', path: `members[value eq "${ids.older}"]` }));
    expectStatus(res, [200, 204]);
    const group = await entra.get(`/Groups/${ids.group}`);
    expect(memberIds(group.body)).toEqual([ids.manager]);
    expect(group.body.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
  });

  it('Delete a Group → 204, then 404', async () => {
    const res = await entra.delete(`/Groups/${ids.group}`);
    expectStatus(res, 204);
    expectScimError(await entra.get(`/Groups/${ids.group}`), 404);
    expectScimError(await entra.delete(`/Groups/${ids.group}`), 404);
  });

  it('Delete a User → 204, then 404', async () => {
    const res = await entra.delete(`/Users/${ids.user}`);
    expectStatus(res, 204);
    expectScimError(await entra.get(`/Users/${ids.user}`), 404);
    expectScimError(await entra.delete(`/Users/${ids.user}`), 404);
    expectEmptyList(await entra.get(`/Users?${filterParam(`externalId eq "${NEW_USER.externalId}"`)}`));
  });
});
