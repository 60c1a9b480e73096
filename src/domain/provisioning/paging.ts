import { scimErrors, ScimError } from '../../scim/scim-error.ts';

/**
 * RFC 9865 cursors are opaque to the client. Roster's encode the `seq` of the last row served, so
 * the next page is a keyset query that costs the same on page 1,000 as on page 1.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s:(\d{1,15})$/.exec(text);
  if (!match) throw new ScimError(400, 'invalidCursor', 'the cursor is not one this server issued');
  return Number(match[1]);
}

export interface PageRequest {
  readonly startIndex: number;
  readonly count: number;
  /** '' asks for the first page of a cursor walk (RFC 9865 §3). */
  readonly cursor?: string;
  readonly sortBy?: string;
  readonly descending: boolean;
}

export function checkCursorUse(page: PageRequest): void {
  if (page.cursor !== undefined && page.sortBy !== undefined) {
    throw scimErrors.invalidValue('cursor paging follows the server order; it cannot be combined with sortBy');
  }
}
