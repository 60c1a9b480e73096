/**
 * Records of admin accounts, their sessions and the first-run setup (migration 012). Like
 * records.ts: camelCase, timestamps ISO 8601 UTC with milliseconds. Secrets are hashes only.
 */

export type AdminRole = 'owner' | 'admin' | 'read_only';

export interface AdminRecord {
  readonly id: string;
  /** As the admin typed it; uniqueness ignores case. */
  readonly email: string;
  /** `scrypt$N$r$p$salt$key` (domain/provisioning/password-hash.ts). */
  readonly passwordHash: string;
  readonly role: AdminRole;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type AdminChanges = Partial<Pick<AdminRecord, 'passwordHash' | 'role' | 'updatedAt'>>;

export interface AdminSessionRecord {
  readonly id: string;
  /** SHA-256 of the cookie value, hex; the value itself is never stored. */
  readonly tokenHash: string;
  readonly adminId: string;
  readonly createdAt: string;
  /** Moved forward (at most once a minute) while the session is used: the idle timeout counts from it. */
  readonly lastUsedAt: string;
  /** The absolute end of the session, whatever its use. */
  readonly expiresAt: string;
  readonly address: string | null;
}

export interface AdminSetupTokenRecord {
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
}
