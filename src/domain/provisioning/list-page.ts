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
  if (request.count === 0) {
    return { totalResults: await table.count(base), rows: [], startIndex: request.cursor === undefined ? request.startIndex : undefined };
  }

  if (request.cursor !== undefined) {
    const afterSeq = request.cursor === '' ? 0 : decodeCursor(request.cursor);
    // One row more than asked tells whether a next page exists without a second query.
    const rows = (await table.list({ ...base, offset: 0, limit: request.count + 1, afterSeq })) as R[];
    const more = rows.length > request.count;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { totalResults: await table.count(base), rows, nextCursor: more && last ? encodeCursor(last.seq) : undefined };
  }

  const offset = request.startIndex - 1;
  const rows = (await table.list({ ...base, sortBy: request.sortBy, descending: request.descending, offset, limit: request.count })) as R[];
  // A short page that starts a list, or that ends one, already tells the total: Okta's and Entra's
  // lookups (`userName eq …`, one match or none) then cost one query, not two.
  const totalResults = rows.length < request.count && (offset === 0 || rows.length > 0) ? offset + rows.length : await table.count(base);
  return { totalResults, rows, startIndex: request.startIndex };
}
