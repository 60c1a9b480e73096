import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { ADMIN_KEY_PREFIX, generateSecret, hashesEqual, hashSecret } from './secrets.ts';

export interface AdminKeyView {
  readonly id: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** Keys for the admin API (`/api/v1`). Like SCIM tokens: shown once, stored as a hash. */
export function createAdminKeyService(store: Store, now: () => Date = () => new Date()) {
  const lastUsedWritten = new Map<string, number>();
  return {
    async create(label: string | null = null): Promise<{ key: string; view: AdminKeyView }> {
      const { secret, hash, prefix } = generateSecret(ADMIN_KEY_PREFIX);
      const row = { id: randomUUID(), key_hash: hash, prefix, label, created_at: now().toISOString(), revoked_at: null, last_used_at: null };
      await store.write((q) => q.adminKeys.insert(row));
      return { key: secret, view: { id: row.id, prefix, label, createdAt: row.created_at, revokedAt: null, lastUsedAt: null } };
    },

    async list(): Promise<AdminKeyView[]> {
      const rows = await store.read((q) => q.adminKeys.list());
      return rows.map((r) => ({ id: r.id, prefix: r.prefix, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at }));
    },

    async revoke(id: string): Promise<void> {
      const ok = await store.write((q) => q.adminKeys.update(id, { revoked_at: now().toISOString() }));
      if (!ok) throw new DomainError('admin_key.not_found', `no admin key ${id}`);
    },

    async count(): Promise<number> {
      return (await store.read((q) => q.adminKeys.list())).filter((k) => !k.revoked_at).length;
    },

    async verify(presented: string): Promise<boolean> {
      const hash = hashSecret(presented);
      const row = await store.read((q) => q.adminKeys.findByHash(hash));
      if (!row || row.revoked_at || !hashesEqual(row.key_hash, hash)) return false;
      const at = now().getTime();
      if (at - (lastUsedWritten.get(row.id) ?? 0) >= 60_000) {
        lastUsedWritten.set(row.id, at);
        await store.write((q) => q.adminKeys.update(row.id, { last_used_at: new Date(at).toISOString() }));
      }
      return true;
    },
  };
}

export type AdminKeyService = ReturnType<typeof createAdminKeyService>;
