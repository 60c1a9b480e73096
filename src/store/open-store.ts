import type { RosterConfig } from '../config/load-config.ts';
import { createPostgresStore } from './postgres/create-postgres-store.ts';
import { createSqliteStore } from './sqlite/create-sqlite-store.ts';
import type { Store } from './store.ts';

/** The store the configuration names: SQLite in the data directory unless DATABASE_URL is set. */
export function openStore(config: RosterConfig, onPoolError?: (error: Error) => void): Store {
  if (config.databaseUrl) {
    return createPostgresStore({ connectionString: config.databaseUrl, ...config.postgres, onPoolError });
  }
  return createSqliteStore(config.databasePath, { synchronous: config.sqliteSynchronous });
}
