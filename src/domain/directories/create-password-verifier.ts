import type { Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { verifyPassword } from '../provisioning/password-hash.ts';
import { mustGetDirectory } from './must-get-directory.ts';

/**
 * Checks a userName/password pair against the hash the IdP synced, for apps that authenticate
 * locally. False for unknown, inactive or password-less users; the time taken does not tell which.
 */
export function createPasswordVerifier(store: Store) {
  return async function verify(directoryId: string, input: { userName?: unknown; password?: unknown }): Promise<boolean> {
    const directory = await mustGetDirectory(store, directoryId);
    if (typeof input.userName !== 'string' || typeof input.password !== 'string') throw new DomainError('request.invalid', 'send {"userName": "…", "password": "…"}');
    if (directory.passwordMode !== 'store') throw new DomainError('directory.invalid', 'this directory does not store passwords (set passwordMode to store)');
    const found = await store.read((q) => q.passwords.findByUserName(directoryId, String(input.userName).toLowerCase()));
    const valid = await verifyPassword(input.password, found?.hash ?? null);
    return valid && found?.active !== false;
  };
}
