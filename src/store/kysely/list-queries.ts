import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { compileFilter, compileSortKey, type SqlJsonHooks } from '../compile-filter.ts';
import type { Database, GroupRow } from '../database.ts';
import type { ListOptions } from '../store.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** What an engine contributes to list queries: its JSON operators. */
export type EngineSql = SqlJsonHooks;

/**
 * Filtered, sorted, paged lists of users and groups. The filter is compiled to SQL (never applied to
 * rows in memory); the order is always made total with `seq`, so pages are stable across requests
 * (Okta walks an import with startIndex += 100 and needs no duplicates and no gaps).
 */
export function createListQueries(db: Executor, hooks: EngineSql) {
  function where(options: Pick<ListOptions, 'type' | 'filter'>, table: 'users' | 'groups'): Expression<SqlBool> | undefined {
    return options.filter ? compileFilter(options.filter, { type: options.type, table, hooks }) : undefined;
  }

  function list<T extends 'users' | 'groups'>(table: T, options: ListOptions) {
    let q = db.selectFrom(table as 'users').selectAll().where('directory_id', '=', options.directoryId);
    const condition = where(options, table);
    if (condition) q = q.where(condition);
    if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq);
    if (options.sortBy) {
      const key = compileSortKey(options.type, options.sortBy, { table, hooks });
      // RFC 7644 §3.4.2.3: resources without a sortBy value "are ordered last if ascending and first if
      // descending". That is PostgreSQL's default, while SQLite sorts NULL as the smallest value (first
      // ascending); spelling out `nulls last`/`nulls first` gives the same order on both engines.
      q = q.orderBy(sql`${key}`, (ob) => (options.descending ? ob.desc().nullsFirst() : ob.asc().nullsLast()));
    }
    q = q.orderBy('seq', options.descending && options.sortBy ? 'desc' : 'asc');
    return q.limit(options.limit).offset(options.offset).execute();
  }

  async function count(table: 'users' | 'groups', options: Pick<ListOptions, 'directoryId' | 'type' | 'filter'>) {
    let q = db.selectFrom(table as 'users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', options.directoryId);
    const condition = where(options, table);
    if (condition) q = q.where(condition);
    const row = await q.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    listUsers: (options: ListOptions) => list('users', options),
    countUsers: (options: Pick<ListOptions, 'directoryId' | 'type' | 'filter'>) => count('users', options),
    // Both tables share the columns the query touches; only the row type differs.
    listGroups: (options: ListOptions) => list('groups', options) as unknown as Promise<GroupRow[]>,
    countGroups: (options: Pick<ListOptions, 'directoryId' | 'type' | 'filter'>) => count('groups', options),
  };
}
