import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminRecord, AdminRole, AuditActor } from '../../store/records.ts';
import { DomainError } from '../domain-error.ts';
import { hashPassword } from '../provisioning/password-hash.ts';

export const ADMIN_ROLES: readonly AdminRole[] = ['owner', 'admin', 'read_only'];
export const MIN_PASSWORD_LENGTH = 12;
/** Well above any real password; bounds the work a login can ask of scrypt. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 254;

/** An admin account as the API and the CLI show it: never the password hash. */
export interface AdminView {
  readonly id: string;
  readonly email: string;
  readonly role: AdminRole;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Who a session belongs to, as `/api/v1/session` answers. */
export interface AdminIdentity {
  readonly id: string;
  readonly email: string;
  readonly role: AdminRole;
}

export const toAdminView = (a: AdminRecord): AdminView => ({ id: a.id, email: a.email, role: a.role, createdAt: a.createdAt, updatedAt: a.updatedAt });
export const toIdentity = (a: Pick<AdminRecord, 'id' | 'email' | 'role'>): AdminIdentity => ({ id: a.id, email: a.email, role: a.role });
export const adminData = (a: Pick<AdminRecord, 'id' | 'email' | 'role'>) => ({ id: a.id, email: a.email, role: a.role });

/** The audit log's actor for a console session: the admin, named by email, and the client's address. */
export const adminActor = (a: Pick<AdminRecord, 'id' | 'email'>, address: string | null): AuditActor => ({ type: 'admin', id: a.id, label: a.email, address });

const invalid = (field: string, message: string) => new DomainError('admin.invalid', `${field}: ${message}`, { field });

export function checkEmail(email: unknown): string {
  if (typeof email !== 'string') throw invalid('email', 'must be a string');
  const trimmed = email.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) throw invalid('email', `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!/^[^\s@]+@[^\s@]+$/.test(trimmed)) throw invalid('email', 'must be an email address (name@example.com)');
  return trimmed;
}

export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string') throw invalid(field, 'must be a string');
  if ([...password].length < MIN_PASSWORD_LENGTH) throw invalid(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw invalid(field, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

export function checkRole(role: unknown): AdminRole {
  if (typeof role !== 'string' || !(ADMIN_ROLES as readonly string[]).includes(role)) throw invalid('role', `must be one of ${ADMIN_ROLES.join(', ')}`);
  return role as AdminRole;
}

/**
 * scrypt at OWASP's parameters (N=2^17, r=8, p=1) with a 16-byte salt and a 64-byte key; run before
 * the write transaction, never inside it (a few hundred milliseconds would hold SQLite's writer).
 */
export const hashAdminPassword = (password: string): Promise<string> => hashPassword(password, { keyLength: 64 });

/** A console session's cookie value: 256 random bits. Only its SHA-256 is stored. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

/**
 * The session's CSRF token, derived from the cookie value so nothing more is stored: a page that can
 * read the `/session` answer (same origin) learns it; a cross-site form cannot.
 */
export const csrfTokenOf = (sessionToken: string): string => createHash('sha256').update(`roster-csrf\0${sessionToken}`).digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
