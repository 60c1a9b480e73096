import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import type { CountOptions, Listed, ListOptions, ResourceQueries } from '../../store/store.ts';
import type { ListQuery, Page } from './provisioning-context.ts';

/**
 * One page of a filtered list (RFC 7644 §3.4.2.4, RFC 9865), for users and groups alike. The total
 * is counted by the database with the same compiled filter; `count=0` returns only the total.
 */
export async function listPage<R extends { seq: number }>(
  table: Pick<ResourceQueries<R, unknown>, 'list' | 'count'>,
  directoryId: string,
  type: ResourceTypeDef,
  query: ListQuery,
): Promise<Page<Listed<R>>> {
  const base: CountOptions = { directoryId, type, filter: query.filter };
  const sort = { sortBy: query.sortBy, descending: query.descending };
  if (query.count === 0) {
    return { totalResults: await table.count(base), items: [], startIndex: query.cursor === undefined ? query.startIndex : undefined };
  }

  if (query.cursor !== undefined) {
    // One row more than asked tells whether a next page exists without a second query.
    const options: ListOptions = { ...base, ...sort, offset: 0, limit: query.count + 1, after: query.cursor ?? undefined };
    const items = await table.list(options);
    const more = items.length > query.count;
    if (more) items.pop();
    const last = items[items.length - 1];
    const next = more && last ? { seq: last.seq, ...(query.sortBy ? { key: last.sortKey ?? null } : {}) } : undefined;
    return { totalResults: await table.count(base), items, next };
  }

  const offset = query.startIndex - 1;
  const items = await table.list({ ...base, ...sort, offset, limit: query.count });
  // A short page that starts a list, or that ends one, already tells the total: Okta's and Entra's
  // lookups (`userName eq …`, one match or none) then cost one query, not two.
  const totalResults = items.length < query.count && (offset === 0 || items.length > 0) ? offset + items.length : await table.count(base);
  return { totalResults, items, startIndex: query.startIndex };
}
