import type { Compilable, CompiledQuery, InsertQueryBuilder, InsertResult, Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from '../database.ts';

export type Executor = Kysely<Database> | Transaction<Database>;

/** A parameter slot: the value of a named argument, an element of the argument list (`listArgs`), or a constant compiled into the query. */
type Slot = { readonly name: string } | { readonly index: number } | { readonly value: unknown };

const MARK = '\u0000roster-arg:';
/** The argument holding `listArgs`' values; its elements' stand-ins are `${MARK}${LIST}${i}`. */
const LIST = '$list';

/**
 * Stands for every argument while a query is built once; Kysely binds it as an ordinary parameter.
 * It has no keys of its own: builders name each argument (`values({ id: a.id, … })`, never `values(a)`).
 */
const placeholders = new Proxy({}, { get: (_target, name) => `${MARK}${String(name)}` });

/**
 * Queries compiled once per store instead of on every call. Building and compiling a Kysely query was
 * about 13 % of a point read's CPU (profile of the get phase); the SQL of a fixed-shape query never
 * changes, only its parameters. One cache per store: each engine compiles its own SQL.
 */
/**
 * Runs a compiled statement without Kysely's executor, where the engine can (SQLite's one
 * synchronous connection); undefined sends it through Kysely.
 */
export type DirectRun = <R>(query: CompiledQuery<R>) => QueryResult<R> | undefined;

export function createStatementCache(options: { onCompile?: (sql: string, key: string) => void } = {}) {
  const compiled = new Map<string, { query: CompiledQuery; slots: Slot[] }>();

  const entryOf = <A extends object, R>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<R>) => {
    let entry = compiled.get(key);
    if (entry === undefined) {
      const query = build(db, placeholders as A).compile();
      const slots = query.parameters.map((p): Slot => {
        if (typeof p !== 'string' || !p.startsWith(MARK)) return { value: p };
        const name = p.slice(MARK.length);
        return name.startsWith(LIST) ? { index: Number(name.slice(LIST.length)) } : { name };
      });
      entry = { query, slots };
      compiled.set(key, entry);
      options.onCompile?.(query.sql, key);
    }
    return entry;
  };
  const bind = <R>(entry: { query: CompiledQuery; slots: Slot[] }, args: object): CompiledQuery<R> => {
    const values = args as Record<string, unknown>;
    const list = values[LIST] as readonly unknown[] | undefined;
    const parameters = entry.slots.map((s) => ('index' in s ? (list![s.index] ?? null) : 'name' in s ? (values[s.name] ?? null) : s.value));
    return { ...entry.query, parameters } as CompiledQuery<R>;
  };

  /**
   * Runs the query `build` makes, compiled on first use under `key`. `build` receives stand-ins for
   * `args` and must have a fixed shape: no IN lists of varying length, no branches on the arguments.
   */
  async function run<A extends object, R>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<R>, args: A, direct?: DirectRun): Promise<QueryResult<R>> {
    const query = bind<R>(entryOf(db, key, build), args);
    return direct?.(query) ?? db.executeQuery<R>(query);
  }

  /**
   * Runs one statement once per argument set, in order. Where the engine runs statements directly
   * (SQLite), the loop does not wait between rows: a 100-member delta's hundred one-row inserts
   * each paid a promise, an await and a closure.
   */
  async function each<A extends object>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<unknown>, argsList: readonly A[], direct?: DirectRun): Promise<void> {
    const entry = entryOf(db, key, build);
    for (const args of argsList) {
      const query = bind(entry, args);
      if (direct?.(query) === undefined) await db.executeQuery(query);
    }
  }

  return Object.assign(run, { each });
}

export type StatementCache = ReturnType<typeof createStatementCache>;

/** Runs a statement compiled once, on the executor given (see createStatementCache). */
export type RunStatement = <A extends object, R>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<R>, args: A) => Promise<QueryResult<R>>;

/** Runs a statement compiled once for each argument set, in order (see createStatementCache `each`). */
export type RunEach = <A extends object>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<unknown>, argsList: readonly A[]) => Promise<void>;

