import type { RosterConfig } from '../config/load-config.ts';
import { createSqliteStore } from './sqlite/create-sqlite-store.ts';
import type { Store } from './store.ts';

/** The store the configuration names: SQLite in the data directory unless DATABASE_URL is set. */
export function openStore(config: RosterConfig): Store {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL (PostgreSQL) is not supported yet; unset it to use the embedded SQLite database');
  }
  return createSqliteStore(config.databasePath, { synchronous: config.sqliteSynchronous });
}
