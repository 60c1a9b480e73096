import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AdminKeyRecord } from '../../../src/store/records.ts';
import { type Fixtures, at } from './fixtures.ts';

export function adminKeysContract(f: Fixtures): void {
  describe('adminKeys', () => {
    function adminKeyRecord(overrides: Partial<AdminKeyRecord> = {}): AdminKeyRecord {
      return { id: randomUUID(), keyHash: randomUUID().replaceAll('-', ''), prefix: 'rsa_cd34', label: 'ops', createdAt: at(1), revokedAt: null, lastUsedAt: null, ...overrides };
    }

    it('finds a key by hash', async () => {
      const key = adminKeyRecord({ label: null });
      await f.store.read((q) => q.adminKeys.insert(key));
      expect(await f.store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual(key);
      expect(await f.store.read((q) => q.adminKeys.findByHash('f'.repeat(64)))).toBeUndefined();
    });

    it('lists keys oldest first', async () => {
      const newer = adminKeyRecord({ createdAt: at(20) });
      const older = adminKeyRecord({ createdAt: at(10), revokedAt: at(11) });
      for (const k of [newer, older]) await f.store.read((q) => q.adminKeys.insert(k));
      const listed = (await f.store.read((q) => q.adminKeys.list())).filter((k) => k.id === newer.id || k.id === older.id);
      expect(listed).toEqual([older, newer]);
    });

    it('updates revocation and last use', async () => {
      const key = adminKeyRecord();
      await f.store.read((q) => q.adminKeys.insert(key));
      expect(await f.store.read((q) => q.adminKeys.update(key.id, { lastUsedAt: at(7) }))).toBe(true);
      expect(await f.store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual({ ...key, lastUsedAt: at(7) });
      expect(await f.store.read((q) => q.adminKeys.update(key.id, { revokedAt: at(8) }))).toBe(true);
      expect(await f.store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual({ ...key, lastUsedAt: at(7), revokedAt: at(8) });
      expect(await f.store.read((q) => q.adminKeys.update(randomUUID(), { revokedAt: at(8) }))).toBe(false);
    });
  });
}
