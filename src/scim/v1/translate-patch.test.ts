import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTER_LIMITS } from '../filter/parse-filter.ts';
import { applyPatch } from '../patch/apply-patch.ts';
import { emptyMemberDelta, type MemberDelta } from '../patch/member-delta.ts';
import { parsePatchRequest } from '../patch/parse-patch-request.ts';
import { userResourceType, type ResourceTypeName } from '../schemas/resource-types.ts';
import { ScimError } from '../scim-error.ts';
import { v1GroupType } from './okta-group-schema.ts';
import { patchToV2 } from './translate-patch.ts';
import fixtures from './translate-patch.cases.json' with { type: 'json' };

interface PatchCase {
  name: string;
  source: string;
  resourceType: ResourceTypeName;
  request: unknown;
  operations?: unknown[];
  error?: { status: number; scimType: string };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  members?: MemberDelta;
  changed?: boolean;
}

const TYPES = { User: userResourceType, Group: v1GroupType };

describe('SCIM 1.1 PATCH → SCIM 2.0 PatchOp fixtures', () => {
  for (const c of (fixtures as { cases: PatchCase[] }).cases) {
    it(`${c.name} [${c.source}]`, () => {
      const type = TYPES[c.resourceType];
      const pristine = structuredClone(c.request);
      if (c.error) {
        let thrown: unknown;
        try {
          patchToV2(c.request, type);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ScimError);
        expect({ status: (thrown as ScimError).status, scimType: (thrown as ScimError).scimType }).toEqual(c.error);
        return;
      }
      const message = patchToV2(c.request, type);
      expect(message.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:PatchOp']);
      expect(message.Operations).toEqual(c.operations);
      expect(c.request, 'the request is never modified').toEqual(pristine);
      if (c.before) {
        // The translation is only right if the shared engine, applying it, gives 1.1's result.
        const result = applyPatch(type, c.before, parsePatchRequest(message));
        expect(result.resource).toEqual(c.after);
        expect(result.members).toEqual(c.members ?? emptyMemberDelta());
        if (c.changed !== undefined) expect(result.changed).toBe(c.changed);
      }
    });
  }
});

describe('patchToV2 member removals', () => {
  it('folds a thousand deletes into few operations, each within the path length limit, naming every member once', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const request = { schemas: ['urn:scim:schemas:core:1.0'], members: ids.map((value) => ({ value, operation: 'delete' })) };
    const message = patchToV2(request, v1GroupType);
    expect(message.Operations.length).toBeLessThan(40);
    for (const op of message.Operations) expect(op.path.length).toBeLessThanOrEqual(DEFAULT_FILTER_LIMITS.maxLength);
    const result = applyPatch(v1GroupType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }, parsePatchRequest(message));
    expect(result.members).toEqual({ replaceAll: false, add: [], remove: ids });
  });

  it('escapes member values as JSON strings in the filter', () => {
    const request = { schemas: ['urn:scim:schemas:core:1.0'], members: [{ value: 'odd "id" \\ here', operation: 'delete' }] };
    const result = applyPatch(v1GroupType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }, parsePatchRequest(patchToV2(request, v1GroupType)));
    expect(result.members.remove).toEqual(['odd "id" \\ here']);
  });
});