/** What every table's query factory receives. */
export interface QueryContext {
  readonly db: Executor;
  readonly run: RunStatement;
  readonly runEach: RunEach;
  /** Which engine runs the SQL, for the few expressions that differ (org-helpers.ts `packedRows`). */
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Lock rows read for an update (`for update`). PostgreSQL needs it so writers on several nodes
   * queue on the row; SQLite's `begin immediate` already serialises writers.
   */
  readonly lockRows: boolean;
  /**
   * Insert many rows per statement. PostgreSQL: yes, each statement is a round trip. SQLite: no, a
   * prepared one-row insert run once per row is twice as fast as a multi-row VALUES list (100,000
   * link rows: 1.5 s against 3.0–4.0 s in 100- or 500-row statements, measured with better-sqlite3).
   */
  readonly multiRowInserts: boolean;
  /**
   * Give an event its feed position as it is inserted. SQLite: yes, its one writer makes insert order
   * commit order. PostgreSQL: no, its sequencer positions events after commit (feed-queries.ts).
   */
  readonly positionsAtInsert: boolean;
  /** These queries belong to one write: appended events wait for `events.flush()` (store.ts EventQueries). */
  readonly deferEvents: boolean;
}

/**
 * A list of values as one argument, so a query with an IN list of n values is compiled once per n:
 * member deltas and pages name the same number of ids again and again. One array, not a named
 * argument per value: building and spreading an object of a hundred keys cost more than the delete it
 * fed (100-member PATCH profile).
 */
export function listArgs(values: readonly unknown[]): { readonly [LIST]: readonly unknown[] } {
  return { [LIST]: values };
}

/** The stand-ins of `listArgs`' first n values inside a builder (compiled once, prepared.ts createStatementCache). */
export function listOf<T>(args: object, n: number): T[] {
  if (args !== placeholders) throw new Error('listOf: only inside a builder compiled by the statement cache');
  return Array.from({ length: n }, (_, i) => `${MARK}${LIST}${i}` as T);
}

/** Rows as one flat list of cells (row i, column j at i × columns + j): what `rowArgs` binds. */
export function rowCells(rows: readonly Record<string, unknown>[], columns: readonly string[]): unknown[] {
  const cells: unknown[] = new Array(rows.length * columns.length);
  let k = 0;
  for (const row of rows) for (const c of columns) cells[k++] = row[c];
  return cells;
}

/**
 * Rows as the argument list, for a multi-row insert compiled once per row count: naming every cell
 * (`${column}${i}`) cost more than the insert itself when a reconcile writes 100,000 accounts.
 */
export function rowArgs(rows: readonly Record<string, unknown>[], columns: readonly string[]): { readonly [LIST]: readonly unknown[] } {
  return listArgs(rowCells(rows, columns));
}

/** The stand-ins of `rowArgs` inside a builder: n rows of these columns, from cell `from` of the list on. */
export function rowsOf(args: object, n: number, columns: readonly string[], from = 0): Record<string, unknown>[] {
  const cells = listOf<unknown>(args, from + n * columns.length);
  return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c, j) => [c, cells[from + i * columns.length + j]])));
}

/**
 * Inserts rows (all with the same columns) with statements compiled once per row count: `size` rows
 * per statement where the engine gains by it (`multiRowInserts`), else one row per statement.
 * `finish` adds what follows the VALUES list (an ON CONFLICT clause). `multiRowFrom`: a batch of at
 * least this many rows goes in multi-row statements on either engine (see org-helpers.ts `insertRows`).
 */
export async function insertMany<R extends Record<string, unknown>>(
  { db, run, runEach, multiRowInserts }: QueryContext,
  key: string,
  table: keyof Database,
  rows: readonly R[],
  size: number,
  finish?: (q: InsertQueryBuilder<Database, keyof Database, InsertResult>) => Compilable<unknown>,
  options: { readonly multiRowFrom?: number } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const multiRow = multiRowInserts || rows.length >= (options.multiRowFrom ?? Infinity);
  const columns = Object.keys(rows[0]!);
  const build = (n: number) => (d: Executor, a: object) => {
    const q = d.insertInto(table).values(rowsOf(a, n, columns) as never);
    return finish ? finish(q) : q;
  };
  if (!multiRow) {
    await runEach(db, `${key}.1`, build(1), rows.map((row) => rowArgs([row], columns)));
    return;
  }
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    await run(db, `${key}.${part.length}`, build(part.length), rowArgs(part, columns));
  }
}
