import { sql, type Expression, type SqlBool } from 'kysely';
import { likePattern, type JsonElement, type JsonScalarKind, type SqlJsonHooks } from '../compile-filter.ts';

/** `source #> '{a,b}'`: the path is a bound text[] parameter, so URN keys with `:` and `.` stay one key. */
const at = (source: Expression<unknown>, keys: readonly string[]) => sql`(${source} #> ${sql.val([...keys])}::text[])`;
const textAt = (source: Expression<unknown>, keys: readonly string[]) => sql`(${source} #>> ${sql.val([...keys])}::text[])`;

/** A JSON value read as SQL: text, a number only when it is a JSON number, booleans (and Entra's "True") as 1/0. */
function typed(json: Expression<unknown>, text: Expression<unknown>, kind: JsonScalarKind): Expression<unknown> {
  if (kind === 'number') return sql`(case when json_typeof(${json}) = 'number' then (${text})::numeric end)`;
  if (kind === 'boolean') return sql`(case lower(${text}) when 'true' then 1 when '1' then 1 when 'false' then 0 when '0' then 0 end)`;
  // Objects and arrays read as their JSON text (`{}` when empty), as SQLite's json_extract does.
  return text;
}

/** Elements of the array at `keys`, or none when it is absent or not an array. */
const elements = (source: Expression<unknown>, keys: readonly string[], e: JsonElement) =>
  sql`json_array_elements(case when json_typeof(${at(source, keys)}) = 'array' then ${at(source, keys)} else '[]'::json end) with ordinality as ${sql.id(e.alias)}(value, ord)`;

const element: JsonElement = { alias: 'scim_el' };
const el = (e: JsonElement, column: string) => sql.ref(`${e.alias}.${column}`);

/** PostgreSQL: `#>`/`#>>` and json_array_elements over `json` columns. */
export const postgresJsonHooks: SqlJsonHooks = {
  jsonScalar: (source, keys, kind) => typed(at(source, keys), textAt(source, keys), kind),
  jsonArrayExists: (source, keys, predicate) => sql<SqlBool>`exists (select 1 from ${elements(source, keys, element)} where ${predicate(element)})`,
  jsonArrayPick: (source, keys, value, orderBy) =>
    sql`(select ${value(element)} from ${elements(source, keys, element)} order by ${orderBy ? sql`${orderBy(element)}, ` : sql``}${el(element, 'ord')} limit 1)`,
  elementScalar: (e, key, kind) => {
    const v = el(e, 'value');
    if (key === undefined) return typed(v, sql`(${v} #>> '{}')`, kind);
    const member = sql`(case when json_typeof(${v}) = 'object' then ${v} -> ${key} end)`;
    return typed(member, sql`(case when json_typeof(${v}) = 'object' then ${v} ->> ${key} end)`, kind);
  },
  // Plain lower() folds by the database's LC_CTYPE: ASCII only under `C`, and per character under
  // libc locales ("İ" → "i", a final "Σ" → "σ"). ICU's root locale folds as JavaScript's toLowerCase()
  // folds the filter value, whatever locale the database was created with; it needs a PostgreSQL
  // built with ICU (otherwise: collation "und-x-icu" does not exist). `collate "C"` then compares
  // and sorts the result by code point, as SQLite does.
  lower: (expr) => sql`(lower((${expr}) collate "und-x-icu") collate "C")`,
  // Replaced by plainLower (below) on a server built without ICU.
  // PostgreSQL's LIKE is case-sensitive already.
  caseExactMatch: (expr, op, value) => sql<SqlBool>`(${expr} like ${likePattern(op, value)} escape '\\')`,
};

/**
 * For a PostgreSQL built without ICU (no "und-x-icu" collation): the database's own lower(), exact
 * for ASCII and for most text under a UTF-8 locale, but not for the few characters whose case
 * mapping depends on the locale. The store logs a warning when it falls back to this.
 */
export const postgresJsonHooksWithoutIcu: SqlJsonHooks = {
  ...postgresJsonHooks,
  lower: (expr) => sql`(lower(${expr}) collate "C")`,
};
