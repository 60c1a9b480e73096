import { describe, expect, it } from 'vitest';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../schemas/resource-types.ts';
import { ScimError } from '../scim-error.ts';
import { applyPatch } from './apply-patch.ts';
import cases from './apply-patch.cases.json' with { type: 'json' };
import { coerceBooleanString } from '../normalize-attribute-value.ts';
import { createMemberDeltaBuilder, emptyMemberDelta, isEmptyMemberDelta, type MemberDelta } from './member-delta.ts';
import { parsePatchRequest } from './parse-patch-request.ts';

interface PatchCase {
  name: string;
  source: string;
  resourceType: 'User' | 'Group';
  before: Record<string, unknown>;
  request: unknown;
  after?: Record<string, unknown>;
  members?: MemberDelta;
  changed?: boolean;
  error?: { status: number; scimType: string };
  secret?: string;
  note?: string;
}

const TYPES: Record<PatchCase['resourceType'], ResourceTypeDef> = { User: userResourceType, Group: groupResourceType };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function run(c: PatchCase) {
  return applyPatch(TYPES[c.resourceType], c.before, parsePatchRequest(c.request));
}

describe('applyPatch fixtures (RFC 7644 §3.5.2, Okta, Entra)', () => {
  for (const c of (cases as { cases: PatchCase[] }).cases) {
    it(`${c.name} [${c.source}]`, () => {
      const pristine = structuredClone(c.before);
      // A frozen input makes any in-place write throw, so purity is checked on every row.
      deepFreeze(c.before);
      if (c.error) {
        let thrown: unknown;
        try {
          run(c);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, 'expected a ScimError').toBeInstanceOf(ScimError);
        const error = thrown as ScimError;
        expect({ status: error.status, scimType: error.scimType }).toEqual(c.error);
        expect(error.message).toMatch(/^Operations\[\d+\]|^"|^The PATCH body/);
        if (c.secret) expect(JSON.stringify(error.toBody())).not.toContain(c.secret);
      } else {
        const result = run(c);
        expect(result.resource).toEqual(c.after);
        expect(result.members).toEqual(c.members ?? emptyMemberDelta());
        if (c.changed !== undefined) expect(result.changed).toBe(c.changed);
        expect(result.resource).not.toBe(c.before);
      }
      expect(c.before).toEqual(pristine);
    });
  }
});

describe('applyPatch', () => {
  const user = () => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'bjensen',
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  });

  it('is all-or-nothing: a failing third operation leaves the input untouched and returns nothing', () => {
    const before = user();
    const snapshot = structuredClone(before);
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'userName', value: 'babs' },
        { op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] },
        { op: 'replace', path: 'active', value: 'perhaps' },
      ],
    });
    expect(() => applyPatch(userResourceType, before, ops)).toThrowError(/^Operations\[2\] path "active"/);
    expect(before).toEqual(snapshot);
  });

  it('names the operation index and path in type errors', () => {
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'nickName', value: 'B' }, { op: 'replace', path: 'emails[type eq "work"].primary', value: 3 }],
    });
    expect(() => applyPatch(userResourceType, user(), ops)).toThrowError(/^Operations\[1\] path "emails\[type eq "work"\]\.primary"/);
  });

  it('never puts a password value in any error detail', () => {
    const secret = 'Sup3r-s3cret-Pa55';
    const bodies = [
      { op: 'replace', value: { password: secret, unknownAttr: 'x' } },
      { op: 'replace', value: { password: secret, active: 'nope' } },
      { op: 'replace', path: 'password', value: { secret } },
      { op: 'add', path: 'password', value: [secret, secret] },
      { op: 'replace', value: { password: secret, id: 'x', meta: { version: secret }, groups: [] } },
    ];
    for (const operation of bodies) {
      const ops = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] });
      try {
        applyPatch(userResourceType, user(), ops);
        expect.unreachable('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
        expect(JSON.stringify((error as ScimError).toBody())).not.toContain(secret);
      }
    }
  });

  it('reports changed=false for a no-op and changed=true for a member delta alone', () => {
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'userName', value: 'bjensen' }],
    });
    expect(applyPatch(userResourceType, user(), ops).changed).toBe(false);
    const memberOps = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: 'members[value eq "a"]' }],
    });
    expect(applyPatch(groupResourceType, { displayName: 'G' }, memberOps).changed).toBe(true);
  });

  it('never reads or writes members on the group resource', () => {
    const before = { displayName: 'G' };
    const ops = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'a' }] }],
    });
    expect(applyPatch(groupResourceType, before, ops).resource).toEqual({ displayName: 'G' });
  });
});

describe('coerceBooleanString', () => {
  it('turns "True"/"False" in any case into booleans and leaves the rest', () => {
    expect(coerceBooleanString('True')).toBe(true);
    expect(coerceBooleanString('FALSE')).toBe(false);
    expect(coerceBooleanString('false')).toBe(false);
    expect(coerceBooleanString('yes')).toBe('yes');
    expect(coerceBooleanString(0)).toBe(0);
    expect(coerceBooleanString(true)).toBe(true);
  });
});

describe('member delta builder', () => {
  it('folds operations in order with set semantics', () => {
    const b = createMemberDeltaBuilder();
    b.addMember({ value: 'a', display: 'A' });
    b.addMember({ value: 'b' });
    b.addMember({ value: 'a', display: 'A2' });
    b.removeMember('b');
    b.removeMember('c');
    b.removeMember('c');
    b.addMember({ value: 'c' });
    expect(b.build()).toEqual({ replaceAll: false, add: [{ value: 'a', display: 'A2' }, { value: 'c' }], remove: ['b'] });
  });

  it('replaceAll resets earlier operations and later ones build on the new set', () => {
    const b = createMemberDeltaBuilder();
    b.removeMember('x');
    b.addMember({ value: 'y' });
    b.replaceAllMembers([{ value: 'a' }, { value: 'b' }]);
    b.removeMember('a');
    b.addMember({ value: 'c' });
    expect(b.build()).toEqual({ replaceAll: true, add: [{ value: 'b' }, { value: 'c' }], remove: [] });
  });

  it('removeAll yields replaceAll with nothing to add, which is not empty', () => {
    const b = createMemberDeltaBuilder();
    b.addMember({ value: 'a' });
    b.removeAllMembers();
    const delta = b.build();
    expect(delta).toEqual({ replaceAll: true, add: [], remove: [] });
    expect(isEmptyMemberDelta(delta)).toBe(false);
    expect(isEmptyMemberDelta(emptyMemberDelta())).toBe(true);
  });

  it('handles many members in linear time', () => {
    const b = createMemberDeltaBuilder();
    const n = 100_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) b.addMember({ value: `m${i}` });
    for (let i = 0; i < n; i += 2) b.removeMember(`m${i}`);
    const delta = b.build();
    expect(delta.add).toHaveLength(n / 2);
    expect(delta.remove).toHaveLength(n / 2);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
