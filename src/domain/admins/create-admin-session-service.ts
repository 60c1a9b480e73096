import { randomUUID } from 'node:crypto';
import type { AdminRecord, AdminSessionRecord, AuditActor, Store } from '../../store/store.ts';
import { hashSecret } from '../directories/secrets.ts';
import { DomainError } from '../domain-error.ts';
import type { AuditLog } from '../ops/create-audit-log.ts';
import { verifyPassword } from '../provisioning/password-hash.ts';
import { csrfTokenOf, MAX_PASSWORD_LENGTH, newSessionToken, toIdentity, type AdminIdentity } from './admin-views.ts';

/** Failed logins per (email, client address) allowed in the window before 429 (OWASP: throttle per account and source). */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** `last_used_at` is written at most this often per session: the idle timeout needs no finer clock. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionSettings {
  readonly idleTimeoutMs: number;
  readonly maxAgeMs: number;
}

/** A session just started: the cookie value (shown to the browser only) and its CSRF token. */
export interface StartedSession {
  readonly admin: AdminIdentity;
  readonly token: string;
  readonly csrfToken: string;
}

/** The session a cookie names, still valid. */
export interface ActiveSession {
  readonly admin: AdminIdentity;
  readonly sessionId: string;
  readonly csrfToken: string;
}

const invalidCredentials = () => new DomainError('auth.invalid_credentials', 'the email or password is wrong');

/** A new session row for an admin; the caller inserts it in its transaction. */
export function newSession(adminId: string, address: string | null, at: Date, settings: SessionSettings): { record: AdminSessionRecord; token: string } {
  const token = newSessionToken();
  const iso = at.toISOString();
  const record = { id: randomUUID(), tokenHash: hashSecret(token), adminId, createdAt: iso, lastUsedAt: iso, expiresAt: new Date(at.getTime() + settings.maxAgeMs).toISOString(), address };
  return { record, token };
}

/**
 * Console sessions: login (rate limited per email and client address), the session a cookie names
 * (idle and absolute timeouts), logout. Only a SHA-256 of each cookie value is stored.
 */
export function createAdminSessionService(deps: { store: Store; settings: SessionSettings; audit: AuditLog; now?: () => Date }) {
  const { store, settings, audit } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Who tried to sign in, for the audit log: the admin when the email is one, else the email as
   * typed (the log is for admins; the API's answer stays the same either way). Never the password.
   */
  const loginActor = (email: string, admin: AdminRecord | undefined, address: string | null): AuditActor => ({ type: 'admin', id: admin?.id ?? null, label: admin?.email ?? email, address });

  return {
    async login(emailInput: unknown, password: unknown, address: string | null): Promise<StartedSession> {
      if (typeof emailInput !== 'string' || typeof password !== 'string' || emailInput.length > 254 || password.length > MAX_PASSWORD_LENGTH) throw invalidCredentials();
      const email = emailInput.trim().toLowerCase();
      const loginKey = `${email}\n${address ?? ''}`;
      const at = now();
      const failures = await store.read((q) => q.adminLogins.failuresSince(loginKey, new Date(at.getTime() - LOGIN_WINDOW_MS).toISOString()));
      if (failures.length >= LOGIN_MAX_FAILURES) {
        // Allowed again once the oldest of the last LOGIN_MAX_FAILURES failures leaves the window.
        const until = new Date(failures[failures.length - LOGIN_MAX_FAILURES]!).getTime() + LOGIN_WINDOW_MS;
        const retryAfterSeconds = Math.max(1, Math.ceil((until - at.getTime()) / 1000));
        throw new DomainError('auth.rate_limited', `too many failed logins for this email from this address; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
      }
      const admin = await store.read((q) => q.admins.findByEmail(email));
      // An unknown email is checked against a decoy hash: the answer and its time are the same.
      if (!(await verifyPassword(password, admin?.passwordHash ?? null)) || !admin) {
        await store.write(async (q) => {
          await q.adminLogins.prune(new Date(at.getTime() - LOGIN_WINDOW_MS).toISOString());
          await q.adminLogins.recordFailure(loginKey, at.toISOString());
          // Only failures the rate limit counts are written: a 429 writes nothing, so a flood cannot grow the log.
          await audit.record(q, loginActor(email, admin, address), { action: 'admin.login_failed', targetType: 'Admin', targetId: admin?.id ?? email, directoryId: null, before: null, after: { email, reason: admin ? 'wrong_password' : 'unknown_email' } }, at.toISOString());
        });
        throw invalidCredentials();
      }
      const { record, token } = newSession(admin.id, address, at, settings);
      await store.write(async (q) => {
        await q.adminLogins.clear(loginKey);
        await q.adminSessions.purgeExpired(at.toISOString(), new Date(at.getTime() - settings.idleTimeoutMs).toISOString());
        await q.adminSessions.insert(record);
        await audit.record(q, loginActor(email, admin, address), { action: 'admin.login', targetType: 'Admin', targetId: admin.id, directoryId: null, before: null, after: { email: admin.email, sessionId: record.id } }, at.toISOString());
      });
      return { admin: toIdentity(admin), token, csrfToken: csrfTokenOf(token) };
    },

    /** The valid session a cookie value names, with its admin as stored now (a role change applies at once). */
    async identify(token: string): Promise<ActiveSession | undefined> {
      const found = await store.read((q) => q.adminSessions.findByHash(hashSecret(token)));
      if (!found) return undefined;
      const { session, admin } = found;
      const at = now().getTime();
      if (at >= Date.parse(session.expiresAt) || at - Date.parse(session.lastUsedAt) > settings.idleTimeoutMs) {
        await store.write((q) => q.adminSessions.delete(session.id));
        return undefined;
      }
      if (at - Date.parse(session.lastUsedAt) >= TOUCH_EVERY_MS) await store.write((q) => q.adminSessions.touch(session.id, new Date(at).toISOString()));
      return { admin: toIdentity(admin), sessionId: session.id, csrfToken: csrfTokenOf(token) };
    },

    async logout(sessionId: string): Promise<void> {
      await store.write((q) => q.adminSessions.delete(sessionId));
    },
  };
}

export type AdminSessionService = ReturnType<typeof createAdminSessionService>;
