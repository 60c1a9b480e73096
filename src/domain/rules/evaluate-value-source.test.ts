import { describe, expect, it } from 'vitest';
import { compileValueSource, evaluateValueSource } from './evaluate-value-source.ts';
import cases from './evaluate-value-source.cases.json' with { type: 'json' };
import { valueSourceSchema, type ValueSource } from './rule-schemas.ts';

interface ValueCase {
  name: string;
  resource: string;
  source: ValueSource;
  expected: string | null;
}

const resources = cases.resources as Record<string, Record<string, unknown>>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('value sources (fixtures)', () => {
  for (const c of cases.cases as ValueCase[]) {
    it(c.name, () => {
      // Every fixture is a rule an admin could save: the table cannot drift from the schema.
      expect(valueSourceSchema.safeParse(c.source).success).toBe(true);
      const resource = deepFreeze(resources[c.resource]);
      expect(resource, `unknown resource ${c.resource}`).toBeDefined();
      expect(evaluateValueSource(c.source, resource)).toBe(c.expected);
    });
  }
});

describe('value sources', () => {
  it('caps the input of a regex at 1,000 characters', () => {
    const replace = compileValueSource({ replace: { path: 'userName' }, pattern: '$', with: '!' });
    const result = replace({ userName: 'a'.repeat(1_500) });
    expect(result).toBe(`${'a'.repeat(1_000)}!`);
  });

  it('a compiled source gives the same answer on every call (a g regex keeps no state)', () => {
    const evaluate = compileValueSource({ replace: { path: 'userName' }, pattern: 'a', with: 'b', flags: 'g' });
    const results = [1, 2, 3].map(() => evaluate({ userName: 'banana' }));
    expect(results).toEqual(['bbnbnb', 'bbnbnb', 'bbnbnb']);
  });

  it('reads nothing from values of the wrong shape instead of throwing', () => {
    const paths = ['emails[type eq "work"].value', 'name.givenName', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', 'userName'];
    const odd = [{ emails: 'x', name: 'y', userName: { a: 1 } }, { emails: [null, 3, ['z']], name: [], userName: [] }, { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': [1] }];
    for (const resource of odd) for (const path of paths) expect(evaluateValueSource({ path }, resource)).toBeNull();
  });
});
