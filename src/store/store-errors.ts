/**
 * Errors the store raises in terms the domain understands, whatever the engine. Each engine folder
 * translates its driver's errors into these.
 */
export class UniqueViolationError extends Error {
  constructor(
    /** The table whose unique index refused the write. */
    readonly table: string,
    /** The indexed columns, as the engine names them. */
    readonly columns: string[],
    options?: { cause?: unknown },
  ) {
    super(`unique constraint on ${table}(${columns.join(', ')})`, options);
    this.name = 'UniqueViolationError';
  }
}

/** The database is unreachable or overloaded; the request may be retried. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
