import { DomainError } from '../domain-error.ts';

/**
 * Feed cursors are opaque to consumers: a versioned feed position, base64url-encoded, so the
 * encoding can change without breaking the cursors consumers keep.
 */
export function encodeFeedCursor(position: number): string {
  return Buffer.from(`f1.${position}`).toString('base64url');
}

export function decodeFeedCursor(cursor: string): number {
  const match = /^f1\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (cursor.length > 40 || !match) throw new DomainError('event.cursor_invalid', 'after: not a cursor this feed issued');
  return Number(match[1]);
}
