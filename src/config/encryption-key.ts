import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RosterConfig } from './load-config.ts';
import { ConfigError } from './load-config.ts';

const KEY_BYTES = 32;

function decode(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new ConfigError([`${where}: must be ${KEY_BYTES} bytes, as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`]);
  return key;
}

/**
 * The key that encrypts webhook secrets at rest (they must be usable for signing, so they cannot
 * be hashed). ROSTER_ENCRYPTION_KEY when set; otherwise, on SQLite, a key file generated once beside
 * the database (`encryption.key`, mode 0600), so a copy of the database alone does not reveal the
 * secrets. Several PostgreSQL nodes must share one key: there it must be configured (undefined).
 */
export function resolveEncryptionKey(config: RosterConfig): Buffer | undefined {
  if (config.encryptionKey) return decode(config.encryptionKey, 'ROSTER_ENCRYPTION_KEY');
  if (config.databaseUrl) return undefined;
  const file = path.join(path.dirname(config.databasePath), 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process (the CLI beside the server) wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return decode(readFileSync(file, 'utf8'), file);
}
