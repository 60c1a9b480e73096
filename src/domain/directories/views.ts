import type { DirectoryRecord, TokenRecord } from '../../store/records.ts';
import type { TokenData } from '../events/domain-event.ts';

/** A directory as the admin API and the CLI show it. */
export type DirectoryView = DirectoryRecord;

/** A token as the admin API and the CLI show it: never its hash. */
export type TokenView = Omit<TokenRecord, 'tokenHash'> & { readonly state: 'active' | 'expiring' | 'expired' | 'revoked' };

/** A token shown once, with the view stored for it. */
export interface IssuedToken {
  readonly token: string;
  readonly view: TokenView;
}

/** Whether a token has expired at `now`, comparing instants (not text: `+010000-…` sorts before `2026-…`). */
export function hasExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

export function toTokenView(t: TokenRecord, now: Date): TokenView {
  const state = t.revokedAt ? 'revoked' : hasExpired(t.expiresAt, now) ? 'expired' : t.expiresAt ? 'expiring' : 'active';
  const { tokenHash: _hash, ...rest } = t;
  return { ...rest, state };
}

/** What an event may say of a token: never the token or its hash. */
export function tokenData(t: TokenRecord): TokenData {
  return { id: t.id, directoryId: t.directoryId, prefix: t.prefix, label: t.label, expiresAt: t.expiresAt };
}
