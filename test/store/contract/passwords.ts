import { describe, expect, it } from 'vitest';
import { type Fixtures, at } from './fixtures.ts';

export function passwordsContract(f: Fixtures): void {
  const { createDirectory, createUser } = f;
  describe('passwords', () => {
    it('stores then replaces a hash, found by the lowercased userName', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'Ann.Lee@Example.com', active: true });
      await f.store.write((q) => q.passwords.set(d, user.id, 'scrypt$1', at(2)));
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'ann.lee@example.com'))).toEqual({ hash: 'scrypt$1', active: true });
      await f.store.write((q) => q.passwords.set(d, user.id, 'scrypt$2', at(3)));
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'ann.lee@example.com'))).toEqual({ hash: 'scrypt$2', active: true });
    });

    it('reports active as true, false or null', async () => {
      const d = await createDirectory();
      await createUser(d, { userName: 'on', active: true });
      await createUser(d, { userName: 'off', active: false });
      await createUser(d, { userName: 'unset' });
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'on'))).toEqual({ hash: null, active: true });
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'off'))).toEqual({ hash: null, active: false });
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'unset'))).toEqual({ hash: null, active: null });
    });

    it('finds no user of another directory or of an unknown name', async () => {
      const d = await createDirectory();
      const user = await createUser(d, { userName: 'ann' });
      await f.store.write((q) => q.passwords.set(d, user.id, 'scrypt$1', at(2)));
      const elsewhere = await createDirectory();
      expect(await f.store.read((q) => q.passwords.findByUserName(elsewhere, 'ann'))).toBeUndefined();
      expect(await f.store.read((q) => q.passwords.findByUserName(d, 'nobody'))).toBeUndefined();
    });
  });
}
