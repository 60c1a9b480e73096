import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { patchOp, startRoster, userBody, USER_SCHEMA, type RosterUnderTest } from '../helpers/start-roster.ts';
import { adminRequest } from '../helpers/admin-api.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Issue 8 (hardening), the protocol layer: passwords through every form, the multi-valued cap,
 * the filter cost bound, NUL and string lengths, and the conformance gaps real clients hit. Every
 * case runs on both engines: the answer must not depend on the database.
 */
describeEachEngine('SCIM hardening (issue 8)', (engine) => {
  let roster: RosterUnderTest;
  let adminKey: string;
  const api = (method: string, path: string, body?: unknown) => adminRequest(roster.origin, adminKey, method, path, body);

  beforeAll(async () => {
    roster = await startRoster({}, engine);
    adminKey = (await roster.services.adminKeys.create('test')).key;
  });
  afterAll(() => roster.close());

  describe('a password in every form is stored (passwordMode store)', () => {
    async function storingDirectory() {
      const scim = await roster.directory();
      await api('PATCH', `/directories/${scim.directoryId}`, { passwordMode: 'store' });
      const verify = async (userName: string, password: string) =>
        (await api('POST', `/directories/${scim.directoryId}/verify-password`, { userName, password })).body.valid as boolean;
      return { scim, verify };
    }

    const patchForms: [string, unknown][] = [
      ['replace with the schema-qualified path', { op: 'replace', path: `${USER_SCHEMA}:password`, value: 'N3w-password' }],
      ['pathless replace with a schema-qualified key', { op: 'replace', value: { [`${USER_SCHEMA}:password`]: 'N3w-password' } }],
      ['pathless replace with the core URN object', { op: 'replace', value: { [USER_SCHEMA]: { password: 'N3w-password' } } }],
      ['add with the schema-qualified path', { op: 'add', path: `${USER_SCHEMA}:password`, value: 'N3w-password' }],
    ];

    it.each(patchForms)('PATCH %s: the new password verifies, the old one stops', async (_name, operation) => {
      const { scim, verify } = await storingDirectory();
      const user = await scim.post('/Users', userBody('pw@example.com', { password: 'Old-password1' }));
      expect(await verify('pw@example.com', 'Old-password1')).toBe(true);
      const res = await scim.patch(`/Users/${user.body.id}`, patchOp(operation));
      expect(res.status).toBe(200);
      expect(res.body.password).toBeUndefined();
      expect(await verify('pw@example.com', 'N3w-password')).toBe(true);
      expect(await verify('pw@example.com', 'Old-password1')).toBe(false);
    });

    const bodyForms: [string, Record<string, unknown>][] = [
      ['a schema-qualified key', { [`${USER_SCHEMA}:password`]: 'N3w-password' }],
      ['the core URN object', { [USER_SCHEMA]: { password: 'N3w-password' } }],
    ];

    it.each(bodyForms)('POST and PUT with %s store the password', async (_name, extra) => {
      const { scim, verify } = await storingDirectory();
      const created = await scim.post('/Users', userBody('body@example.com', extra));
      expect(created.status).toBe(201);
      expect(created.body.password).toBeUndefined();
      expect(created.body[USER_SCHEMA]).toBeUndefined();
      expect(await verify('body@example.com', 'N3w-password')).toBe(true);
      const replaced = await scim.put(`/Users/${created.body.id}`, userBody('body@example.com', JSON.parse(JSON.stringify(extra).replaceAll('N3w-password', 'Th1rd-password'))));
      expect(replaced.status).toBe(200);
      expect(await verify('body@example.com', 'Th1rd-password')).toBe(true);
      expect(await verify('body@example.com', 'N3w-password')).toBe(false);
    });

    it('Bulk PATCH with the schema-qualified path stores the password', async () => {
      const { scim, verify } = await storingDirectory();
      const user = await scim.post('/Users', userBody('bulk@example.com', { password: 'Old-password1' }));
      const res = await scim.post('/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [{ method: 'PATCH', path: `/Users/${user.body.id}`, data: patchOp({ op: 'replace', path: `${USER_SCHEMA}:password`, value: 'N3w-password' }) }],
      });
      expect(res.status).toBe(200);
      expect(res.body.Operations[0].status).toBe('200');
      expect(await verify('bulk@example.com', 'N3w-password')).toBe(true);
      expect(await verify('bulk@example.com', 'Old-password1')).toBe(false);
    });
  });

  describe('multi-valued attributes are capped (ROSTER_MAX_MULTI_VALUED_VALUES, default 1000)', () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `user${i}@example.com`, type: 'work' }));

    it('16,000 emails in one add are refused quickly, naming the attribute, and nothing is written', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('many@example.com'));
      const started = performance.now();
      const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'add', path: 'emails', value: emails(16_000) }));
      const elapsed = performance.now() - started;
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain('"emails" may hold at most 1000 values');
      // The pairwise duplicate check took 9.7 s here; the cap answers before any value is compared.
      expect(elapsed).toBeLessThan(3000);
      const after = await scim.get(`/Users/${user.body.id}`);
      expect(after.body.emails).toBeUndefined();
      expect(after.body.meta.version).toBe(user.body.meta.version);
    });

    it('a POST with 1,001 emails is refused; 1,000 are stored', async () => {
      const scim = await roster.directory();
      expectScimError(await scim.post('/Users', userBody('over@example.com', { emails: emails(1001) })), 400, 'invalidValue');
      const ok = await scim.post('/Users', userBody('fits@example.com', { emails: emails(1000) }));
      expect(ok.status).toBe(201);
      expect(ok.body.emails).toHaveLength(1000);
    });
  });

  describe('replace with a value filter that matches nothing', () => {
    const op = { op: 'replace', path: 'emails[type eq "work"].value', value: 'work@example.com' };

    it('is 400 noTarget for a generic or Okta directory (RFC 7644 §3.5.2.3)', async () => {
      for (const idp of ['generic', 'okta']) {
        const scim = await roster.directory({ idp });
        const user = await scim.post('/Users', userBody(`nomatch-${idp}@example.com`));
        expectScimError(await scim.patch(`/Users/${user.body.id}`, patchOp(op)), 400, 'noTarget');
      }
    });

    it("creates the element for Entra (quirk entra-replace-filter-adds), which expects it", async () => {
      const scim = await roster.directory({ idp: 'entra' });
      const user = await scim.post('/Users', userBody('entra-nomatch@example.com'));
      const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ ...op, op: 'Replace' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-roster-rewrites')).toContain('entra-replace-filter-adds');
      expect(res.body.emails).toEqual([{ type: 'work', value: 'work@example.com' }]);
    });
  });

  it("Entra's manager as a plain string on the enterprise URN path is accepted on a generic directory", async () => {
    const scim = await roster.directory();
    const user = await scim.post('/Users', userBody('managed@example.com'));
    const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: `${ENTERPRISE}:manager`, value: 'boss-id-1' }));
    expect(res.status, res.text).toBe(200);
    expect(res.body[ENTERPRISE]).toEqual({ manager: { value: 'boss-id-1' } });
    const put = await scim.put(`/Users/${user.body.id}`, userBody('managed@example.com', { [ENTERPRISE]: { manager: 'boss-id-2' } }));
    expect(put.status, put.text).toBe(200);
    expect(put.body[ENTERPRISE]).toEqual({ manager: { value: 'boss-id-2' } });
  });

  describe('NUL and string lengths: one answer on both engines', () => {
    const long = 'u'.repeat(4000) + '@example.com';

    it('a 4,000-character userName is 400 invalidValue naming it (POST, PUT, PATCH), nothing written', async () => {
      const scim = await roster.directory();
      const post = await scim.post('/Users', userBody(long));
      expectScimError(post, 400, 'invalidValue');
      expect(post.body.detail).toContain('"userName"');
      const user = await scim.post('/Users', userBody('short@example.com'));
      expectScimError(await scim.put(`/Users/${user.body.id}`, userBody(long)), 400, 'invalidValue');
      expectScimError(await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'userName', value: long })), 400, 'invalidValue');
      expectScimError(await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: long }), 400, 'invalidValue');
      expect((await scim.get('/Users?count=0')).body.totalResults).toBe(1);
      expect((await scim.get(`/Users/${user.body.id}`)).body.userName).toBe('short@example.com');
      // 1,024 bytes fit.
      expect((await scim.post('/Users', userBody('x'.repeat(1012) + '@example.com'))).status).toBe(201);
    });

    it('a NUL in userName, displayName, a member or a PATCH value is 400 invalidValue', async () => {
      const scim = await roster.directory();
      expectScimError(await scim.post('/Users', userBody('nul\u0000@example.com')), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', userBody('nul@example.com', { displayName: 'Ada\u0000' })), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', userBody('nul@example.com', { emails: [{ value: 'a\u0000@example.com' }] })), 400, 'invalidValue');
      expectScimError(await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G\u0000' }), 400, 'invalidValue');
      const user = await scim.post('/Users', userBody('nul@example.com'));
      expectScimError(await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x\u0000y' })), 400, 'invalidValue');
      expectScimError(await scim.patch(`/Users/${user.body.id}`, patchOp({ op: 'replace', value: { [`${ENTERPRISE}:department`]: '\u0000' } })), 400, 'invalidValue');
      const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G' });
      expectScimError(await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: 'm\u0000' }] })), 400, 'invalidValue');
      expectScimError(await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: 'm\u0000' }] })), 400, 'invalidValue');
      expect((await scim.get(`/Users/${user.body.id}`)).body.meta.version).toBe(user.body.meta.version);
    });

    it('a NUL in a filter value is 400 invalidFilter, through GET, .search and SCIM 1.1', async () => {
      const scim = await roster.directory();
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`), 400, 'invalidFilter');
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a\\u0000b"')}`), 400, 'invalidFilter');
      expectScimError(await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "a\u0000"')}`), 400, 'invalidFilter');
      expectScimError(await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "a\u0000b"' }), 400, 'invalidFilter');
      const v1 = await fetch(`${scim.baseUrl.replace('/scim/v2/', '/scim/v1/')}/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`, { headers: { authorization: `Bearer ${scim.token}` } });
      expect(v1.status).toBe(400);
    });
  });

  describe('filter cost bound (ROSTER_FILTER_MAX_MULTI_VALUED_TERMS, default 10)', () => {
    it('a 2,000-character filter of co terms over emails is 400 invalidFilter, on v2 and v1', async () => {
      const scim = await roster.directory();
      const terms: string[] = [];
      while ([...terms, `emails co "x${terms.length}"`].join(' or ').length <= 2000) terms.push(`emails co "x${terms.length}"`);
      const filter = terms.join(' or ');
      const res = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expectScimError(res, 400, 'invalidFilter');
      expect(res.body.detail).toMatch(/multi-valued/);
      const v1 = await fetch(`${scim.baseUrl.replace('/scim/v2/', '/scim/v1/')}/Users?filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${scim.token}` } });
      expect(v1.status).toBe(400);
      expect((await scim.get(`/Users?filter=${encodeURIComponent(terms.slice(0, 10).join(' or '))}`)).status).toBe(200);
    });
  });

  describe('conformance gaps', () => {
    const TYPES = new Set(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex']);
    const MUTABILITY = new Set(['readOnly', 'readWrite', 'immutable', 'writeOnly']);
    const RETURNED = new Set(['always', 'never', 'default', 'request']);
    const UNIQUENESS = new Set(['none', 'server', 'global']);

    /** RFC 7643 §7: every characteristic of an attribute, and referenceTypes on every reference. */
    function checkAttribute(a: Record<string, any>, where: string, problems: string[]): void {
      const at = `${where}.${a.name}`;
      if (typeof a.name !== 'string' || a.name === '') problems.push(`${at}: name`);
      if (!TYPES.has(a.type)) problems.push(`${at}: type ${a.type}`);
      for (const key of ['multiValued', 'required', 'caseExact']) if (typeof a[key] !== 'boolean') problems.push(`${at}: ${key}`);
      if (typeof a.description !== 'string') problems.push(`${at}: description`);
      if (!MUTABILITY.has(a.mutability)) problems.push(`${at}: mutability`);
      if (!RETURNED.has(a.returned)) problems.push(`${at}: returned`);
      if (!UNIQUENESS.has(a.uniqueness)) problems.push(`${at}: uniqueness`);
      if (a.type === 'reference' && (!Array.isArray(a.referenceTypes) || a.referenceTypes.length === 0 || !a.referenceTypes.every((t: unknown) => typeof t === 'string'))) {
        problems.push(`${at}: reference without referenceTypes`);
      }
      if (a.type === 'complex') {
        if (!Array.isArray(a.subAttributes) || a.subAttributes.length === 0) problems.push(`${at}: complex without subAttributes`);
        for (const sub of a.subAttributes ?? []) {
          if (sub.type === 'complex') problems.push(`${at}.${sub.name}: complex sub-attribute`);
          checkAttribute(sub, at, problems);
        }
      } else if (a.subAttributes !== undefined) {
        problems.push(`${at}: subAttributes on a ${a.type}`);
      }
    }

    it('every /Schemas document has the RFC 7643 §7 shape, with referenceTypes on every reference (custom ones too)', async () => {
      const scim = await roster.directory();
      expect((await api('POST', `/directories/${scim.directoryId}/attributes`, { name: 'homepage', type: 'reference' })).status).toBe(201);
      const list = await scim.get('/Schemas');
      expect(list.status).toBe(200);
      expect(list.body.Resources.length).toBeGreaterThanOrEqual(4);
      const problems: string[] = [];
      for (const schema of list.body.Resources) {
        expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
        for (const key of ['id', 'name', 'description']) if (typeof schema[key] !== 'string') problems.push(`${schema.id}: ${key}`);
        if (!Array.isArray(schema.attributes)) problems.push(`${schema.id}: attributes`);
        for (const a of schema.attributes ?? []) checkAttribute(a, schema.id, problems);
        const one = await scim.get(`/Schemas/${schema.id}`);
        expect(one.body).toEqual(schema);
      }
      expect(problems).toEqual([]);
      const photos = list.body.Resources.find((s: { id: string }) => s.id === USER_SCHEMA).attributes.find((a: { name: string }) => a.name === 'photos');
      expect(photos.subAttributes.find((a: { name: string }) => a.name === 'value').referenceTypes).toEqual(['external']);
    });

    it('a PATCH on the enterprise extension path ignores a "schemas" key in its value', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('ext@example.com'));
      for (const op of ['add', 'replace']) {
        const res = await scim.patch(`/Users/${user.body.id}`, patchOp({ op, path: ENTERPRISE, value: { schemas: [ENTERPRISE], department: `Tours ${op}` } }));
        expect(res.status, res.text).toBe(200);
        expect(res.body[ENTERPRISE]).toEqual({ department: `Tours ${op}` });
        expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
      }
    });

    it('empty multi-valued attributes are never rendered (RFC 7643 §2.5)', async () => {
      const scim = await roster.directory();
      const created = await scim.post('/Users', userBody('empty@example.com', { emails: [], roles: [], [ENTERPRISE]: { department: 'D' } }));
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('emails');
      expect(created.body).not.toHaveProperty('roles');
      const put = await scim.put(`/Users/${created.body.id}`, userBody('empty@example.com', { emails: [], phoneNumbers: [] }));
      expect(put.body).not.toHaveProperty('emails');
      expect(put.body).not.toHaveProperty('phoneNumbers');
      await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: 'a@example.com' }] }));
      const removed = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'remove', path: 'emails[value eq "a@example.com"]' }));
      expect(removed.body).not.toHaveProperty('emails');
      const listed = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "empty@example.com"')}`);
      expect(listed.body.Resources[0]).not.toHaveProperty('emails');
    });

    it('a member element with a key like "constructor" is refused, never found on a prototype', async () => {
      const scim = await roster.directory();
      const user = await scim.post('/Users', userBody('proto@example.com'));
      const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Proto' });
      for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
        const member = JSON.parse(`{"value":"${user.body.id}","${key}":"x"}`);
        // The JSON body parser already refuses `__proto__` as invalidSyntax; the others reach the PATCH engine.
        const scimType = key === '__proto__' ? 'invalidSyntax' : 'invalidValue';
        const res = await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [member] }));
        expectScimError(res, 400, scimType);
        if (key !== '__proto__') expect(res.body.detail).toContain(key);
        const onlyKey = JSON.parse(`{"${key}":"${user.body.id}"}`);
        expectScimError(await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `P-${key}`, members: [onlyKey] }), 400, scimType);
      }
      const after = await scim.get(`/Groups/${group.body.id}`);
      expect(after.body.members ?? []).toEqual([]);
    });
  });

  describe("SCIM 1.1 details Okta's 1.1 test reads", () => {
    const v1 = (scim: { baseUrl: string; token: string }, path: string) =>
      fetch(`${scim.baseUrl.replace('/scim/v2/', '/scim/v1/')}${path}`, { headers: { authorization: `Bearer ${scim.token}` } }).then(async (r) => ({ status: r.status, body: await r.json() }));

    it('authenticationSchemes[].type in /ServiceProviderConfigs', async () => {
      const scim = await roster.directory({ idp: 'okta' });
      const res = await v1(scim, '/ServiceProviderConfigs');
      expect(res.body.authenticationSchemes.map((a: { type: string }) => a.type)).toEqual(['oauthbearertoken', 'httpbasic']);
    });

    it('a 404 carries detail as well as the 1.1 Errors list', async () => {
      const scim = await roster.directory({ idp: 'okta' });
      const res = await v1(scim, '/Users/00000000-0000-0000-0000-000000000000');
      expect(res.status).toBe(404);
      expect(res.body.Errors[0]).toMatchObject({ code: '404' });
      expect(res.body.detail).toEqual(res.body.Errors[0].description);
    });

    it('an empty list has "Resources": [] for users and groups', async () => {
      const scim = await roster.directory({ idp: 'okta' });
      for (const path of ['/Users', '/Groups', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`, `/Groups?filter=${encodeURIComponent('displayName eq "none"')}`]) {
        const res = await v1(scim, path);
        expect(res.status).toBe(200);
        expect(res.body.Resources).toEqual([]);
        expect(res.body.totalResults).toBe(0);
      }
    });
  });

  it('attributes=emails[type eq "work"] returns the attribute filtered to the matching values (GET, list, .search)', async () => {
    const scim = await roster.directory();
    const emails = [{ value: 'w@example.com', type: 'work' }, { value: 'h@example.com', type: 'home' }];
    const user = await scim.post('/Users', userBody('projected@example.com', { emails }));
    const attributes = encodeURIComponent('emails[type eq "work"],userName');
    const one = await scim.get(`/Users/${user.body.id}?attributes=${attributes}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body.emails).toEqual([{ value: 'w@example.com', type: 'work' }]);
    expect(one.body.userName).toBe('projected@example.com');
    const list = await scim.get(`/Users?attributes=${attributes}`);
    expect(list.body.Resources[0].emails).toEqual([{ value: 'w@example.com', type: 'work' }]);
    const search = await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], attributes: ['emails[type eq "home"].value'] });
    expect(search.body.Resources[0].emails).toEqual([{ value: 'h@example.com' }]);
  });
});
