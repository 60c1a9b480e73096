import { describe, expect, it } from 'vitest';
import { createBulkSchedule, substituteReferences } from './bulk-schedule.ts';
import { BULK_REQUEST_SCHEMA, parseBulkRequest, type BulkOperation } from './parse-bulk-request.ts';

const parse = (operations: unknown[]) => parseBulkRequest({ schemas: [BULK_REQUEST_SCHEMA], Operations: operations }, 10_000).operations;
const group = (bulkId: string, member?: string) => ({ method: 'POST', path: '/Groups', bulkId, data: { displayName: bulkId, ...(member ? { members: [{ value: `bulkId:${member}` }] } : {}) } });

/** Runs a schedule as the route does, every POST creating `id-<bulkId>`. */
function run(operations: readonly BulkOperation[]) {
  const schedule = createBulkSchedule(operations);
  const order: number[] = [];
  for (let op = schedule.next(); op; op = schedule.next()) {
    order.push(op.index);
    if (op.bulkId) schedule.created(op.bulkId, `id-${op.bulkId}`);
  }
  return { order, schedule };
}

describe('bulk schedule (RFC 7644 §3.7.2)', () => {
  it('runs in request order; an operation waiting on a later bulkId runs once it exists', () => {
    const { order } = run(parse([group('a', 'b'), group('b'), group('c')]));
    expect(order).toEqual([1, 2, 0]);
  });

  it('a chain of 2,000 references listed backwards runs from its end', () => {
    const n = 2000;
    const { order, schedule } = run(parse(Array.from({ length: n }, (_, i) => group(`g${i}`, i < n - 1 ? `g${i + 1}` : undefined))));
    expect(order).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    expect(schedule.unresolved()).toEqual([]);
  });

  it('references that never resolve (unknown or circular) are reported with what they miss', () => {
    const { order, schedule } = run(parse([group('a', 'b'), group('b', 'a'), group('c', 'nowhere'), group('d')]));
    expect(order).toEqual([3]);
    expect(schedule.unresolved().map((u) => [u.operation.index, u.missing])).toEqual([[0, ['b']], [1, ['a']], [2, ['nowhere']]]);
  });

  it('substitutes references in the path and in string values, keeping other values and `__proto__` keys as data', () => {
    const [op] = parse([{ method: 'PATCH', path: '/Users/bulkId:u', data: JSON.parse('{"a":["bulkId:u","x"],"n":1,"__proto__":{"v":"bulkId:u"}}') }]);
    const { id, data } = substituteReferences(op!, new Map([['u', 'U1']]));
    expect(id).toBe('U1');
    expect(JSON.stringify(data)).toBe('{"a":["U1","x"],"n":1,"__proto__":{"v":"U1"}}');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});

describe('parseBulkRequest', () => {
  it('a non-string version, a non-string bulkId, deep data and a repeated bulkId are errors of their operation only', () => {
    const deep = JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100));
    const ops = parse([
      { method: 'PUT', path: '/Users/x', version: 1, data: {} },
      { method: 'PUT', path: '/Users/x', bulkId: 7, data: {} },
      { method: 'POST', path: '/Users', bulkId: 'd', data: deep },
      { method: 'POST', path: '/users', bulkId: 'ok', data: {} },
      { method: 'POST', path: '/Users', bulkId: 'ok', data: {} },
    ]);
    expect(ops.map((o) => o.error?.scimType)).toEqual(['invalidValue', 'invalidValue', 'invalidValue', undefined, 'invalidValue']);
    expect(ops[3]!.endpoint).toBe('Users');
  });
});
