import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords an IdP syncs are kept only as scrypt hashes (RFC 7914), for apps that authenticate
 * users locally. N=2^17, r=8, p=1: OWASP's Password Storage Cheat Sheet minimum for scrypt, about
 * 128 MiB and a few hundred milliseconds per hash. Each stored hash carries its own parameters, so
 * hashes made with the earlier N=2^15 keep verifying.
 */
const N = 131072;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** Longest derived key a stored hash may carry (admin accounts use 64 bytes). */
const MAX_KEY_LENGTH = 128;

/** Parameters a stored hash may name: anything beyond is a corrupt row, not a hash to spend a gigabyte on. */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function usable(n: number, r: number, p: number): boolean {
  const powerOfTwo = Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
  return powerOfTwo && n <= MAX_N && Number.isInteger(r) && r >= 1 && r <= MAX_R && Number.isInteger(p) && p >= 1 && p <= MAX_P;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // Node refuses scrypt above `maxmem` (32 MiB by default); N=2^17 with r=8 needs 128·N·r = 128 MiB.
  const options: ScryptOptions = { N: n, r, p, maxmem: 2 * 128 * n * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$N$r$p$salt$key`, so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string, options: { keyLength?: number } = {}): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P, options.keyLength ?? KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A hash to compare against when the user is unknown, so the answer takes the same time either way. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const encoded = stored ?? (await (decoy ??= hashPassword(randomBytes(16).toString('hex'))));
  const [scheme, nText, rText, pText, salt, key] = encoded.split('$');
  const [n, r, p] = [Number(nText), Number(rText), Number(pText)];
  if (scheme !== 'scrypt' || !salt || !key || !usable(n, r, p)) return false;
  const expected = Buffer.from(key, 'base64');
  if (expected.length < 16 || expected.length > MAX_KEY_LENGTH) return false;
  // The key length is the stored key's: IdP-synced passwords have 32 bytes, admin accounts 64.
  const actual = await derive(password, Buffer.from(salt, 'base64'), n, r, p, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== null;
}
