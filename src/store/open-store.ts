import type { RosterConfig } from '../config/load-config.ts';
import { createPostgresStore } from './postgres/create-postgres-store.ts';
import { createSqliteStore } from './sqlite/create-sqlite-store.ts';
import type { Store } from './store.ts';

/** The store the configuration names: SQLite in the data directory unless DATABASE_URL is set. */
/** What the store reports to whoever logs. */
export interface StoreEvents {
  readonly onPoolError?: (error: Error) => void;
  readonly onNoIcu?: () => void;
}

export function openStore(config: RosterConfig, events: StoreEvents = {}): Store {
  if (config.databaseUrl) {
    return createPostgresStore({ connectionString: config.databaseUrl, ...config.postgres, ...events });
  }
  return createSqliteStore(config.databasePath, { synchronous: config.sqliteSynchronous });
}
