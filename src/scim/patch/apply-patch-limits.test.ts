import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/helpers/error-of.ts';
import { groupResourceType, userResourceType } from '../schemas/resource-types.ts';
import { validateResource } from '../validate-resource.ts';
import { applyPatch } from './apply-patch.ts';
import { parsePatchRequest } from './parse-patch-request.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const request = (...ops: unknown[]) => parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops });
const emails = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ value: `u${from + i}@example.com`, type: 'work' }));
const user = (extra: Record<string, unknown> = {}) => ({ schemas: [CORE], userName: 'ada', ...extra });

describe('multi-valued attributes: linear add and remove, and a cap (issue 8 item 2)', () => {
  it('adds 10,000 distinct values in one operation, skipping the duplicates among them and the stored ones', () => {
    const before = user({ emails: emails(10) });
    const values = [...emails(10_000), ...emails(100)];
    const result = applyPatch(userResourceType, before, request({ op: 'add', path: 'emails', value: values }), { maxMultiValuedValues: 20_000 });
    expect(result.resource.emails).toHaveLength(10_000);
    expect((result.resource.emails as { value: string }[])[9_999]!.value).toBe('u9999@example.com');
  });

  it('removes 5,000 of 10,000 values named by a value list, matching on the sub-attributes given', () => {
    const before = user({ emails: emails(10_000) });
    const named = emails(5_000).map(({ value }) => ({ value }));
    const result = applyPatch(userResourceType, before, request({ op: 'remove', path: 'emails', value: named }), { maxMultiValuedValues: 20_000 });
    const left = result.resource.emails as { value: string }[];
    expect(left).toHaveLength(5_000);
    expect(left[0]!.value).toBe('u5000@example.com');
  });

  it('a value list naming a sub-attribute an element lacks removes nothing', () => {
    const before = user({ emails: [{ value: 'a@example.com' }] });
    const result = applyPatch(userResourceType, before, request({ op: 'remove', path: 'emails', value: [{ value: 'a@example.com', type: 'work' }] }));
    expect(result.changed).toBe(false);
  });

  it('refuses a PATCH that would give an attribute more values than the cap, naming it', () => {
    const error = errorOf(() => applyPatch(userResourceType, user({ emails: emails(5) }), request({ op: 'add', path: 'emails', value: emails(6, 5) }), { maxMultiValuedValues: 10 }));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain('"emails" may hold at most 10 values');
    // The default cap is 1,000.
    expect(errorOf(() => applyPatch(userResourceType, user(), request({ op: 'replace', path: 'emails', value: emails(1001) })))).toMatchObject({ scimType: 'invalidValue' });
    expect(applyPatch(userResourceType, user(), request({ op: 'replace', path: 'emails', value: emails(1000) })).resource.emails).toHaveLength(1000);
  });

  it('refuses a POST or PUT body over the cap', () => {
    const error = errorOf(() => validateResource(userResourceType, user({ emails: emails(11) }), { maxMultiValuedValues: 10 }));
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain('"emails"');
  });

  it('group members are not attribute values: 5,000 members in one add fold into the delta', () => {
    const members = Array.from({ length: 5_000 }, (_, i) => ({ value: `m${i}` }));
    const result = applyPatch(groupResourceType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }, request({ op: 'add', path: 'members', value: members }), { maxMultiValuedValues: 10 });
    expect(result.members.add).toHaveLength(5_000);
  });
});
