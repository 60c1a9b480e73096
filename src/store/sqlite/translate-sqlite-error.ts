import { StoreUnavailableError, UniqueViolationError } from '../store-errors.ts';

/** Maps better-sqlite3 errors to store errors; anything else is returned as is. */
export function translateSqliteError(error: unknown): unknown {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: users.directory_id, users.user_name_lower"
    const spec = String((error as Error).message).split(': ')[1] ?? '';
    const parts = spec.split(', ').map((p) => p.split('.'));
    return new UniqueViolationError(parts[0]?.[0] ?? 'unknown', parts.map((p) => p[1] ?? p[0]), { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreUnavailableError('the database is busy', { cause: error });
  }
  return error;
}
