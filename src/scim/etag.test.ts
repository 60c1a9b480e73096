import { describe, expect, it } from 'vitest';
import { etagMatches, formatEtag, parseEtagList } from './etag.ts';

describe('formatEtag', () => {
  it('renders a weak tag of the version (RFC 7644 §3.14)', () => {
    expect(formatEtag(3)).toBe('W/"3"');
  });
});

describe('etagMatches (RFC 7232 weak comparison)', () => {
  it('matches the tag the server sent back', () => {
    expect(etagMatches(formatEtag(7), 7)).toBe(true);
    expect(etagMatches(formatEtag(7), 8)).toBe(false);
  });

  it('matches weak and strong forms of the same tag', () => {
    expect(etagMatches('"7"', 7)).toBe(true);
    expect(etagMatches('w/"7"', 7)).toBe(true);
  });

  it('matches any tag in a list', () => {
    expect(etagMatches('W/"1", W/"2"', 2)).toBe(true);
    expect(etagMatches('W/"1",W/"2"', 1)).toBe(true);
    expect(etagMatches('W/"1", W/"2"', 3)).toBe(false);
  });

  it('treats a lone * as matching every version, but not a quoted "*"', () => {
    expect(etagMatches('*', 42)).toBe(true);
    expect(etagMatches(' * ', 1)).toBe(true);
    expect(etagMatches('"*"', 1)).toBe(false);
  });

  it('accepts bare versions from hand-written clients', () => {
    expect(etagMatches('3', 3)).toBe(true);
    expect(etagMatches('W/3', 3)).toBe(true);
  });

  it('does not match empty or unrelated headers', () => {
    expect(etagMatches('', 1)).toBe(false);
    expect(etagMatches('W/"10"', 1)).toBe(false);
  });
});

describe('parseEtagList', () => {
  it('keeps commas inside quoted tags', () => {
    expect(parseEtagList('"a,b", W/"c"')).toEqual(['a,b', 'c']);
  });
});
