import { sql, type Compilable, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { AccountLinkRow, AccountRow, Database } from '../database.ts';
import type { AccessRow, AccountRecord, AppKeyRecord, AppRecord, DeprovisionRecord, LinkRecord, MembershipRow, OrgGroupRecord } from '../org-records.ts';
import { chunks } from './chunks.ts';
import { insertMany, listArgs, listOf, type Executor, type QueryContext } from './prepared.ts';

/** Row mappers and statement helpers shared by the organization layer's query files. */
export type Selectable<T> = { [K in keyof T]: T[K] extends import('kysely').Generated<infer U> ? U : T[K] };

export function toAccount(r: Selectable<Database['accounts']>): AccountRecord {
  return {
    id: r.id,
    seq: Number(r.seq),
    status: r.status,
    external: Number(r.external) === 1,
    userName: r.user_name,
    email: r.email,
    displayName: r.display_name,
    givenName: r.given_name,
    familyName: r.family_name,
    title: r.title,
    department: r.department,
    manager: r.manager,
    locale: r.locale,
    timezone: r.timezone,
    custom: JSON.parse(r.custom),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function accountColumns(a: Partial<AccountRecord>): Partial<AccountRow> {
  const set: Partial<AccountRow> = {};
  if (a.status !== undefined) set.status = a.status;
  if (a.external !== undefined) set.external = a.external ? 1 : 0;
  if (a.userName !== undefined) set.user_name = a.userName;
  if (a.email !== undefined) {
    set.email = a.email;
    set.email_lower = a.email === null ? null : a.email.toLowerCase();
  }
  if (a.displayName !== undefined) set.display_name = a.displayName;
  if (a.givenName !== undefined) set.given_name = a.givenName;
  if (a.familyName !== undefined) set.family_name = a.familyName;
  if (a.title !== undefined) set.title = a.title;
  if (a.department !== undefined) set.department = a.department;
  if (a.manager !== undefined) set.manager = a.manager;
  if (a.locale !== undefined) set.locale = a.locale;
  if (a.timezone !== undefined) set.timezone = a.timezone;
  if (a.custom !== undefined) set.custom = JSON.stringify(a.custom);
  if (a.createdAt !== undefined) set.created_at = a.createdAt;
  if (a.updatedAt !== undefined) set.updated_at = a.updatedAt;
  return set;
}

export function toLink(r: Selectable<Database['account_links']>): LinkRecord {
  return { seq: Number(r.seq), directoryId: r.directory_id, userId: r.user_id, accountId: r.account_id, active: Number(r.active) === 1, linkedBy: r.linked_by, createdAt: r.created_at };
}

export function toGroup(r: Selectable<Database['org_groups']>): OrgGroupRecord {
  return { id: r.id, seq: Number(r.seq), name: r.name, description: r.description, syncedBy: r.synced_by, defaultKind: r.default_kind, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function toApp(r: Selectable<Database['apps']>): AppRecord {
  return { id: r.id, seq: Number(r.seq), name: r.name, kind: r.kind, seatLimit: r.seat_limit === null ? null : Number(r.seat_limit), createdAt: r.created_at, updatedAt: r.updated_at };
}

export function toAppKey(r: Database['app_keys']): AppKeyRecord {
  return { id: r.id, appId: r.app_id, keyHash: r.key_hash, prefix: r.prefix, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at };
}

export function toDeprovision(r: Selectable<Database['deprovisions']>): DeprovisionRecord {
  return { seq: Number(r.seq), id: r.id, directoryId: r.directory_id, accountId: r.account_id, userId: r.user_id, action: r.action, status: r.status, at: r.at, decidedBy: r.decided_by, decidedAt: r.decided_at };
}


/** A list naming every column of a row type (a column the list missed would go in as NULL). */
type EveryColumn<Row, List extends readonly (keyof Row)[]> = [Exclude<keyof Row, List[number]>] extends [never] ? List : { missing: Exclude<keyof Row, List[number]> };
const everyColumn = <Row>() => <const List extends readonly (keyof Row)[]>(list: List & EveryColumn<Row, List>): List => list;

/** Rows as inserted, their columns in this order (checked against the tables' row types), and the unique keys an insert of memberships or access skips on. */
export const accountCells = (a: Omit<AccountRecord, 'seq'>) => ({ id: a.id, ...accountColumns(a) });
export const linkCells = (l: Omit<LinkRecord, 'seq'>) => ({ directory_id: l.directoryId, user_id: l.userId, account_id: l.accountId, active: l.active ? 1 : 0, linked_by: l.linkedBy, created_at: l.createdAt });
export const membershipCells = (r: MembershipRow) => ({ group_id: r.groupId, account_id: r.accountId, source: r.source });
export const accessCells = (r: Omit<AccessRow, 'seq'>) => ({ app_id: r.appId, account_id: r.accountId, status: r.status, since: r.since });
export const ACCOUNT_COLUMNS = everyColumn<AccountRow>()(['id', 'status', 'external', 'user_name', 'email', 'email_lower', 'display_name', 'given_name', 'family_name', 'title', 'department', 'manager', 'locale', 'timezone', 'custom', 'created_at', 'updated_at']);
export const LINK_COLUMNS = everyColumn<AccountLinkRow>()(['directory_id', 'user_id', 'account_id', 'active', 'linked_by', 'created_at']);
export const MEMBERSHIP_COLUMNS = everyColumn<Omit<Database['org_group_members'], 'seq'>>()(['group_id', 'account_id', 'source']);
export const ACCESS_COLUMNS = everyColumn<Omit<Database['app_access'], 'seq'>>()(['app_id', 'account_id', 'status', 'since']);
export const MEMBERSHIP_KEY = ['account_id', 'group_id', 'source'] as const;
export const ACCESS_KEY = ['account_id', 'app_id'] as const;

/** Escapes LIKE wildcards so a search term matches literally. */
export const likeTerm = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type OrgHelpers = ReturnType<typeof createOrgHelpers>;

export function createOrgHelpers(ctx: QueryContext) {
  const { db, run } = ctx;
  const byChunks = async <T, R>(items: readonly T[], fn: (part: T[]) => Promise<R[]>): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks(items)) out.push(...(await fn(part)));
    return out;
  };

  /**
   * An IN-list query over `ids`, compiled once per list length (prepared.ts): these run in the
   * transaction of every SCIM write, where building a Kysely query each time cost more than running it.
   */
  const inList = async <R>(key: string, ids: readonly string[], build: (d: Executor, ids: string[], a: object) => import('kysely').Compilable<R>, extra: object = {}): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks(ids)) {
      const { rows } = await run(db, `${key}.${part.length}`, (d, a: object) => build(d, listOf<string>(a, part.length), a), { ...extra, ...listArgs(part) });
      out.push(...rows);
    }
    return out;
  };

  /**
   * Rows of one organization table (prepared.ts `insertMany`); `conflict`: skip rows already there.
   * Memberships and access go in multi-row statements from MULTI_ROW_FROM rows on SQLite too: a
   * 100-member PATCH with rules inserts 100 of each, 505 µs one at a time and 398 µs as one
   * statement (better-sqlite3, 100 membership rows, p50 of 40 rounds), and a reconcile of 100,000
   * users took 5.7–5.8 s instead of 5.9–6.7 s. A create's one or two rows stay one per statement.
   */
  const insertRows = (table: 'accounts' | 'account_links' | 'org_group_members' | 'app_access', rows: readonly Record<string, unknown>[], size: number, conflict?: readonly string[]) =>
    insertMany(ctx, `org.insert.${table}`, table, rows, size, conflict ? (q) => q.onConflict((oc) => oc.columns(conflict as never).doNothing()) : undefined, {
      multiRowFrom: table === 'org_group_members' || table === 'app_access' ? MULTI_ROW_FROM : undefined,
    });

  /**
   * PostgreSQL: the rows of one statement run over `ids` (each once, chunk by chunk), the statement
   * given the chunk as the array argument `a.ids`; it reads them as rows of `roster_ids(id)`
   * (`eachId`) and finds each id's rows by a subquery of its own (a scalar subquery, or `LATERAL …
   * OFFSET 0`, the fence that keeps the planner from flattening it back into a join over an IN
   * list). Named once by `key`: the statement is the same whatever the list.
   */
  const rowsPerId = async <R>(key: string, ids: readonly string[], statement: (a: Record<string, unknown>, d: Executor) => RawBuilder<R>, extra: Record<string, unknown> = {}): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const { rows } = await run(db, `${key}.each`, (d, a: Record<string, unknown>) => asCompilable(d, statement(a, d)), { ...extra, ids: part });
      out.push(...rows);
    }
    return out;
  };

  /**
   * The rows of each of these ids as one flat list of cells, row after row (each statement's rows
   * come as one string, see `packedRows`); `build` selects `packed(...)` as `rows` from the rows
   * `match(column)` accepts. SQLite reads them through an IN list. PostgreSQL finds each id's rows by
   * a subquery of its own, over one array parameter: with an IN list of a hundred ids it planned each
   * value (about 1 ms) and then, on tables of a few thousand rows, scanned the whole table rather
   * than probe the index a hundred times (2.9 ms against 1.3 ms in psql, 100 accounts of 3,000 with
   * 9,400 membership rows). A subquery per id has one plan whatever the list, so the statement is
   * prepared once by name (create-postgres-store.ts), and each probe uses the index.
   */
  const packedPerId = async (key: string, ids: readonly string[], width: number, build: (d: Executor, match: (column: string) => Expression<SqlBool>, a: object) => Expression<{ rows: string | null }>, extra: object = {}): Promise<string[]> => {
    // Each id once: a repeated id in another chunk would read its rows again.
    ids = ids.length > 1 ? [...new Set(ids)] : ids;
    const statements: { rows: string | null }[] = [];
    if (ctx.engine === 'sqlite') statements.push(...(await inList(key, ids, (d, list, a) => asCompilable(d, build(d, (column) => sql<SqlBool>`${sql.ref(column)} in (${sql.join(list)})`, a)), extra)));
    else statements.push(...(await rowsPerId(key, ids, (a, d) => sql<{ rows: string | null }>`select string_agg((${build(d, (column) => sql<SqlBool>`${sql.ref(column)} = roster_ids.id`, a)}), chr(31)) as rows from ${eachId(a.ids)}`, extra as Record<string, unknown>)));
    let out: string[] = [];
    for (const { rows } of statements) {
      if (rows === null) continue;
      const cells = rows.split(US);
      if (cells.length % width !== 0) throw new Error(`packed rows: ${cells.length} cells are not rows of ${width}`);
      out = out.length === 0 ? cells : out.concat(cells);
    }
    return out;
  };

  /**
   * Deletes the rows of `table` whose `column` is one of `ids` and that `more` selects, returning
   * `returning`. `more` names unqualified columns and, with `column`, a whole unique key: at most one
   * row per id. PostgreSQL finds each row's seq by its own index probe and deletes by seq, for the
   * reasons of `packedPerId` (a 100-row delete by IN list: a whole-table scan); the key is checked
   * again on the rows deleted, so a row changed by a concurrent write in between is judged as it is now.
   */
  const deletePerId = async <R>(key: string, table: 'org_group_members' | 'app_access', column: string, ids: readonly string[], more: (a: Record<string, unknown>) => RawBuilder<SqlBool>, extra: Record<string, unknown>, returning: readonly string[] = []): Promise<R[]> => {
    const out: R[] = [];
    for (const part of chunks(ids)) {
      const { rows } = ctx.engine === 'sqlite'
        ? await run(db, `${key}.${part.length}`, (d, a: Record<string, unknown>) => asCompilable(d, sql<R>`delete from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(listOf(a, part.length))}) and ${more(a)}${returningList(returning)}`), { ...extra, ...listArgs(part) })
        : await run(db, `${key}.each`, (d, a: Record<string, unknown>) => asCompilable(d, sql<R>`delete from ${sql.table(table)} where seq = any(array(select (select k.seq from ${sql.table(table)} as k where k.${sql.ref(column)} = roster_ids.id and ${more(a)}) from ${eachId(a.ids)})) and ${sql.ref(column)} = any(cast(${a.ids} as text[])) and ${more(a)}${returningList(returning)}`), { ...extra, ids: part });
      out.push(...rows);
    }
    return out;
  };

  const insertAccountRows = (accounts: readonly Omit<AccountRecord, 'seq'>[]) => insertRows('accounts', accounts.map(accountCells), 100);
  const insertLinkRows = (links: readonly Omit<LinkRecord, 'seq'>[]) => insertRows('account_links', links.map(linkCells), 250);
  /** Membership rows, each skipped when there already. */
  const insertMemberships = (rows: readonly MembershipRow[]) => insertRows('org_group_members', rows.map(membershipCells), 200, MEMBERSHIP_KEY);
  /** Access rows, each skipped when there already (two writes recomputing one account at once on PostgreSQL: the second adds nothing). */
  const insertAccessRows = (rows: readonly Omit<AccessRow, 'seq'>[]) => insertRows('app_access', rows.map(accessCells), 200, ACCESS_KEY);

  /**
   * A filter of accounts (`a`) to the members of a group, for pages of accounts in seq order. A small
   * group lists its accounts through the group's index, and each is found by id: walking accounts in
   * seq order and probing each for the membership read every account of the organization for a group
   * of ten (100,000 accounts: 20.8 ms a page, 0.1 ms this way). A big group is walked that way, where
   * most accounts it passes are members; listed, it would sort the whole group for every page.
   */
  const memberOf = async (groupId: string): Promise<(eb: ExpressionBuilder<Database & { a: Database['accounts'] }, 'a'>) => Expression<SqlBool>> => {
    const { rows } = await run(db, 'org.groupProbe', (d, a: { groupId: string }) => d.selectFrom('org_group_members').select('seq').where('group_id', '=', a.groupId).limit(SMALL_GROUP_ROWS + 1), { groupId });
    if (rows.length <= SMALL_GROUP_ROWS) return (eb) => eb('a.id', 'in', eb.selectFrom('org_group_members as m').select('m.account_id').where('m.group_id', '=', groupId));
    return (eb) => eb.exists(eb.selectFrom('org_group_members as m').select('m.seq').where('m.group_id', '=', groupId).whereRef('m.account_id', '=', 'a.id'));
  };

  return { byChunks, inList, packedPerId, rowsPerId, deletePerId, memberOf, insertAccountRows, insertLinkRows, insertMemberships, insertAccessRows, packed: (columns: readonly Expression<unknown>[]) => packedRows(ctx.engine, columns) };
}

