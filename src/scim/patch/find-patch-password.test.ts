import { describe, expect, it } from 'vitest';
import { userResourceType } from '../schemas/resource-types.ts';
import { applyPatch } from './apply-patch.ts';
import { findPatchPassword } from './find-patch-password.ts';
import { parsePatchRequest } from './parse-patch-request.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const request = (...ops: unknown[]) => parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops });

describe('findPatchPassword: every form the PATCH engine applies (issue 8 item 1)', () => {
  const forms: [string, unknown][] = [
    ['path "password"', { op: 'replace', path: 'password', value: 'S3cret!' }],
    ['path "PASSWORD"', { op: 'add', path: 'PASSWORD', value: 'S3cret!' }],
    ['schema-qualified path', { op: 'replace', path: `${CORE}:password`, value: 'S3cret!' }],
    ['schema-qualified path in another case', { op: 'replace', path: `${CORE.toUpperCase()}:Password`, value: 'S3cret!' }],
    ['pathless {password}', { op: 'replace', value: { password: 'S3cret!' } }],
    ['pathless {urn:…:User:password}', { op: 'replace', value: { [`${CORE}:password`]: 'S3cret!' } }],
    ['pathless {urn:…:User: {password}}', { op: 'replace', value: { [CORE]: { password: 'S3cret!' } } }],
  ];

  it.each(forms)('%s: found, and the engine writes the same password', (_name, op) => {
    const ops = request(op);
    expect(findPatchPassword(userResourceType, ops)).toBe('S3cret!');
    const result = applyPatch(userResourceType, { schemas: [CORE], userName: 'ada' }, ops);
    expect(result.resource.password).toBe('S3cret!');
  });

  it('the last operation wins, as the engine applies them in order', () => {
    const ops = request({ op: 'replace', path: 'password', value: 'first' }, { op: 'replace', value: { [CORE]: { password: 'second' } } });
    expect(findPatchPassword(userResourceType, ops)).toBe('second');
  });

  it('finds nothing where there is no password, and ignores forms the engine refuses', () => {
    expect(findPatchPassword(userResourceType, request({ op: 'replace', path: 'displayName', value: 'password' }))).toBeUndefined();
    expect(findPatchPassword(userResourceType, request({ op: 'replace', path: `${ENTERPRISE}:department`, value: 'x' }))).toBeUndefined();
    expect(findPatchPassword(userResourceType, request({ op: 'replace', path: ENTERPRISE, value: { password: 'x' } }))).toBeUndefined();
    expect(findPatchPassword(userResourceType, request({ op: 'replace', path: 'password', value: 42 }))).toBeUndefined();
    expect(findPatchPassword(userResourceType, request({ op: 'remove', path: 'password' }))).toBeUndefined();
    expect(findPatchPassword(userResourceType, request({ op: 'replace', value: { 'bad path[': 'x' } }))).toBeUndefined();
  });
});
