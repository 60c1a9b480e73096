import { describe, expect, it } from 'vitest';
import { parseScimFilter } from '../filter/parse-filter.ts';
import type { ResourceTypeName } from '../schemas/resource-types.ts';
import { ScimError } from '../scim-error.ts';
import { translateFilterToV2, translateNameListToV2, translateNameToV2 } from './translate-path.ts';
import fixtures from './translate-path.cases.json' with { type: 'json' };

interface Row {
  name?: string;
  source?: string;
  resourceType: ResourceTypeName;
  input: string;
  expected: string;
}

const { filters, names } = fixtures as { filters: Row[]; names: Row[] };

describe('SCIM 1.1 filters in 2.0 names', () => {
  for (const row of filters) {
    it(`${row.name} [${row.source}]`, () => {
      expect(translateFilterToV2(parseScimFilter(row.input), row.resourceType)).toEqual(parseScimFilter(row.expected));
    });
  }
});

describe('SCIM 1.1 attribute names in 2.0 names', () => {
  for (const row of names) {
    it(`${row.resourceType} ${row.input}`, () => {
      expect(translateNameToV2(row.input, row.resourceType)).toBe(row.expected);
    });
  }

  it('translates a comma-separated attributes list', () => {
    expect(translateNameListToV2('userName, urn:scim:schemas:extension:enterprise:1.0:department,,emails', 'User')).toBe(
      'userName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,emails',
    );
  });

  it('refuses what is not an attribute path', () => {
    expect(() => translateNameToV2('not a path', 'User')).toThrow(ScimError);
  });
});
