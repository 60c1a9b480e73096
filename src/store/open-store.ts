import type { RosterConfig } from '../config/load-config.ts';
import { createSqliteStore } from './sqlite/create-sqlite-store.ts';
import type { Store } from './store.ts';

/** What the store reports to whoever logs. */
export interface StoreEvents {
  readonly onPoolError?: (error: Error) => void;
  readonly onNoIcu?: () => void;
  /** SQLite: this store's connection checkpoints the log in the background (the delivery worker's thread). */
  readonly checkpointer?: boolean;
  /** SQLite: a background checkpoint failed (disk full, I/O error), at most once a minute. */
  readonly onCheckpointError?: (error: Error) => void;
}

/** How often a checkpointing connection checkpoints: the log stays a few thousand pages at most. */
const CHECKPOINT_EVERY_MS = 250;

/** The store the configuration names: SQLite in the data directory unless DATABASE_URL is set. */
export async function openStore(config: RosterConfig, events: StoreEvents = {}): Promise<Store> {
  if (config.databaseUrl) {
    // Loaded only for PostgreSQL: an embedded SQLite process does not carry the pg driver.
    const { createPostgresStore } = await import('./postgres/create-postgres-store.ts');
    return createPostgresStore({ connectionString: config.databaseUrl, ...config.postgres, ...events });
  }
  return createSqliteStore(config.databasePath, {
    synchronous: config.sqliteSynchronous,
    walAutocheckpointPages: config.sqliteWalAutocheckpointPages,
    ...(events.checkpointer ? { checkpointEveryMs: CHECKPOINT_EVERY_MS, onCheckpointError: events.onCheckpointError } : {}),
  });
}
