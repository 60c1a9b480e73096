import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { expectScimError } from '../helpers/expect-scim-error.ts';
import { patchOp, startRoster, userBody, USER_SCHEMA, type RosterUnderTest } from '../helpers/start-roster.ts';

/**
 * Issue 8 (hardening), the protocol layer: passwords through every form, the multi-valued cap,
 * the filter cost bound, NUL and string lengths, and the conformance gaps real clients hit. Every
 * case runs on both engines: the answer must not depend on the database.
 */
describeEachEngine('SCIM hardening (issue 8)', (engine) => {
  let roster: RosterUnderTest;
  let adminKey: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${roster.origin}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

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
});
