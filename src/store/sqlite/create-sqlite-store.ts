import { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { createQueries } from '../kysely/create-queries.ts';
import { createStatementCache } from '../kysely/prepared.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { WriteConflictError } from '../store-errors.ts';
import type { Store } from '../store.ts';

const MAX_ATTEMPTS = 8;
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
  const statements = createStatementCache();
  const pooled = createQueries(db, hooks, { statements });

  const rethrow = (error: unknown): never => {
    throw translateSqliteError(error);
  };

  return {
    engine: 'sqlite',
    read: (fn) => fn(pooled).catch(rethrow),
    async write(fn) {
      // SQLite has one writer at a time (`begin immediate`), so a row read in the transaction cannot
      // change before its conditional write; a conflict would come from another process on the file.
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute((trx) => fn(createQueries(trx, hooks, { statements })));
        } catch (error) {
          if (attempt < MAX_ATTEMPTS && error instanceof WriteConflictError) continue;
          return rethrow(error);
        }
      }
    },
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
