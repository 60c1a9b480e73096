import { describe, expect, it } from 'vitest';
import { createProjection } from './project-resource.ts';
import { ScimError } from './scim-error.ts';
import { errorOf } from '../../test/helpers/error-of.ts';
import { ENTERPRISE_USER_SCHEMA, groupResourceType, USER_SCHEMA, userResourceType } from './schemas/resource-types.ts';

const user = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: '2819c223',
  externalId: '00ujl29u0le5T6Aj10h7',
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-02T00:00:00Z', version: 'W/"3"' },
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User', formatted: 'Test User' },
  displayName: 'Test User',
  active: true,
  password: '1mz050nq',
  emails: [
    { value: 'test.user@okta.local', type: 'work', primary: true },
    { value: 'home@example.com', type: 'home' },
  ],
  groups: [{ value: 'g1', display: 'Engineering' }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'm1', displayName: 'Boss' } },
});

const group = (): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'e9e30dba',
  displayName: 'Tour Guides',
  members: [{ value: '2819c223', display: 'Babs', type: 'User' }],
  meta: { resourceType: 'Group' },
});

const project = (params: { attributes?: string; excludedAttributes?: string }, resource = user()) =>
  createProjection(userResourceType, params).apply(resource);

describe('createProjection: default (RFC 7643 §2.2 returned)', () => {
  it('returns everything except returned=never attributes', () => {
    const out = project({});
    const expected = user();
    delete expected.password;
    expect(out).toEqual(expected);
  });

  it('never returns the password, even when asked for by name', () => {
    expect(project({ attributes: 'password' })).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], id: '2819c223' });
    expect(createProjection(userResourceType, { attributes: 'password' }).includes('password')).toBe(false);
  });

  it('does not modify the stored resource', () => {
    const resource = user();
    createProjection(userResourceType, { attributes: 'userName' }).apply(resource);
    expect(resource).toEqual(user());
  });

  it('keeps attributes the schema does not know, as the IdP wrote them', () => {
    expect(project({}, { ...user(), 'urn:okta:custom:1.0': { x: 1 } })).toHaveProperty(['urn:okta:custom:1.0']);
  });
});

describe('createProjection: attributes (RFC 7644 §3.4.2.5)', () => {
  it('attributes=userName still returns id and schemas, and nothing else', () => {
    expect(project({ attributes: 'userName' })).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: '2819c223',
      userName: 'test.user@okta.local',
    });
  });

  it('matches names ignoring case and keeps the stored case of keys', () => {
    expect(project({ attributes: 'USERNAME,DisplayName' })).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: '2819c223',
      userName: 'test.user@okta.local',
      displayName: 'Test User',
    });
  });

  it('selects one sub-attribute of a complex attribute', () => {
    expect(project({ attributes: 'name.givenName' })).toMatchObject({ name: { givenName: 'Test' } });
    expect(project({ attributes: 'name.givenName' }).name).toEqual({ givenName: 'Test' });
  });

  it('selects a sub-attribute in every element of a multi-valued attribute', () => {
    expect(project({ attributes: 'emails.value' }).emails).toEqual([{ value: 'test.user@okta.local' }, { value: 'home@example.com' }]);
  });

  it('accepts names qualified by the core schema URN', () => {
    expect(project({ attributes: `${USER_SCHEMA}:userName` }).userName).toBe('test.user@okta.local');
    expect(project({ attributes: `${USER_SCHEMA}:name.familyName` }).name).toEqual({ familyName: 'User' });
  });

  it('selects an extension attribute by its qualified name, under the extension key', () => {
    const out = project({ attributes: `${ENTERPRISE_USER_SCHEMA}:employeeNumber` });
    expect(out).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], id: '2819c223', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984' } });
  });

  it('selects an extension sub-attribute (the dot in "2.0" is not a separator)', () => {
    const out = project({ attributes: `${ENTERPRISE_USER_SCHEMA}:manager.value` });
    expect(out[ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: 'm1' } });
  });

  it('selects a whole extension by its URN', () => {
    const out = project({ attributes: ENTERPRISE_USER_SCHEMA });
    expect(out[ENTERPRISE_USER_SCHEMA]).toEqual(user()[ENTERPRISE_USER_SCHEMA]);
    expect(out.userName).toBeUndefined();
  });

  it('does not return meta unless asked (it is returned=default, not always)', () => {
    expect(project({ attributes: 'userName' }).meta).toBeUndefined();
    expect(project({ attributes: 'meta.lastModified' }).meta).toEqual({ lastModified: '2024-01-02T00:00:00Z' });
  });

  it('leaves out attributes the resource does not have, and empty narrowed objects', () => {
    const out = project({ attributes: 'nickName,name.middleName' });
    expect(out).toEqual({ schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], id: '2819c223' });
  });

  it('ignores blanks and repeated names in the list', () => {
    expect(project({ attributes: ' userName , ,name,name.givenName' }).name).toEqual(user().name);
  });

  it('rejects an unknown attribute with 400 invalidValue naming it', () => {
    const build = () => createProjection(userResourceType, { attributes: 'userName,favouriteColour' });
    expect(build).toThrow(ScimError);
    try {
      build();
    } catch (error) {
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect((error as Error).message).toContain('favouriteColour');
    }
  });

  it('rejects unknown sub-attributes and unknown schema URNs', () => {
    expect(() => createProjection(userResourceType, { attributes: 'name.nickname' })).toThrow(/name\.nickname/);
    expect(() => createProjection(userResourceType, { excludedAttributes: 'urn:example:ext:1.0:User:foo' })).toThrow(ScimError);
    expect(() => createProjection(groupResourceType, { attributes: 'userName' })).toThrow(ScimError);
  });
});

