import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * A Kysely dialect for one better-sqlite3 database, differing from Kysely's own in two ways that
 * Roster needs:
 *  - transactions open with `begin immediate`: the write lock is taken up front, so a second process
 *    on the same file (the CLI beside a running server) waits on busy_timeout instead of failing a
 *    lock upgrade with SQLITE_BUSY halfway through;
 *  - prepared statements are cached by SQL text; preparing is a large share of a point query's cost.
 */
export function createSqliteDialect(db: BetterSqlite3.Database): Dialect & { readonly driver: CachingSqliteDriver } {
  const driver = new CachingSqliteDriver(db);
  return {
    driver,
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (kysely: Kysely<any>) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

const STATEMENT_CACHE_SIZE = 512;

class CachingSqliteConnection implements DatabaseConnection {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  #prepare(text: string): BetterSqlite3.Statement {
    let stmt = this.#statements.get(text);
    if (stmt === undefined) {
      stmt = this.#db.prepare(text);
      // Filters with IN lists of varying length make distinct texts; keep the cache bounded.
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(text, stmt);
    }
    return stmt;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.run<R>(query);
  }

  /** Runs a compiled query at once, synchronously (better-sqlite3 is synchronous). */
  run<R>(query: CompiledQuery): QueryResult<R> {
    const stmt = this.#prepare(query.sql);
    const params = query.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // Streaming would hold the only connection for as long as a slow client reads; Roster pages
    // through large results with keyset queries instead.
    throw new Error('streamQuery is not supported; page with keyset queries');
  }
}

export class CachingSqliteDriver implements Driver {
  readonly #connection: CachingSqliteConnection;
  readonly #db: BetterSqlite3.Database;
  #locked: Promise<void> | undefined;
  #unlock: (() => void) | undefined;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#connection = new CachingSqliteConnection(db);
  }

  async init(): Promise<void> {}

  /**
   * Runs a compiled query directly on the connection when nobody holds it, skipping Kysely's
   * executor (a connection lease, several promises and objects per query: a tenth of a point read's
   * CPU, and garbage); undefined when the connection is held (a write batch is open: a read must not
   * see its uncommitted rows) and the caller goes through Kysely, which waits for it.
   */
  runIfFree<R>(query: CompiledQuery): QueryResult<R> | undefined {
    return this.#locked ? undefined : this.#connection.run<R>(query);
  }

  /** Runs a compiled query on the connection its current holder already leased. */
  runHeld<R>(query: CompiledQuery): QueryResult<R> {
    return this.#connection.run<R>(query);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection, shared: wait until whoever holds it releases it.
    while (this.#locked) await this.#locked;
    this.#locked = new Promise((resolve) => (this.#unlock = resolve));
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed statement may already have ended the transaction; rolling back twice is an error.
    if (this.#db.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.#unlock;
    this.#locked = undefined;
    this.#unlock = undefined;
    unlock?.();
  }

  async destroy(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
