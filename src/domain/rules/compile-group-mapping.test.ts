import { describe, expect, it } from 'vitest';
import { compileGroupMapping, dedupeIgnoringCase } from './compile-group-mapping.ts';
import cases from './compile-group-mapping.cases.json' with { type: 'json' };
import { groupMappingSchema } from './rule-schemas.ts';

interface GroupCase {
  name: string;
  mapping: unknown;
  expect: [string, string[]][];
}

describe('group mapping (fixtures)', () => {
  for (const c of cases.cases as GroupCase[]) {
    it(c.name, () => {
      const mapping = groupMappingSchema.parse(c.mapping);
      const mapGroup = compileGroupMapping(mapping);
      for (const [idpGroup, orgGroups] of c.expect) expect(mapGroup(idpGroup), idpGroup).toEqual(orgGroups);
    });
  }
});

describe('group mapping', () => {
  it('returns lists a caller cannot change, so the table and the remembered names stay as configured', () => {
    const manual = compileGroupMapping({ mode: 'manual', map: [{ idpGroup: 'a', orgGroups: ['x'] }], unmapped: 'ignore', keepExisting: true });
    expect(() => (manual('a') as string[]).push('y')).toThrow(TypeError);
    expect(manual('a')).toEqual(['x']);
    const onTheFly = compileGroupMapping({ mode: 'on_the_fly', include: [], exclude: [], rename: { pattern: '^(.*)$', with: '$1 team' }, keepExisting: true });
    expect(onTheFly('a')).toEqual(['a team']);
    expect(() => (onTheFly('a') as string[]).push('y')).toThrow(TypeError);
    expect(onTheFly('a')).toEqual(['a team']);
  });

  it('maps each name the same way however many names an on-the-fly mapper has seen', () => {
    const mapGroup = compileGroupMapping({ mode: 'on_the_fly', include: ['^g'], exclude: ['7$'], rename: { pattern: '^g(\\d+)$', with: 'Team $1' }, keepExisting: true });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 25_000; i++) expect(mapGroup(`g${i}`)).toEqual(i % 10 === 7 ? [] : [`Team ${i}`]);
    }
  });

  it('caps the name a pattern sees at 1,000 characters', () => {
    const mapGroup = compileGroupMapping({ mode: 'on_the_fly', include: ['z$'], exclude: [], keepExisting: true });
    expect(mapGroup(`${'a'.repeat(1_000)}z`)).toEqual([]);
    expect(mapGroup(`${'a'.repeat(999)}z`)).toEqual([`${'a'.repeat(999)}z`]);
  });

  it('dedupeIgnoringCase keeps order and first spelling', () => {
    expect(dedupeIgnoringCase(['B', 'a', 'b', 'A', 'c'])).toEqual(['B', 'a', 'c']);
  });
});
