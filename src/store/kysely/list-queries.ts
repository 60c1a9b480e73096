import { sql, type Expression, type SqlBool } from 'kysely';
import { compileFilter, compileSortKey, type SqlJsonHooks } from '../compile-filter.ts';
import type { GroupRow, UserRow } from '../database.ts';
import type { CountOptions, ListOptions, ListPosition } from '../store.ts';
import type { Executor } from './prepared.ts';

/** What an engine contributes to list queries: its JSON operators. */
export type EngineSql = SqlJsonHooks;

type Table = 'users' | 'groups';
export type ListedRow = (UserRow | GroupRow) & { sort_key?: string | number | null };

/**
 * Keyset condition for "after this row" in an order of (key, seq), NULL keys last ascending and
 * first descending (RFC 7644 §3.4.2.3). Spelled out for NULLs, which compare as unknown.
 */
function afterPosition(key: Expression<unknown>, after: ListPosition, descending: boolean): Expression<SqlBool> {
  const seq = sql.ref('seq');
  const k = after.key ?? null;
  if (!descending) {
    if (k === null) return sql<SqlBool>`(${key} is null and ${seq} > ${after.seq})`;
    return sql<SqlBool>`(${key} > ${k} or (${key} = ${k} and ${seq} > ${after.seq}) or ${key} is null)`;
  }
  if (k === null) return sql<SqlBool>`((${key} is null and ${seq} < ${after.seq}) or ${key} is not null)`;
  return sql<SqlBool>`(${key} < ${k} or (${key} = ${k} and ${seq} < ${after.seq}))`;
}

/**
 * Filtered, sorted, paged lists of users and groups. The filter is compiled to SQL (never applied to
 * rows in memory); the order is always made total with `seq`, so pages are stable across requests
 * (Okta walks an import with startIndex += 100 and needs no duplicates and no gaps).
 */
export function createListQueries(db: Executor, hooks: EngineSql) {
  function where(options: CountOptions, table: Table): Expression<SqlBool> | undefined {
    return options.filter ? compileFilter(options.filter, { type: options.type, table, hooks }) : undefined;
  }

  return {
    list(table: Table, options: ListOptions): Promise<ListedRow[]> {
      let q = db.selectFrom(table as 'users').selectAll().where('directory_id', '=', options.directoryId);
      const condition = where(options, table);
      if (condition) q = q.where(condition);
      const descending = options.descending === true && options.sortBy !== undefined;
      if (options.sortBy) {
        const key = compileSortKey(options.type, options.sortBy, { table, hooks });
        if (options.after) q = q.where(afterPosition(key, options.after, descending));
        // RFC 7644 §3.4.2.3: resources without a sortBy value "are ordered last if ascending and first if
        // descending". That is PostgreSQL's default, while SQLite sorts NULL as the smallest value (first
        // ascending); spelling out `nulls last`/`nulls first` gives the same order on both engines.
        const sorted = q.select(sql<string | number | null>`${key}`.as('sort_key'));
        return sorted
          .orderBy(sql`${key}`, (ob) => (descending ? ob.desc().nullsFirst() : ob.asc().nullsLast()))
          .orderBy('seq', descending ? 'desc' : 'asc')
          .limit(options.limit)
          .offset(options.offset)
          .execute() as Promise<ListedRow[]>;
      }
      if (options.after) q = q.where('seq', '>', options.after.seq);
      return q.orderBy('seq', 'asc').limit(options.limit).offset(options.offset).execute() as Promise<ListedRow[]>;
    },

    async count(table: Table, options: CountOptions): Promise<number> {
      let q = db.selectFrom(table as 'users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', options.directoryId);
      const condition = where(options, table);
      if (condition) q = q.where(condition);
      const row = await q.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type ListQueries = ReturnType<typeof createListQueries>;
