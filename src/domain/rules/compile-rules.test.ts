import { describe, expect, it } from 'vitest';
import { compileRules } from './compile-rules.ts';
import { defaultRules } from './default-rules.ts';
import { directoryRulesSchema, type DirectoryRules } from './rule-schemas.ts';

const CUSTOM = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function rules(overrides: Partial<DirectoryRules>): DirectoryRules {
  return directoryRulesSchema.parse({ ...defaultRules('okta'), ...overrides });
}

describe('compileRules', () => {
  it('maps every account field, null where nothing is mapped, and custom attributes by name', () => {
    const compiled = compileRules(
      rules({
        attributes: {
          fields: { userName: { lower: { path: 'userName' } }, email: { path: 'emails.value' } },
          custom: {
            costCode: { path: `${CUSTOM}:costCode` },
            badge: { concat: [{ const: 'B' }, { path: `${CUSTOM}:badge` }], separator: '-' },
            missing: { path: `${CUSTOM}:nothing` },
          },
        },
      }),
    );
    const resource = deepFreeze({ userName: 'BJensen', emails: [{ value: 'B@x.example' }], [CUSTOM]: { costCode: 'CC-1', badge: 7 } });
    expect(compiled.mapAccount(resource)).toEqual({
      fields: { userName: 'bjensen', email: 'B@x.example', displayName: null, givenName: null, familyName: null, title: null, department: null, manager: null, locale: null, timezone: null },
      custom: { costCode: 'CC-1', badge: 'B-7', missing: null },
    });
  });

  it('exposes the sync settings, keepExisting and the rules it was compiled from, unmodified', () => {
    const input = deepFreeze(
      rules({
        sync: { allowCreate: false, allowUpdate: true, allowDeactivate: false, onDelete: 'delete', autoReactivate: false, outsideDomains: 'refuse' },
        groups: { mode: 'manual', map: [{ idpGroup: 'Eng', orgGroups: ['devs'] }], unmapped: 'ignore', keepExisting: false },
      }),
    );
    const snapshot = structuredClone(input);
    const compiled = compileRules(input);
    expect(compiled.rules).toBe(input);
    expect(compiled.sync).toEqual(snapshot.sync);
    expect(compiled.keepExisting).toBe(false);
    expect(compiled.mapGroup('ENG')).toEqual(['devs']);
    expect(input).toEqual(snapshot);
  });

  it('keepExisting follows the group mapping in every mode', () => {
    expect(compileRules(rules({ groups: { mode: 'off', keepExisting: true } })).keepExisting).toBe(true);
    expect(compileRules(rules({ groups: { mode: 'on_the_fly', include: [], exclude: [], keepExisting: false } })).keepExisting).toBe(false);
  });

  it('maps groups with the default rules one to one', () => {
    expect(compileRules(defaultRules('entra')).mapGroup('Sales EU')).toEqual(['Sales EU']);
  });

  it('gives each call its own result objects', () => {
    const compiled = compileRules(defaultRules('okta'));
    const a = compiled.mapAccount({ userName: 'a' });
    const b = compiled.mapAccount({ userName: 'b' });
    expect(a.fields.userName).toBe('a');
    expect(b.fields.userName).toBe('b');
    expect(a.fields).not.toBe(b.fields);
  });

  it('never throws on a resource of unexpected shape', () => {
    const compiled = compileRules(defaultRules('entra'));
    for (const resource of [{}, { emails: 'x', name: 3 }, { userName: ['a'], 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'x' }]) {
      expect(() => compiled.mapAccount(resource)).not.toThrow();
    }
  });
});
