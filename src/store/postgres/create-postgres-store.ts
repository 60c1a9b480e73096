import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.ts';
import { createQueries } from '../kysely/create-queries.ts';
import { createStatementCache } from '../kysely/prepared.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { WriteConflictError } from '../store-errors.ts';
import type { Store } from '../store.ts';
import { postgresJsonHooks, postgresJsonHooksWithoutIcu } from './postgres-json-hooks.ts';
import { isRetryable, translatePostgresError } from './translate-postgres-error.ts';

export interface PostgresOptions {
  readonly connectionString: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs?: number;
  /** Called once if the server has no ICU, so case-insensitive filters use the database's lower(). */
  readonly onNoIcu?: () => void;
  /** Called when an idle pooled connection fails (the server restarted); the pool replaces it. */
  readonly onPoolError?: (error: Error) => void;
}

// Counts come back as int8; Roster's counts and seqs fit a double by far.
const INT8 = 20;
// `json` columns stay text: the resource is handed on exactly as stored.
const JSON_OID = 114;
export const postgresTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === JSON_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Runs the statements in `named` as named prepared statements on this client. Kysely calls
 * `client.query(text, values)`; the name is added here, below it.
 */
function useNamedStatements(client: pg.ClientBase, named: ReadonlyMap<string, string>): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const [config, values, callback] = args;
    const name = typeof config === 'string' ? named.get(config) : undefined;
    if (name === undefined) return query(...args);
    return callback === undefined ? query({ name, text: config, values }) : query({ name, text: config, values }, callback);
  };
}

/** How many times a transaction that hit a serialization failure, deadlock or write conflict is run. */
const MAX_ATTEMPTS = 8;

/**
 * The store for several Roster nodes on one PostgreSQL database. Sslmode and the rest come from
 * the connection string (`?sslmode=require`); the pool size and statement timeout from config.
 */
export function createPostgresStore(options: PostgresOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types: postgresTypes,
    // Awaited by the pool before it hands a new client out, so the client's first query never
    // queues behind this one (pg deprecates a query issued while another runs).
    onConnect: async (client) => {
      // A client checked out of the pool (inside a transaction, say) also emits 'error' when the server
      // goes away; unheard, that event would crash the process. The query in flight fails on its own,
      // and the pool drops the dead client when it is released.
      client.on('error', (error) => options.onPoolError?.(error));
      useNamedStatements(client, named);
      // No JIT: Roster's statements are short, and a recursive query's row estimate (the closure of
      // nested groups, millions of rows guessed for a few hundred) passed JIT's cost threshold and
      // spent ~225 ms compiling a query that runs in under 1 ms: a 100-member PATCH went from 25 to
      // 170 ms once a group's rows had churned a little. A SET on each new connection, not a startup
      // option, which would replace the operator's PGOPTIONS or be replaced by the URL's. A server
      // without the setting (before PostgreSQL 11) refuses it (42704), and nothing is lost; any other
      // failure fails the connection, which the pool then drops instead of handing it out.
      await client.query('set jit = off').catch((error: { code?: string }) => {
        if (error?.code !== '42704') throw error;
      });
    },
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Rows read for an update are locked (`select … for update`), so concurrent writers on two nodes
  // queue on the row instead of losing a race and retrying.
  // Statements Roster compiles once are also prepared once per connection, by name: PostgreSQL then
  // parses them once and, after a few runs, plans them once. Planning the user-with-groups join took
  // 1.6 ms on every get (0.2 ms to run it), measured with EXPLAIN ANALYZE.
  const named = new Map<string, string>();
  // Not the statements with IN lists (their keys end in the list's length): PostgreSQL switches a named
  // statement to a generic plan after five runs, planned without the values, and for
  // `group_id = $1 and member_id in (…)` that plan scanned the whole group (a 100-member removal at
  // 100,000 members took 244 ms p50 instead of 19, measured); forcing custom plans everywhere instead
  // gave the planning cost back to every get. A list of one (key `.1`) is named: its generic plan is
  // the point probe of `= $1`, and one user's deactivation ran six such reads, planned each time
  // (16 in flight: 394–397 deactivations/s unnamed, 432–461/s named).
  const statements = createStatementCache({ onCompile: (sql, key) => (!/\.\d+$/.test(key) || /\.1$/.test(key)) && named.set(sql, `roster_${named.size + 1}`) });
  let hooks = postgresJsonHooks;
  let pooled = createQueries(db, hooks, { engine: 'postgres', statements });
  /** Every start migrates first; that is when Roster learns whether the server has ICU. */
  async function detectIcu(): Promise<void> {
    const { rows } = await pool.query("select 1 from pg_collation where collname = 'und-x-icu'");
    if (rows.length > 0) return;
    hooks = postgresJsonHooksWithoutIcu;
    pooled = createQueries(db, hooks, { engine: 'postgres', statements });
    options.onNoIcu?.();
  }

  const rethrow = (error: unknown): never => {
    throw translatePostgresError(error);
  };

  return {
    engine: 'postgres',
    read: (fn) => fn(pooled).catch(rethrow),
    async write(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            const q = createQueries(trx, hooks, { engine: 'postgres', deferEvents: true, statements });
            const value = await fn(q);
            await q.events.flush();
            return value;
          });
        } catch (error) {
          if (attempt < MAX_ATTEMPTS && (isRetryable(error) || error instanceof WriteConflictError)) continue;
          rethrow(error);
        }
      }
    },
    async migrate() {
      try {
        const applied = await migrateToLatest(db, 'postgres');
        await detectIcu();
        return applied;
      } catch (error) {
        return rethrow(error);
      }
    },
    async ping() {
      await pool.query('select 1').catch(rethrow);
    },
    poolState: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async backup() {
      throw new Error('back up PostgreSQL with pg_dump (see docs/operations.md)');
    },
    close: () => db.destroy(),
  };
}