describe('createProjection: excludedAttributes (RFC 7644 §3.4.2.5)', () => {
  it('excludedAttributes=members on a group drops members and tells the caller not to load them (Entra)', () => {
    const projection = createProjection(groupResourceType, { excludedAttributes: 'members' });
    expect(projection.includes('members')).toBe(false);
    expect(projection.includes('displayName')).toBe(true);
    expect(projection.apply(group())).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'e9e30dba',
      displayName: 'Tour Guides',
      meta: { resourceType: 'Group' },
    });
  });

  it('cannot exclude returned=always attributes', () => {
    const out = project({ excludedAttributes: 'id,userName' });
    expect(out.id).toBe('2819c223');
    expect(out.userName).toBeUndefined();
    expect(out.schemas).toBeDefined();
  });

  it('excludes a sub-attribute and keeps its siblings', () => {
    expect(project({ excludedAttributes: 'name.givenName' }).name).toEqual({ familyName: 'User', formatted: 'Test User' });
    expect(project({ excludedAttributes: 'emails.primary' }).emails).toEqual([
      { value: 'test.user@okta.local', type: 'work' },
      { value: 'home@example.com', type: 'home' },
    ]);
  });

  it('excludes a whole extension by URN, or one of its attributes', () => {
    expect(project({ excludedAttributes: ENTERPRISE_USER_SCHEMA })).not.toHaveProperty([ENTERPRISE_USER_SCHEMA]);
    expect(project({ excludedAttributes: `${ENTERPRISE_USER_SCHEMA}:manager` })[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: '701984',
      department: 'Tour Operations',
    });
  });

  it('excludedAttributes=groups lets the server skip reading a user\'s memberships', () => {
    const projection = createProjection(userResourceType, { excludedAttributes: 'groups' });
    expect(projection.includes('groups')).toBe(false);
    expect(projection.apply(user())).not.toHaveProperty('groups');
  });
});

describe('Projection.includes', () => {
  it('answers for default, narrowed and excluded projections', () => {
    expect(createProjection(groupResourceType, {}).includes('members')).toBe(true);
    expect(createProjection(groupResourceType, { attributes: 'displayName' }).includes('members')).toBe(false);
    expect(createProjection(groupResourceType, { attributes: 'members.value' }).includes('members')).toBe(true);
    expect(createProjection(groupResourceType, { excludedAttributes: 'members.display' }).includes('members')).toBe(true);
    expect(createProjection(userResourceType, {}).includes('groups')).toBe(true);
    expect(createProjection(userResourceType, { attributes: 'userName' }).includes('groups')).toBe(false);
    expect(createProjection(userResourceType, { attributes: 'userName' }).includes('id')).toBe(true);
  });

  it('answers for sub-attributes and extensions', () => {
    const narrowed = createProjection(userResourceType, { attributes: 'name.givenName' });
    expect(narrowed.includes('name')).toBe(true);
    expect(narrowed.includes('name.givenName')).toBe(true);
    expect(narrowed.includes('NAME.FAMILYNAME')).toBe(false);
    const excluded = createProjection(userResourceType, { excludedAttributes: `${ENTERPRISE_USER_SCHEMA}:manager` });
    expect(excluded.includes(`${ENTERPRISE_USER_SCHEMA}:manager`)).toBe(false);
    expect(excluded.includes(`${ENTERPRISE_USER_SCHEMA}:employeeNumber`)).toBe(true);
    expect(excluded.includes(ENTERPRISE_USER_SCHEMA)).toBe(true);
    expect(createProjection(userResourceType, { excludedAttributes: ENTERPRISE_USER_SCHEMA }).includes(ENTERPRISE_USER_SCHEMA)).toBe(false);
  });

  it('answers false for names the resource type does not have', () => {
    expect(createProjection(userResourceType, {}).includes('members')).toBe(false);
    expect(createProjection(userResourceType, {}).includes('')).toBe(false);
  });
});

describe('attributes with a value filter (issue 8: Entra reference server behaviour)', () => {
  const user = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: '1',
    userName: 'ada',
    emails: [
      { value: 'ada@work.example', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ],
  };

  it('returns only the elements the filter selects', () => {
    const projection = createProjection(userResourceType, { attributes: 'emails[type eq "work"]' });
    expect(projection.apply(user)).toEqual({ schemas: user.schemas, id: '1', emails: [{ value: 'ada@work.example', type: 'work', primary: true }] });
  });

  it('with a sub-attribute, a comma inside the filter, and a filter matching nothing', () => {
    expect(createProjection(userResourceType, { attributes: 'emails[type eq "home"].value,userName' }).apply(user)).toEqual({
      schemas: user.schemas,
      id: '1',
      userName: 'ada',
      emails: [{ value: 'ada@home.example' }],
    });
    expect(createProjection(userResourceType, { attributes: 'emails[value eq "a,b"]' }).apply(user)).toEqual({ schemas: user.schemas, id: '1' });
    expect(createProjection(userResourceType, { attributes: 'emails[type eq "work"],emails' }).apply(user).emails).toHaveLength(2);
  });

  it('is a 400 invalidValue in excludedAttributes, on a simple attribute, or with an unknown sub-attribute', () => {
    expect(errorOf(() => createProjection(userResourceType, { excludedAttributes: 'emails[type eq "work"]' })).scimType).toBe('invalidValue');
    expect(errorOf(() => createProjection(userResourceType, { attributes: 'userName[value eq "x"]' })).scimType).toBe('invalidValue');
    expect(errorOf(() => createProjection(userResourceType, { attributes: 'emails[colour eq "x"]' })).scimType).toBe('invalidValue');
  });
});
