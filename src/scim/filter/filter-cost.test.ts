import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/helpers/error-of.ts';
import { groupResourceType, userResourceType } from '../schemas/resource-types.ts';
import { countMultiValuedTerms } from './count-multi-valued-terms.ts';
import { parsePatchPath, parseScimFilter } from './parse-filter.ts';

const terms = (n: number, term: (i: number) => string) => Array.from({ length: n }, (_, i) => term(i)).join(' or ');

describe('filter cost bound: terms over multi-valued attributes (issue 8 item 3)', () => {
  it('counts value filters once, and comparisons on multi-valued attributes and members', () => {
    const count = (text: string, type = userResourceType) => countMultiValuedTerms(type, parseScimFilter(text));
    expect(count('userName eq "a" and title co "b"')).toBe(0);
    expect(count('emails co "x"')).toBe(1);
    expect(count('emails[type eq "work" and value co "x"]')).toBe(1);
    expect(count('emails[type eq "work"].value eq "x" or not (phoneNumbers pr)')).toBe(2);
    expect(count('groups.value eq "g1"')).toBe(1);
    expect(count('members.value eq "u1" or displayName eq "x"', groupResourceType)).toBe(1);
    // A SCIM 1.1 spelling is counted by its attribute name.
    expect(count('urn:scim:schemas:core:1.0:emails co "x"')).toBe(1);
  });

  it('a 2,000-character filter of co terms over emails is refused with a clear invalidFilter', () => {
    let n = 1;
    while (terms(n + 1, (i) => `emails co "a${i}"`).length <= 2000) n++;
    const text = terms(n, (i) => `emails co "a${i}"`);
    expect(text.length).toBeGreaterThan(1950);
    const error = errorOf(() => parseScimFilter(text, { resourceType: userResourceType }));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(/terms over multi-valued attributes .*the maximum is 10/);
  });

  it('accepts up to the limit, and as many single-valued terms as the length allows', () => {
    expect(() => parseScimFilter(terms(10, (i) => `emails co "a${i}"`), { resourceType: userResourceType })).not.toThrow();
    expect(errorOf(() => parseScimFilter(terms(4, (i) => `emails co "a${i}"`), { resourceType: userResourceType, maxMultiValuedTerms: 3 })).scimType).toBe('invalidFilter');
    expect(() => parseScimFilter(terms(80, (i) => `userName eq "u${i}"`), { resourceType: userResourceType })).not.toThrow();
  });
});

describe('NUL in a filter or a PATCH path (issue 8 item 5)', () => {
  it('is refused as a raw character and as a \\u0000 escape', () => {
    expect(errorOf(() => parseScimFilter('userName eq "a\\u0000b"')).scimType).toBe('invalidFilter');
    expect(errorOf(() => parseScimFilter('userName eq a\u0000b')).scimType).toBe('invalidFilter');
    expect(errorOf(() => parseScimFilter('userName eq "a\u0000b"')).scimType).toBe('invalidFilter');
    expect(errorOf(() => parsePatchPath('members[value eq "a\\u0000"]')).scimType).toBe('invalidPath');
  });
});
