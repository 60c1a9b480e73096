import type { DirectoryRecord, Store } from '../../store/store.ts';
import type { AuthCache } from './auth-cache.ts';
import { hashesEqual, hashSecret } from './secrets.ts';
import { hasExpired } from './views.ts';

/** A token this close to its expiry is announced on every use, so the admin rotates it in time. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

export type Authentication =
  | {
      readonly ok: true;
      readonly directory: DirectoryRecord;
      readonly tokenId: string;
      /** Set when the token expires within EXPIRY_WARNING_MS: time to rotate it. */
      readonly expiresAt?: string;
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' };

export interface ScimAuthenticatorDeps {
  readonly store: Store;
  readonly authCache: AuthCache;
  readonly now?: () => Date;
  /** `last_used_at` is written at most this often per token, so authentication stays read-only. */
  readonly lastUsedResolutionMs?: number;
}

/** Resolves a presented bearer token to its directory. Reads only, except a throttled last use. */
export function createScimAuthenticator(deps: ScimAuthenticatorDeps) {
  const now = deps.now ?? (() => new Date());
  const lastUsedResolutionMs = deps.lastUsedResolutionMs ?? 60_000;
  const lastUsedWritten = new Map<string, number>();

  return async function authenticate(presented: string): Promise<Authentication> {
    const hash = hashSecret(presented);
    const found = await deps.authCache.lookUp(hash);
    if (!found || !hashesEqual(found.token.tokenHash, hash)) return { ok: false, reason: 'unknown' };
    const { token, directory } = found;
    if (token.revokedAt) return { ok: false, reason: 'revoked' };
    const at = now();
    if (hasExpired(token.expiresAt, at)) return { ok: false, reason: 'expired' };
    const last = lastUsedWritten.get(token.id) ?? 0;
    if (at.getTime() - last >= lastUsedResolutionMs) {
      lastUsedWritten.set(token.id, at.getTime());
      await deps.store.write((q) => q.tokens.update(token.id, { lastUsedAt: at.toISOString() }));
    }
    const expiresSoon = token.expiresAt !== null && Date.parse(token.expiresAt) - at.getTime() < EXPIRY_WARNING_MS;
    return { ok: true, directory, tokenId: token.id, expiresAt: expiresSoon ? token.expiresAt! : undefined };
  };
}

export type ScimAuthenticator = ReturnType<typeof createScimAuthenticator>;
