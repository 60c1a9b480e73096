import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { groupResourceType, userResourceType } from '../../scim/schemas/resource-types.ts';
import { validateResource } from '../../scim/validate-resource.ts';
import type { IdpRequest, Quirk } from '../idp-request.ts';
import { QUIRKS } from '../profiles.ts';
import cases from './quirks.cases.json' with { type: 'json' };

interface QuirkCase {
  quirk: string;
  name: string;
  source: string;
  request: IdpRequest;
  expected?: { body?: unknown; query?: Record<string, string> };
  changes?: number;
}

const ALL: Quirk[] = Object.values(QUIRKS);
const byName = new Map(ALL.map((q) => [q.name, q]));
const fixtures = (cases as { cases: QuirkCase[] }).cases;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('quirk normalizers, on the documented requests', () => {
  for (const c of fixtures) {
    it(`${c.quirk}: ${c.name} [${c.source}]`, () => {
      const quirk = byName.get(c.quirk);
      expect(quirk, `no quirk named ${c.quirk}`).toBeDefined();
      const request = deepFreeze(structuredClone(c.request));
      const outcome = quirk!.normalize(request);
      if (c.expected === undefined) {
        expect(outcome.changes).toEqual([]);
        expect(outcome.request).toBe(request);
        return;
      }
      expect(outcome.changes).toHaveLength(c.changes!);
      for (const change of outcome.changes) {
        expect(change.at).not.toBe('');
        expect(change.detail).not.toBe('');
      }
      expect(outcome.request.body).toEqual(c.expected.body ?? c.request.body);
      expect(outcome.request.query).toEqual(c.expected.query ?? c.request.query);
    });
  }

  it.each(ALL.map((q) => [q.name, q] as const))('%s has a fixture it rewrites and one it leaves alone', (name) => {
    expect(fixtures.some((c) => c.quirk === name && c.expected !== undefined)).toBe(true);
    expect(fixtures.some((c) => c.quirk === name && c.expected === undefined)).toBe(true);
  });

  it('every normalized fixture is accepted by the protocol layer', () => {
    const base = {
      // With a work email: a fixture of another quirk may `replace` it by filter, which needs a match (RFC 7644 §3.5.2.3).
      User: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen', active: true, emails: [{ value: 'bjensen@example.com', type: 'work' }] },
      Group: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Tour Guides' },
    };
    for (const c of fixtures.filter((f) => f.expected?.body !== undefined)) {
      const type = c.request.resourceType === 'Group' ? groupResourceType : userResourceType;
      const body = c.expected!.body;
      if (c.request.action === 'patch') {
        expect(() => applyPatch(type, base[type.name as 'User' | 'Group'], parsePatchRequest(body)), c.name).not.toThrow();
      } else {
        expect(() => validateResource(type, body), c.name).not.toThrow();
      }
    }
  });
});

describe('entra-remove-members-value-list on a long list', () => {
  it('splits only past the path limit, and removes exactly the listed members', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `${i}-9c6b1b0e-6c3f-4b8e-9a47-0f6f1d2f3a4b`);
    const request: IdpRequest = {
      action: 'patch',
      resourceType: 'Group',
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Remove', path: 'members', value: ids.map((value) => ({ $ref: null, value })) }] },
      query: {},
    };
    const out = QUIRKS.entraRemoveMembersValueList.normalize(request);
    const ops = (out.request.body as { Operations: Array<{ op: string; path: string }> }).Operations;
    expect(ops.length).toBeGreaterThan(1);
    for (const op of ops) expect(op.path.length).toBeLessThanOrEqual(2048);
    const delta = applyPatch(groupResourceType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }, parsePatchRequest(out.request.body)).members;
    expect(delta.replaceAll).toBe(false);
    expect([...delta.remove].sort()).toEqual([...ids].sort());
  });
});

describe('quirk normalizers, on input no profile can make sense of', () => {
  const bodies: unknown[] = [
    null,
    'text',
    42,
    [],
    {},
    { schemas: 'nope', Operations: 'nope' },
    { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [null, 1, 'x', [], {}, { op: 7 }, { op: 'add', path: 7 }, { op: 'remove', path: 'members', value: 'x' }] },
    { schemas: null, members: 'x', manager: 5 },
  ];
  const actions = ['create', 'replace', 'patch', 'list', 'read', 'search', 'delete', 'other'] as const;
  const types = ['User', 'Group', undefined] as const;

  it.each(ALL.map((q) => [q.name, q] as const))('%s never throws and changes nothing', (_name, quirk) => {
    for (const body of bodies)
      for (const action of actions)
        for (const resourceType of types) {
          const request: IdpRequest = deepFreeze({ action, resourceType, body: structuredClone(body), query: { filter: 'x eq (' } });
          const outcome = quirk.normalize(request);
          expect(outcome.changes).toEqual([]);
          expect(outcome.request).toBe(request);
        }
  });

  it('no quirk turns a member removal into "remove all members"', () => {
    const removals = [
      { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a' }] },
      { op: 'Remove', path: 'members', value: [] },
      { op: 'Remove', path: 'members', value: [{ display: 'no value' }] },
      { op: 'Remove', path: 'members', value: [{ value: '' }] },
      { op: 'Remove', path: 'members', value: { value: 'a' } },
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'replace', value: { displayName: 'x', members: null } },
    ];
    for (const removal of removals) {
      let request: IdpRequest = { action: 'patch', resourceType: 'Group', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [removal] }, query: {} };
      for (const quirk of ALL) request = quirk.normalize(request).request;
      const ops = parsePatchRequestLoose(request.body);
      for (const op of ops) {
        const isRemoveAll = op.op === 'remove' && String(op.path).toLowerCase() === 'members' && (op.value === undefined || op.value === null);
        const isReplaceWithNothing = op.op === 'replace' && (op.path === undefined ? (op.value as Record<string, unknown>)?.members === null : false);
        expect(isRemoveAll || isReplaceWithNothing, JSON.stringify(removal)).toBe(false);
      }
    }
  });
});

function parsePatchRequestLoose(body: unknown): Array<{ op: string; path?: unknown; value?: unknown }> {
  const ops = (body as { Operations: Array<Record<string, unknown>> }).Operations;
  return ops.map((o) => ({ op: String(o.op).toLowerCase(), path: o.path, value: o.value }));
}
