import { describe, expect, it } from 'vitest';
import { checkValueSourcePaths } from './check-value-source-paths.ts';
import { defaultRules } from './default-rules.ts';
import { compileScimPath, readScimPath } from './read-scim-path.ts';
import cases from './read-scim-path.cases.json' with { type: 'json' };

describe('SCIM paths in rules (fixtures)', () => {
  for (const c of cases.cases as { name: string; path: string; error: string | null }[]) {
    it(`${c.name}: ${c.path}`, () => {
      const compiled = compileScimPath(c.path);
      expect(compiled.ok ? null : compiled.error).toBe(c.error);
    });
  }
});

describe('checkValueSourcePaths', () => {
  it('finds nothing wrong in the defaults of any IdP', () => {
    for (const idp of ['okta', 'entra', 'generic'] as const) expect(checkValueSourcePaths(defaultRules(idp).attributes, [])).toEqual([]);
  });

  it('names where each bad path sits, inside expressions and custom attributes', () => {
    const errors = checkValueSourcePaths({
      fields: {
        email: { lower: { firstOf: [{ path: 'emails[type eq "work"].value' }, { path: 'emails[type eq' }] } },
        displayName: { concat: [{ const: 'x' }, { upper: { path: 'name' } }] },
        title: { replace: { path: 'title.value' }, pattern: 'x', with: 'y' },
      },
      custom: { badge: { path: 'password' } },
    }, []);
    expect(errors).toEqual([
      `attributes.fields.email.lower.firstOf[1]: path "emails[type eq": At position 14: expected a value (a "string", a number, true, false or null) after 'eq', found the end of the input`,
      `attributes.fields.displayName.concat[1].upper: path "name": 'name' is complex: name one of its sub-attributes (name.formatted, name.familyName, name.givenName, name.middleName, name.honorificPrefix, name.honorificSuffix)`,
      `attributes.fields.title.replace: path "title.value": 'title' is not complex and has no sub-attribute 'value'`,
      `attributes.custom.badge: path "password": 'password' is never returned by SCIM and cannot be mapped`,
    ]);
  });

  it("refuses a custom-extension path the directory has not declared, and a declared one written as a bare name", () => {
    const custom = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';
    const declared = [{ name: 'costCode', type: 'string', multiValued: false, caseExact: false, description: '' }] as const;
    const mapping = {
      fields: { title: { path: `${custom}:costcode` }, department: { firstOf: [{ path: `${custom}:badge` }, { path: 'costCode' }] } },
      custom: { extra: { path: `${custom}:costCode.code` } },
    };
    expect(checkValueSourcePaths(mapping, declared)).toEqual([
      `attributes.fields.department.firstOf[0]: path "${custom}:badge": the directory has no custom attribute 'badge' (it declares costCode)`,
      `attributes.fields.department.firstOf[1]: path "costCode": 'costCode' is a custom attribute; write it as ${custom}:costCode`,
      `attributes.custom.extra: path "${custom}:costCode.code": 'costCode' is not complex and has no sub-attribute 'code'`,
    ]);
    expect(checkValueSourcePaths({ fields: { title: { path: `${custom}:costCode` } }, custom: {} }, [])).toEqual([
      `attributes.fields.title: path "${custom}:costCode": the directory has no custom attribute 'costCode' (it declares none)`,
    ]);
  });

  it('never reads a password, even one stored by mistake', () => {
    expect(readScimPath({ password: 'secret' }, 'password')).toBeNull();
  });
});
