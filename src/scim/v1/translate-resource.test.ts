import { describe, expect, it } from 'vitest';
import { renderResource } from '../render-resource.ts';
import { userTypeWith } from '../schemas/custom-schema.ts';
import type { ResourceTypeName } from '../schemas/resource-types.ts';
import { ScimError } from '../scim-error.ts';
import { validateResource } from '../validate-resource.ts';
import { v1GroupType } from './okta-group-schema.ts';
import { resourceToV1, resourceToV2 } from './translate-resource.ts';
import fixtures from './translate-resource.cases.json' with { type: 'json' };

interface ResourceCase {
  name: string;
  source: string;
  direction: 'toV2' | 'toV1';
  resourceType: ResourceTypeName;
  input: unknown;
  expected?: Record<string, unknown>;
  error?: { status: number; scimType: string };
}

const { baseUrl, cases } = fixtures as { baseUrl: string; cases: ResourceCase[] };

function run(c: ResourceCase) {
  return c.direction === 'toV2' ? resourceToV2(c.input, c.resourceType) : resourceToV1(c.input as Record<string, unknown>, c.resourceType, { baseUrl });
}

describe('SCIM 1.1 ⇄ 2.0 resource translation fixtures', () => {
  for (const c of cases) {
    it(`${c.direction} ${c.name} [${c.source}]`, () => {
      const pristine = structuredClone(c.input);
      if (c.error) {
        let thrown: unknown;
        try {
          run(c);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ScimError);
        expect({ status: (thrown as ScimError).status, scimType: (thrown as ScimError).scimType }).toEqual(c.error);
      } else {
        expect(run(c)).toEqual(c.expected);
      }
      expect(c.input, 'the input is never modified').toEqual(pristine);
    });
  }
});

describe('a 1.1 resource stored through 2.0 reads back as written', () => {
  // A directory with one custom attribute, so the custom-extension row round-trips too.
  const types = { User: userTypeWith([{ name: 'badge', type: 'string', multiValued: false, caseExact: false, description: '' }]), Group: v1GroupType };
  const written = cases.filter((c) => c.direction === 'toV2' && !c.error && !(c.input as { id?: string }).id);

  for (const c of written) {
    it(c.name, () => {
      const { resource } = validateResource(types[c.resourceType], resourceToV2(c.input, c.resourceType));
      const stored = { id: 'r-1', resource, version: 1, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };
      const rendered = renderResource(c.resourceType, stored, `https://elsewhere.example/scim/v2/dir-1/${c.resourceType}s/r-1`);
      const back = resourceToV1(rendered, c.resourceType, { baseUrl });
      // What 2.0 validation never stores: read-only attributes, the password, members (their own table),
      // the manager's derived displayName.
      const { password: _p, groups: _g, members: _m, ...expected } = c.input as Record<string, unknown>;
      const { id, meta, ...rest } = back;
      expect(id).toBe('r-1');
      expect(meta).toEqual({ created: stored.createdAt, lastModified: stored.updatedAt, location: `${baseUrl}/${c.resourceType}s/r-1`, version: 'W/"1"' });
      expect(stripManagerName(rest)).toEqual(normalizeUrns(stripManagerName(expected)));
    });
  }
});

function stripManagerName(resource: Record<string, unknown>): Record<string, unknown> {
  const key = 'urn:scim:schemas:extension:enterprise:1.0';
  const ext = resource[key] as { manager?: Record<string, unknown> } | undefined;
  if (!ext?.manager) return resource;
  const { displayName: _d, ...manager } = ext.manager;
  return { ...resource, [key]: { ...ext, manager } };
}

/** URNs read back in their canonical case. */
function normalizeUrns(resource: Record<string, unknown>): Record<string, unknown> {
  const schemas = (resource.schemas as string[]).map((s) => (s.toLowerCase() === 'urn:scim:schemas:core:1.0' ? 'urn:scim:schemas:core:1.0' : s));
  return { ...resource, schemas };
}
