import { sql, type Expression, type SqlBool } from 'kysely';
import type { JsonElement, JsonScalarKind, SqlJsonHooks } from '../compile-filter.ts';

export interface SqliteJsonHooksOptions {
  /**
   * SQL function used to lowercase. SQLite's built-in `lower()` folds ASCII only; register a Unicode
   * one on the connection (`db.function('scim_lower', { deterministic: true }, (s) => ...)`) and name it here.
   */
  readonly lowerFunction?: string;
}

/** `$."name"."familyName"`: keys are quoted, so URN keys with `:` and `.` stay one label. */
function sqliteJsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `.${JSON.stringify(k)}`).join('')}`;
}

/** Reads JSON true/false (json_extract gives 1/0) and Entra's stored "True"/"False" strings as 1/0. */
function sqliteBoolean(value: Expression<unknown>): Expression<unknown> {
  return sql`(case lower(${value}) when 'true' then 1 when '1' then 1 when 'false' then 0 when '0' then 0 end)`;
}

/** SQLite: json_extract / json_each (JSON1, built into SQLite since 3.38). */
export function createSqliteJsonHooks(options: SqliteJsonHooksOptions = {}): SqlJsonHooks {
  const lowerFunction = options.lowerFunction ?? 'lower';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(lowerFunction)) throw new Error(`Invalid SQL function name '${lowerFunction}'`);
  const el = (e: JsonElement, column: string) => sql.ref(`${e.alias}.${column}`);
  const typed = (value: Expression<unknown>, kind: JsonScalarKind) => (kind === 'boolean' ? sqliteBoolean(value) : value);
  // typeof(key) = 'integer' keeps array elements only: json_each also walks objects and yields one row for a scalar.
  const arrayRows = (source: Expression<unknown>, keys: readonly string[], e: JsonElement) =>
    sql`json_each(${source}, ${sqliteJsonPath(keys)}) as ${sql.id(e.alias)} where typeof(${el(e, 'key')}) = 'integer'`;
  const element: JsonElement = { alias: 'scim_el' };
  return {
    jsonScalar: (source, keys, kind) => typed(sql`json_extract(${source}, ${sqliteJsonPath(keys)})`, kind),
    jsonArrayExists: (source, keys, predicate) =>
      sql<SqlBool>`exists (select 1 from ${arrayRows(source, keys, element)} and (${predicate(element)}))`,
    jsonArrayPick: (source, keys, value, orderBy) =>
      sql`(select ${value(element)} from ${arrayRows(source, keys, element)} order by ${orderBy ? sql`${orderBy(element)}, ` : sql``}${el(element, 'key')} limit 1)`,
    // The CASE guard matters: json_extract on a non-object element (a bare string) would raise "malformed JSON".
    elementScalar: (e, key, kind) =>
      typed(key === undefined ? el(e, 'value') : sql`(case when ${el(e, 'type')} = 'object' then json_extract(${el(e, 'value')}, ${sqliteJsonPath([key])}) end)`, kind),
    lower: (expr) => sql`${sql.raw(lowerFunction)}(${expr})`,
    // GLOB is SQLite's case-sensitive matcher; `*`, `?` and `[` in the value are made literal as `[*]`, `[?]`, `[[]`.
    caseExactMatch: (expr, op, value) => {
      const literal = value.replace(/[*?[]/g, (c) => `[${c}]`);
      return sql<SqlBool>`${expr} glob ${op === 'sw' ? `${literal}*` : op === 'ew' ? `*${literal}` : `*${literal}*`}`;
    },
  };
}

export const sqliteJsonHooks: SqlJsonHooks = createSqliteJsonHooks();
