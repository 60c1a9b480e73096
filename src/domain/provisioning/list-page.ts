import type { AttrPath, FilterNode } from '../../scim/filter/filter-ast.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import type { ListOptions, Store, StoredGroup, StoredUser } from '../../store/store.ts';
import { decodeCursor, encodeCursor } from './paging.ts';

export interface ListRequest {
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly descending: boolean;
  readonly startIndex: number;
  readonly count: number;
  readonly cursor?: string;
}

export interface Page<R> {
  readonly totalResults: number;
  readonly rows: R[];
  readonly startIndex?: number;
  readonly nextCursor?: string;
}

/**
 * One page of a filtered list (RFC 7644 §3.4.2.4, RFC 9865). The total is counted by the database
 * with the same compiled filter; `count=0` returns only the total.
 */
export async function listPage<R extends StoredUser | StoredGroup>(
  store: Store,
  kind: 'users' | 'groups',
  directoryId: string,
  type: ResourceTypeDef,
  request: ListRequest,
): Promise<Page<R>> {
  const base = { directoryId, type, filter: request.filter };
  const table = {
    count: (o: typeof base) => store.read((q) => q[kind].count(o)),
    list: (o: ListOptions) => store.read((q): Promise<(StoredUser | StoredGroup)[]> => q[kind].list(o)),
  };
  const totalResults = await table.count(base);
  if (request.count === 0) return { totalResults, rows: [], startIndex: request.cursor === undefined ? request.startIndex : undefined };

  if (request.cursor !== undefined) {
    const afterSeq = request.cursor === '' ? 0 : decodeCursor(request.cursor);
    // One row more than asked tells whether a next page exists without a second query.
    const rows = (await table.list({ ...base, offset: 0, limit: request.count + 1, afterSeq })) as R[];
    const more = rows.length > request.count;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { totalResults, rows, nextCursor: more && last ? encodeCursor(last.seq) : undefined };
  }

  if (request.startIndex > totalResults) return { totalResults, rows: [], startIndex: request.startIndex };
  const rows = (await table.list({
    ...base,
    sortBy: request.sortBy,
    descending: request.descending,
    offset: request.startIndex - 1,
    limit: request.count,
  })) as R[];
  return { totalResults, rows, startIndex: request.startIndex };
}
