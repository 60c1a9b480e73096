import { describe, expect, it } from 'vitest';
import { defaultRules } from './default-rules.ts';
import cases from './rule-schemas.cases.json' with { type: 'json' };
import { hasNestedQuantifier } from './check-rule-regex.ts';
import { describeRulesIssues, directoryRulesPatchSchema, directoryRulesSchema, valueSourceSchema } from './rule-schemas.ts';

interface SchemaCase {
  name: string;
  schema: 'valueSource' | 'rules' | 'rulesPatch';
  input?: unknown;
  override?: Record<string, unknown>;
  errors: string[];
}

const SCHEMAS = { valueSource: valueSourceSchema, rules: directoryRulesSchema, rulesPatch: directoryRulesPatchSchema };

/** Lines describing why `input` is refused, or [] when it is accepted. */
function problems(schema: SchemaCase['schema'], input: unknown): string[] {
  const result = SCHEMAS[schema].safeParse(input);
  return result.success ? [] : describeRulesIssues(result.error);
}

function inputOf(c: SchemaCase): unknown {
  if (c.schema !== 'rules') return c.input;
  const merged: Record<string, unknown> = { ...defaultRules('okta'), ...c.override };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
}

describe('rule schemas (fixtures)', () => {
  for (const c of (cases as { cases: SchemaCase[] }).cases) {
    it(c.name, () => {
      expect(problems(c.schema, inputOf(c))).toEqual(c.errors);
    });
  }
});

describe('rule schemas', () => {
  const deep = (n: number): unknown => (n === 1 ? { path: 'userName' } : { lower: deep(n - 1) });

  it('refuses a value source nested thousands deep with one message, without overflowing the stack', () => {
    expect(problems('valueSource', deep(5_000))).toEqual(['nests value sources deeper than 8 levels']);
    let arrays: unknown = [{ path: 'a' }];
    for (let i = 0; i < 5_000; i++) arrays = [arrays];
    expect(problems('valueSource', { firstOf: arrays })).toEqual(['nests value sources deeper than 8 levels']);
  });

  it('counts depth through firstOf and concat lists too', () => {
    const viaLists = (n: number): unknown => (n === 1 ? { path: 'a' } : n % 2 === 0 ? { firstOf: [viaLists(n - 1)] } : { concat: [{ const: 'x' }, viaLists(n - 1)] });
    expect(problems('valueSource', viaLists(8))).toEqual([]);
    expect(problems('valueSource', viaLists(9))).toEqual(['nests value sources deeper than 8 levels']);
  });

  it('accepts a manual table of 1,000 rows and refuses 1,001', () => {
    const table = (n: number) => ({ groups: { mode: 'manual', map: Array.from({ length: n }, (_, i) => ({ idpGroup: `g${i}`, orgGroups: ['x'] })), unmapped: 'ignore', keepExisting: true } });
    expect(problems('rulesPatch', table(1_000))).toEqual([]);
    expect(problems('rulesPatch', table(1_001))).toEqual(['groups.map: may hold at most 1000 rows']);
  });

  it('accepts the defaults of every IdP', () => {
    for (const idp of ['okta', 'entra', 'onelogin', 'jumpcloud', 'pingone', 'generic'] as const) expect(problems('rules', defaultRules(idp))).toEqual([]);
  });

  it('hasNestedQuantifier finds repeated groups holding + or *, and only those', () => {
    const nested = ['(a+)+', '(a*)*', '(\\w+\\s?)*$', '((ab)+c)+', '(x+){2,}', '(?:a|b+)+', '(a+)*?', '(a{2,3})+'];
    const fine = ['a+b*', '(ab)+', '(a+)?', '(a+){1}', '(a+){0,1}', '[(+)]*', '\\(a+\\)+', '(a{2}b?)+', '^okta-(.*)$'];
    for (const p of nested) expect(hasNestedQuantifier(p), p).toBe(true);
    for (const p of fine) expect(hasNestedQuantifier(p), p).toBe(false);
  });
});
