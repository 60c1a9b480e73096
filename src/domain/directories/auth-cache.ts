import type { Store } from '../../store/store.ts';
import type { DirectoryRecord, TokenRecord } from '../../store/records.ts';

/** How long a token lookup is reused. */
export const AUTH_CACHE_MS = 1000;

export interface TokenWithDirectory {
  readonly token: TokenRecord;
  readonly directory: DirectoryRecord;
}

/**
 * Token lookups, kept for AUTH_CACHE_MS: every SCIM request authenticates, and this saves a
 * database round trip per request. Any change to directories or tokens made through this process
 * clears it at once (before and after the write); a change made by another node or the CLI is seen
 * within AUTH_CACHE_MS.
 */
export function createAuthCache(store: Store, clock: () => number = Date.now) {
  const entries = new Map<string, { found: TokenWithDirectory; at: number }>();
  return {
    async lookUp(hash: string): Promise<TokenWithDirectory | undefined> {
      const cached = entries.get(hash);
      if (cached && clock() - cached.at < AUTH_CACHE_MS) return cached.found;
      const found = await store.read((q) => q.tokens.findWithDirectory(hash));
      // Only real tokens are kept, so a flood of wrong ones cannot grow the cache.
      if (found) {
        if (entries.size >= 10_000) entries.clear();
        entries.set(hash, { found, at: clock() });
      }
      return found;
    },
    /** A write to directories or tokens: the cache is dropped before and after it. */
    write: (async (fn) => {
      entries.clear();
      try {
        return await store.write(fn);
      } finally {
        entries.clear();
      }
    }) as Store['write'],
  };
}

export type AuthCache = ReturnType<typeof createAuthCache>;
