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

  it('behaves the same for an account in hundreds of groups (looked up by key past a few dozen rows)', () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(`g${i % 150}`, 'a1', i < 150 ? 'manual' : `map:d:${i}`));
    const index = new MembershipIndex(rows);
    expect(rows.every((r) => index.has(r))).toBe(true);
    expect(index.add(row('g7', 'a1', 'manual'))).toBe(false);
    expect(index.has(row('g7', 'a1', 'default'))).toBe(false);
    expect(index.add(row('g7', 'a1', 'default'))).toBe(true);
    // g7 holds three sources now: the pair stays until the last goes.
    index.delete(row('g7', 'a1', 'manual'));
    index.delete(row('g7', 'a1', 'default'));
    expect(index.hasPair('g7', 'a1')).toBe(true);
    expect(index.has(row('g7', 'a1', 'manual'))).toBe(false);
    index.delete(row('g7', 'a1', 'map:d:157'));
    expect(index.hasPair('g7', 'a1')).toBe(false);
    // A row that is not there changes nothing.
    index.delete(row('g7', 'a1', 'manual'));
    expect(index.groupsByAccount().get('a1')?.size).toBe(149);
    expect(index.add(row('g7', 'a1', 'manual'))).toBe(true);
    expect(index.groupsByAccount().get('a1')?.size).toBe(150);
  });
});
