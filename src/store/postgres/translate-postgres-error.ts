import { StoreUnavailableError, UniqueViolationError } from '../store-errors.ts';

/** SQLSTATEs after which the whole transaction may simply be run again (PostgreSQL docs, Appendix A). */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Node's socket errors and PostgreSQL's "server going away" classes: the database is unavailable. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);

export function isRetryable(error: unknown): boolean {
  return RETRYABLE_SQLSTATES.has((error as { code?: string } | null)?.code ?? '');
}

/** Maps `pg` errors to store errors; anything else is returned as is. */
export function translatePostgresError(error: unknown): unknown {
  const e = error as { code?: string; table?: string; constraint?: string; detail?: string; message?: string } | null;
  const code = e?.code ?? '';
  if (code === '23505') {
    // detail: Key (directory_id, user_name_lower)=(…) already exists.
    const columns = /Key \(([^)]*)\)/.exec(e?.detail ?? '')?.[1]?.split(', ') ?? [e?.constraint ?? 'unknown'];
    return new UniqueViolationError(e?.table ?? 'unknown', columns, { cause: error });
  }
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e?.message ?? '')) {
    return new StoreUnavailableError('the database is unavailable', { cause: error });
  }
  return error;
}
