import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SqliteOptions {
  /** `normal` survives a process crash (kill -9) in WAL mode; `full` also survives power loss. */
  readonly synchronous: 'normal' | 'full';
}

/**
 * SQLite's own lower() folds ASCII only; SCIM's caseExact-false comparisons must fold "Ö" like the
 * filter value, which is lowercased in JavaScript.
 */
export const SCIM_LOWER = 'scim_lower';

/** Opens (creating if needed) the database file with the pragmas Roster relies on. */
export function openSqlite(file: string, options: SqliteOptions): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  // The CLI and the server may write the same file; wait for the other's transaction to finish.
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.function(SCIM_LOWER, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  return db;
}
