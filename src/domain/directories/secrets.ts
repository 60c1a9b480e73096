import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes make a leaked secret recognisable by scanners and by people. */
export const TOKEN_PREFIX = 'rst_';
export const ADMIN_KEY_PREFIX = 'rsk_';
/** Keys of the read API, each scoped to one app. */
export const APP_KEY_PREFIX = 'rak_';

export interface NewSecret {
  /** The secret itself: shown once, never stored. */
  readonly secret: string;
  readonly hash: string;
  /** Enough of the secret to tell two apart in a list (`rst_3fA9`). */
  readonly prefix: string;
}

/** 32 random bytes (256 bits), base64url. A hash of it is all Roster keeps. */
export function generateSecret(prefix: string): NewSecret {
  const secret = prefix + randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, prefix.length + 6) };
}

/**
 * SHA-256 suffices for 256-bit random secrets: there is nothing to brute-force, so a slow password
 * hash would only cost every request time.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
