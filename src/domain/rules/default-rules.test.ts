import { describe, expect, it } from 'vitest';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { userResourceType } from '../../scim/schemas/resource-types.ts';
import type { IdpName } from '../directories/idp-names.ts';
import { compileRules } from './compile-rules.ts';
import { defaultRules } from './default-rules.ts';
import cases from './default-rules.cases.json' with { type: 'json' };

interface DefaultsCase {
  name: string;
  idp: IdpName;
  resource: Record<string, unknown>;
  patches?: unknown[];
  fields: Record<string, string | null>;
}

describe('default rules on what Okta and Entra send (fixtures)', () => {
  for (const c of cases.cases as DefaultsCase[]) {
    it(`${c.idp}: ${c.name}`, () => {
      let resource = c.resource;
      for (const patch of c.patches ?? []) resource = applyPatch(userResourceType, resource, parsePatchRequest(patch)).resource;
      const mapped = compileRules(defaultRules(c.idp)).mapAccount(resource);
      expect(mapped).toEqual({ fields: c.fields, custom: {} });
    });
  }
});

describe('defaultRules', () => {
  it('starts with every sync action allowed, deletes deactivating, and on-the-fly groups keeping memberships', () => {
    const rules = defaultRules('okta');
    expect(rules.sync).toEqual({ allowCreate: true, allowUpdate: true, allowDeactivate: true, onDelete: 'deactivate', autoReactivate: true, outsideDomains: 'external' });
    expect(rules.groups).toEqual({ mode: 'on_the_fly', include: [], exclude: [], keepExisting: true });
  });

  it('returns a fresh object each call, so one directory editing its rules cannot change another', () => {
    const a = defaultRules('entra');
    a.attributes.custom.x = { const: 'y' };
    expect(defaultRules('entra').attributes.custom).toEqual({});
  });
});
