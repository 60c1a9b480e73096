import { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { createQueries } from '../kysely/create-queries.ts';
import { createStatementCache } from '../kysely/prepared.ts';
import { migrateToLatest } from '../migrations/index.ts';
import type { Store } from '../store.ts';
import { createGroupCommit } from './group-commit.ts';
import { BUSY_TIMEOUT_MS, openSqlite, SCIM_LOWER, type SqliteOptions } from './open-sqlite.ts';
import { createSqliteDialect } from './sqlite-driver.ts';
import { createSqliteJsonHooks } from './sqlite-json-hooks.ts';

import { translateSqliteError } from './translate-sqlite-error.ts';

/** Unicode-aware lowercasing for caseExact-false comparisons (see open-sqlite.ts). */
const hooks = createSqliteJsonHooks({ lowerFunction: SCIM_LOWER });

/** The embedded default store: one SQLite file in WAL mode, one connection per process. */
export function createSqliteStore(file: string, options: SqliteOptions): Store {
  const raw = openSqlite(file, options);
  const dialect = createSqliteDialect(raw);
  const db = new Kysely<Database>({ dialect });
  const statements = createStatementCache();
  const { driver } = dialect;
  // Reads run at once when the connection is free, else wait for the write batch that holds it.
  const pooled = createQueries(db, hooks, { engine: 'sqlite', statements, direct: (query) => driver.runIfFree(query) });
  // BEGIN IMMEDIATE without SQLite's busy wait: when another connection writes, the batch retries
  // from the event loop instead of sleeping in it (group-commit.ts).
  const noWait = raw.prepare('pragma busy_timeout = 0');
  const wait = raw.prepare(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const begin = raw.prepare('begin immediate');
  const tryBegin = async () => {
    noWait.get();
    try {
      begin.run();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      wait.get();
    }
  };
  // Inside a batch the connection is held by the batch itself.
  const groupCommit = createGroupCommit(db, (conn) => createQueries(conn, hooks, { engine: 'sqlite', statements, deferEvents: true, direct: (query) => driver.runHeld(query) }), { tryBegin, busyTimeoutMs: BUSY_TIMEOUT_MS });

  // A checkpoint copies the log into the database file and syncs it: ~90 ms for 10,000 pages here
  // (measured), which the connection that reaches wal_autocheckpoint pays inside a COMMIT, stopping
  // its event loop, every SCIM request with it. The delivery worker's thread, which has a connection
  // of its own and little to do, takes that work when it asks (open-store.ts, `checkpointer`).
  const checkpoint = options.checkpointEveryMs ? raw.prepare('pragma wal_checkpoint(PASSIVE)') : undefined;
  let lastReported = 0;
  const checkpointer = checkpoint
    ? setInterval(() => {
        try {
          checkpoint.get();
        } catch (error) {
          // Inside this connection's own transaction (SQLITE_LOCKED) or busy: the next tick tries
          // again. Anything else is reported, at most once a minute; the writers' autocheckpoint remains.
          const code = (error as { code?: string }).code;
          if (code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY' || Date.now() - lastReported < 60_000) return;
          lastReported = Date.now();
          options.onCheckpointError?.(error as Error);
        }
      }, options.checkpointEveryMs).unref()
    : undefined;

  const rethrow = (error: unknown): never => {
    throw translateSqliteError(error);
  };

  return {
    engine: 'sqlite',
    read: (fn) => fn(pooled).catch(rethrow),
    // One writer at a time (`begin immediate`), writes queued meanwhile committed together
    // (group-commit.ts); a row read in a write cannot change before its conditional update.
    write: (fn) => groupCommit(fn).catch(rethrow),
    migrate: () => migrateToLatest(db, 'sqlite'),
    async ping() {
      raw.prepare('select 1').get();
    },
    // SQLite's online backup API copies pages while writers continue; the copy is one consistent state.
    backup: async (destination) => {
      await raw.backup(destination);
    },
    close: () => {
      clearInterval(checkpointer);
      return db.destroy();
    },
  };
}
