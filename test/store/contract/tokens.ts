import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../../src/store/records.ts';
import { UniqueViolationError } from '../../../src/store/store-errors.ts';
import { type Fixtures, at, rejection } from './fixtures.ts';

export function tokensContract(f: Fixtures): void {
  const { directoryRecord, createDirectory } = f;
  describe('tokens', () => {
    function tokenRecord(directoryId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
      return {
        id: randomUUID(),
        directoryId,
        tokenHash: randomUUID().replaceAll('-', ''),
        prefix: 'rst_ab12',
        label: 'Okta',
        createdAt: at(1),
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
        ...overrides,
      };
    }

    it('reads back an inserted token', async () => {
      const token = tokenRecord(await createDirectory(), { label: null, expiresAt: at(1000) });
      await f.store.read((q) => q.tokens.insert(token));
      expect(await f.store.read((q) => q.tokens.get(token.id))).toEqual(token);
      expect(await f.store.read((q) => q.tokens.get(randomUUID()))).toBeUndefined();
    });

    it('finds a token by hash with its directory, settings parsed', async () => {
      const directory = directoryRecord({
        status: 'paused',
        passwordMode: 'store',
        ipAllowlist: ['203.0.113.0/24'],
        customAttributes: [{ name: 'badge', type: 'string', multiValued: true, caseExact: true, description: 'Badge codes' }],
      });
      await f.store.read((q) => q.directories.insert(directory));
      const token = tokenRecord(directory.id, { lastUsedAt: at(3) });
      await f.store.read((q) => q.tokens.insert(token));
      expect(await f.store.read((q) => q.tokens.findWithDirectory(token.tokenHash))).toEqual({ token, directory });
      expect(await f.store.read((q) => q.tokens.findWithDirectory('0'.repeat(64)))).toBeUndefined();
    });

    it('finds a token of a directory without settings', async () => {
      const directory = directoryRecord();
      await f.store.read((q) => q.directories.insert(directory));
      const token = tokenRecord(directory.id);
      await f.store.read((q) => q.tokens.insert(token));
      expect(await f.store.read((q) => q.tokens.findWithDirectory(token.tokenHash))).toEqual({ token, directory });
    });

    it('lists the tokens of one directory, oldest first', async () => {
      const d = await createDirectory();
      const newest = tokenRecord(d, { createdAt: at(30) });
      const oldest = tokenRecord(d, { createdAt: at(10) });
      const middle = tokenRecord(d, { createdAt: at(20), revokedAt: at(25) });
      for (const t of [newest, oldest, middle, tokenRecord(await createDirectory())]) await f.store.read((q) => q.tokens.insert(t));
      expect(await f.store.read((q) => q.tokens.listForDirectory(d))).toEqual([oldest, middle, newest]);
      expect(await f.store.read((q) => q.tokens.listForDirectory(randomUUID()))).toEqual([]);
    });

    it('updates expiry, revocation and last use, each alone', async () => {
      const token = tokenRecord(await createDirectory(), { expiresAt: at(100) });
      await f.store.read((q) => q.tokens.insert(token));
      expect(await f.store.read((q) => q.tokens.update(token.id, { lastUsedAt: at(5) }))).toBe(true);
      expect(await f.store.read((q) => q.tokens.get(token.id))).toEqual({ ...token, lastUsedAt: at(5) });
      expect(await f.store.read((q) => q.tokens.update(token.id, { revokedAt: at(6) }))).toBe(true);
      expect(await f.store.read((q) => q.tokens.update(token.id, { expiresAt: null }))).toBe(true);
      expect(await f.store.read((q) => q.tokens.get(token.id))).toEqual({ ...token, lastUsedAt: at(5), revokedAt: at(6), expiresAt: null });
    });

    it('returns false when updating an unknown token', async () => {
      expect(await f.store.read((q) => q.tokens.update(randomUUID(), { revokedAt: at(1) }))).toBe(false);
    });

    it('refuses a second token with the same hash', async () => {
      const d = await createDirectory();
      const token = tokenRecord(d);
      await f.store.read((q) => q.tokens.insert(token));
      const error = await rejection(f.store.read((q) => q.tokens.insert(tokenRecord(d, { tokenHash: token.tokenHash }))));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ table: 'tokens', columns: ['token_hash'] });
    });
  });
}
