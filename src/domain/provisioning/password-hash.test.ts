import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.ts';

describe('password hashes', () => {
  it('new hashes use OWASP\'s scrypt minimum (N=2^17, r=8, p=1) and carry their parameters', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsf', hash)).toBe(false);
  });

  it('hashes stored with the earlier N=2^15 still verify', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('old password'.normalize('NFC'), salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const stored = ['scrypt', 32768, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
    expect(await verifyPassword('old password', stored)).toBe(true);
    expect(await verifyPassword('new password', stored)).toBe(false);
  });

  it('a stored hash with unusable parameters verifies nothing, without throwing', async () => {
    for (const stored of ['scrypt$3$8$1$c2FsdA==$a2V5', 'scrypt$4294967296$8$1$c2FsdA==$a2V5', 'scrypt$x$8$1$c2FsdA==$a2V5', 'bcrypt$…', '']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});