/** A raw statement as `run` takes it: compiled against the executor it was built for. */
const asCompilable = <R>(d: Executor, e: Expression<R>): Compilable<R> => ({ compile: () => (e as RawBuilder<R>).compile(d) });
/** PostgreSQL: the ids of one array argument as rows of `roster_ids(id)`, for a subquery per id. */
export const eachId = (ids: unknown) => sql`unnest(cast(${ids} as text[])) as roster_ids(id)`;
const returningList = (columns: readonly string[]) => (columns.length === 0 ? sql`` : sql` returning ${sql.join(columns.map((c) => sql.ref(c)))}`);

/** See `insertRows`. */
const MULTI_ROW_FROM = 16;
/** See `memberOf`: up to this many membership rows, a group's accounts are listed rather than walked. */
const SMALL_GROUP_ROWS = 2000;

/** The separator of packed rows: ASCII unit separator, which no id, source or status contains. */
const US = '\u001f';

/**
 * Many short rows as one string: the columns' text joined by US, row after row, in whatever order the
 * plan reads them. A recompute reads a few hundred membership and access rows of ids per SCIM write;
 * creating a JS string per cell cost more than finding the rows (100-member PATCH with rules, SQLite,
 * CPU profile of 80 PATCHes: the membership read took 523 µs as rows and 349 µs packed). No ORDER BY:
 * a recompute compares sets, and sorting 300 membership rows by seq inside `group_concat` cost SQLite
 * as much again (164 µs sorted, 87 µs as read). Callers that show rows read them ordered elsewhere, and
 * callers whose output follows the row order sort it themselves.
 * Only for columns of ids, numbers and fixed words, never null and never holding US.
 */
function packedRows(engine: 'sqlite' | 'postgres', columns: readonly Expression<unknown>[]): RawBuilder<string | null> {
  if (engine === 'postgres') {
    const joined = sql.join(columns.map((c) => sql`cast(${c} as text)`), sql` || chr(31) || `);
    return sql<string | null>`string_agg(${joined}, chr(31))`;
  }
  // SQLite's || makes text of any value itself: a cast per cell cost 10 % of the read (300 membership rows).
  return sql<string | null>`group_concat(${sql.join(columns, sql` || char(31) || `)}, char(31))`;
}
