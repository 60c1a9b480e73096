import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from '../database.ts';

export type Executor = Kysely<Database> | Transaction<Database>;

/** A parameter slot: the value of a named argument, or a constant compiled into the query. */
type Slot = { readonly name: string } | { readonly value: unknown };

const MARK = '\u0000roster-arg:';

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

  /**
   * Runs the query `build` makes, compiled on first use under `key`. `build` receives stand-ins for
   * `args` and must have a fixed shape: no IN lists of varying length, no branches on the arguments.
   */
  return async function run<A extends object, R>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<R>, args: A, direct?: DirectRun): Promise<QueryResult<R>> {
    let entry = compiled.get(key);
    if (entry === undefined) {
      const query = build(db, placeholders as A).compile();
      const slots = query.parameters.map((p): Slot => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { value: p }));
      entry = { query, slots };
      compiled.set(key, entry);
      options.onCompile?.(query.sql, key);
    }
    const values = args as Record<string, unknown>;
    const parameters = entry.slots.map((s) => ('name' in s ? (values[s.name] ?? null) : s.value));
    const query = { ...entry.query, parameters } as CompiledQuery<R>;
    return direct?.(query) ?? db.executeQuery<R>(query);
  };
}

export type StatementCache = ReturnType<typeof createStatementCache>;

/** Runs a statement compiled once, on the executor given (see createStatementCache). */
export type RunStatement = <A extends object, R>(db: Executor, key: string, build: (db: Executor, args: A) => Compilable<R>, args: A) => Promise<QueryResult<R>>;

/** What every table's query factory receives. */
export interface QueryContext {
  readonly db: Executor;
  readonly run: RunStatement;
  /**
   * Lock rows read for an update (`for update`). PostgreSQL needs it so writers on several nodes
   * queue on the row; SQLite's `begin immediate` already serialises writers.
   */
  readonly lockRows: boolean;
}

/**
 * A list of values as named arguments (`{ v0: …, v1: … }`), so a query with an IN list of n values
 * is compiled once per n: member deltas and pages name the same number of ids again and again.
 */
export function listArgs(values: readonly unknown[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i++) args[`v${i}`] = values[i];
  return args;
}

/** The stand-ins of `listArgs` inside a builder. */
export function listOf<T>(args: object, n: number): T[] {
  return Array.from({ length: n }, (_, i) => (args as Record<string, T>)[`v${i}`]!);
}
