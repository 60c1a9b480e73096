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

/**
 * A conditional write found the row changed since it was read (another node won the race). Thrown
 * inside `Store.write`; the store rolls the transaction back and runs it again from the start, in the
 * same loop that retries PostgreSQL serialization failures (one retry loop, not two nested ones).
 */
export class WriteConflictError extends Error {
  constructor() {
    super('the row changed between read and conditional write');
    this.name = 'WriteConflictError';
  }
}
