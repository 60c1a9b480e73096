import { useEffect, useState } from 'react';
import { get } from '../../lib/api.ts';
import { accountLabel, type Account } from './org-types.ts';

const cache = new Map<string, Promise<Account | null>>();

function fetchAccount(id: string): Promise<Account | null> {
  let p = cache.get(id);
  if (!p) {
    // A preview names accounts that a rolled-back change created: those have no page (null).
    p = get<Account>(`/accounts/${encodeURIComponent(id)}`).catch(() => null);
    cache.set(id, p);
    p.then(() => setTimeout(() => cache.delete(id), 30_000));
  }
  return p;
}

/**
 * The accounts behind ids the API answered with (previews, held deprovisions), looked up one by one
 * for the few shown (`limit`), a few at a time: a preview of 100,000 accounts names its first ones only.
 */
export function useAccounts(ids: readonly string[], limit = 25): ReadonlyMap<string, Account | null> {
  const [found, setFound] = useState<ReadonlyMap<string, Account | null>>(new Map());
  const key = ids.slice(0, limit).join(',');
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',') : [];
    (async () => {
      const out = new Map<string, Account | null>();
      for (let i = 0; i < wanted.length; i += 6) {
        const chunk = wanted.slice(i, i + 6);
        const rows = await Promise.all(chunk.map(fetchAccount));
        chunk.forEach((id, j) => out.set(id, rows[j]!));
        if (!live) return;
        setFound(new Map(out));
      }
    })();
    return () => {
      live = false;
    };
  }, [key]);
  return found;
}

export function nameOf(found: ReadonlyMap<string, Account | null>, id: string): string {
  const a = found.get(id);
  return a ? accountLabel(a) : found.has(id) ? `${id.slice(0, 8)}… (new)` : `${id.slice(0, 8)}…`;
}
