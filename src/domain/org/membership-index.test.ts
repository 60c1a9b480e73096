import { describe, expect, it } from 'vitest';
import { MembershipIndex } from './membership-index.ts';

const row = (groupId: string, accountId: string, source: string) => ({ groupId, accountId, source });

describe('MembershipIndex', () => {
  it('knows a row by its three ids, and a pair by any source', () => {
    const index = new MembershipIndex([row('g1', 'a1', 'manual'), row('g1', 'a1', 'default')]);
    expect(index.has(row('g1', 'a1', 'manual'))).toBe(true);
    expect(index.has(row('g1', 'a1', 'map:d:x'))).toBe(false);
    expect(index.has(row('g1', 'a2', 'manual'))).toBe(false);
    expect(index.hasPair('g1', 'a1')).toBe(true);
    expect(index.hasPair('g2', 'a1')).toBe(false);
  });

  it('adds a row once', () => {
    const index = new MembershipIndex();
    expect(index.add(row('g1', 'a1', 'manual'))).toBe(true);
    expect(index.add(row('g1', 'a1', 'manual'))).toBe(false);
    expect(index.add(row('g1', 'a1', 'default'))).toBe(true);
  });

  it('keeps a pair while any of its sources is left, and drops it with the last', () => {
    const index = new MembershipIndex([row('g1', 'a1', 'manual'), row('g1', 'a1', 'default'), row('g2', 'a1', 'default')]);
    index.delete(row('g1', 'a1', 'manual'));
    expect(index.hasPair('g1', 'a1')).toBe(true);
    index.delete(row('g1', 'a1', 'default'));
    expect(index.hasPair('g1', 'a1')).toBe(false);
    index.delete(row('g9', 'a9', 'manual'));
    expect(index.groupsByAccount()).toEqual(new Map([['a1', new Set(['g2'])]]));
  });
});
