import { ScimError } from './scim-error.ts';

/** Where a cursor page starts: after the row with this `seq` (and, in a sorted list, this sort key). */
export interface CursorPosition {
  readonly seq: number;
  readonly key?: string | number | null;
}

const invalid = () => new ScimError(400, 'invalidCursor', 'the cursor is not one this server issued, or was issued for another sort');

/**
 * RFC 9865 cursors are opaque to the client. Roster's encode the position of the last row served
 * (keyset paging: page 1,000 costs what page 1 costs) and the sort they were issued for, so a cursor
 * replayed with another `sortBy`/`sortOrder` is refused instead of skipping rows.
 */
export function encodeCursor(position: CursorPosition, sort: string): string {
  const body = position.key === undefined ? { s: position.seq, o: sort } : { s: position.seq, k: position.key, o: sort };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof body !== 'object' || body === null) throw invalid();
  const { s, k, o } = body as Record<string, unknown>;
  if (!Number.isSafeInteger(s) || (s as number) < 0 || o !== sort) throw invalid();
  if (k === undefined) return { seq: s as number };
  if (k !== null && typeof k !== 'string' && typeof k !== 'number') throw invalid();
  return { seq: s as number, key: k };
}
