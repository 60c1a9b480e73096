import { describe, expect, it } from 'vitest';
import { type Fixtures } from './fixtures.ts';

export function storeContract(f: Fixtures): void {
  describe('store', () => {
    it('answers ping', async () => {
      await expect(f.store.ping()).resolves.toBeUndefined();
    });

    it('applies no migration twice', async () => {
      expect(await f.store.migrate()).toEqual([]);
    });
  });
}
