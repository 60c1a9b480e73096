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
  it('returns a fresh array each time, so a caller cannot corrupt the table', () => {
    const mapGroup = compileGroupMapping({ mode: 'manual', map: [{ idpGroup: 'a', orgGroups: ['x'] }], unmapped: 'ignore', keepExisting: true });
    mapGroup('a').push('y');
    expect(mapGroup('a')).toEqual(['x']);
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
