import { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { createQueries } from '../kysely/create-queries.ts';
import { migrateToLatest } from '../migrations/index.ts';
import type { Store } from '../store.ts';
import { openSqlite, SCIM_LOWER, type SqliteOptions } from './open-sqlite.ts';
import { createSqliteDialect } from './sqlite-driver.ts';
import { createSqliteJsonHooks } from './sqlite-json-hooks.ts';

/** Unicode-aware lowercasing for caseExact-false comparisons (see open-sqlite.ts). */
const hooks = createSqliteJsonHooks({ lowerFunction: SCIM_LOWER });
import { translateSqliteError } from './translate-sqlite-error.ts';

/** The embedded default store: one SQLite file in WAL mode, one connection per process. */
export function createSqliteStore(file: string, options: SqliteOptions): Store {
  const raw = openSqlite(file, options);
  const db = new Kysely<Database>({ dialect: createSqliteDialect(raw) });
  const pooled = createQueries(db, hooks);

  const rethrow = (error: unknown): never => {
    throw translateSqliteError(error);
  };

  return {
    engine: 'sqlite',
    read: (fn) => fn(pooled).catch(rethrow),
    write: (fn) =>
      db
        .transaction()
        .execute((trx) => fn(createQueries(trx, hooks)))
        .catch(rethrow),
    migrate: () => migrateToLatest(db, 'sqlite'),
    async ping() {
      raw.prepare('select 1').get();
    },
    // SQLite's online backup API copies pages while writers continue; the copy is one consistent state.
    backup: async (destination) => {
      await raw.backup(destination);
    },
    close: () => db.destroy(),
  };
}
