import { BULK_ID_REF, type BulkOperation } from './parse-bulk-request.ts';

/**
 * The order bulk operations run in (RFC 7644 §3.7.2): request order, except that an operation
 * referring to a bulkId not created yet waits until it is, then runs after the operations ahead of
 * it. Each operation's references are indexed once (when the request is parsed); creating a bulkId
 * wakes exactly the operations waiting on it, so a whole request is scheduled in time linear in its
 * size — a 1,000-operation chain of references is not re-scanned on every pass.
 */
export interface BulkSchedule {
  /** The next operation that can run, or undefined when none can. */
  next(): BulkOperation | undefined;
  /** A POST created `bulkId` as resource `id`: operations waiting on it may run. */
  created(bulkId: string, id: string): void;
  /** The id a bulkId resolved to. */
  readonly ids: ReadonlyMap<string, string>;
  /** Operations still waiting once nothing else can run, with the bulkIds they miss. */
  unresolved(): { operation: BulkOperation; missing: string[] }[];
}

export function createBulkSchedule(operations: readonly BulkOperation[]): BulkSchedule {
  const ids = new Map<string, string>();
  const waiters = new Map<string, BulkOperation[]>();
  const missingCount = new Map<BulkOperation, number>();
  const woken: BulkOperation[] = [];
  let nextInOrder = 0;
  let nextWoken = 0;

  return {
    ids,
    next() {
      while (nextInOrder < operations.length) {
        const op = operations[nextInOrder++]!;
        const missing = op.references.filter((ref) => !ids.has(ref));
        if (missing.length === 0) return op;
        missingCount.set(op, missing.length);
        for (const ref of missing) {
          const list = waiters.get(ref);
          if (list) list.push(op);
          else waiters.set(ref, [op]);
        }
      }
      return nextWoken < woken.length ? woken[nextWoken++] : undefined;
    },
    created(bulkId, id) {
      if (ids.has(bulkId)) return;
      ids.set(bulkId, id);
      for (const op of waiters.get(bulkId) ?? []) {
        const left = missingCount.get(op)! - 1;
        missingCount.set(op, left);
        if (left === 0) {
          missingCount.delete(op);
          woken.push(op);
        }
      }
      waiters.delete(bulkId);
    },
    unresolved() {
      return [...missingCount.keys()]
        .sort((a, b) => a.index - b.index)
        .map((operation) => ({ operation, missing: operation.references.filter((ref) => !ids.has(ref)) }));
    },
  };
}

/** Replaces every resolved `bulkId:<id>` in a string. */
function swap(text: string, ids: ReadonlyMap<string, string>): string {
  return text.includes('bulkId:') ? text.replace(BULK_ID_REF, (all, ref: string) => ids.get(ref) ?? all) : text;
}

/**
 * The operation's path id and data with its references replaced by the created ids: the data is
 * walked once (its depth is bounded by the parser), strings without a reference are kept as they are.
 */
export function substituteReferences(op: BulkOperation, ids: ReadonlyMap<string, string>): { id: string | undefined; data: unknown } {
  if (op.references.length === 0) return { id: op.id, data: op.data };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return swap(value, ids);
    if (Array.isArray(value)) return value.map(walk);
    // fromEntries defines own properties: a `__proto__` key stays data, never a prototype.
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child)]));
    return value;
  };
  return { id: op.id === undefined ? undefined : swap(op.id, ids), data: walk(op.data) };
}
