import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/store.ts';
import { hashSecret } from '../directories/secrets.ts';
import { DomainError } from '../domain-error.ts';
import type { EventRecorder } from '../events/record-event.ts';
import type { AuditLog } from '../ops/create-audit-log.ts';
import { adminActor, csrfTokenOf, toIdentity } from './admin-views.ts';
import { insertAdmin, prepareAdmin } from './create-admin-account-service.ts';
import { newSession, type SessionSettings, type StartedSession } from './create-admin-session-service.ts';

/** How long a setup link works. */
export const SETUP_TOKEN_TTL_MS = 24 * 3600_000;

const invalidToken = () => new DomainError('setup.invalid_token', 'the setup link is wrong, used or expired; restart `roster serve` for a new one, or use `roster admin create`');
const done = () => new DomainError('setup.done', 'Roster is set up already: sign in, or ask an owner for an account');

/**
 * First-run setup: while no admin account exists, `roster serve` issues a one-time link whose token
 * (stored hashed, single use, 24 h) lets the first visitor create the first owner and signs them in.
 */
export function createAdminSetupService(deps: { store: Store; events: EventRecorder; audit: AuditLog; settings: SessionSettings; now?: () => Date }) {
  const { store, events, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const needed = async (): Promise<boolean> => (await store.read((q) => q.admins.count())) === 0;

  return {
    needed,

    /** A new setup token when no admin exists (undefined otherwise). Earlier tokens keep working until they expire or setup is done. */
    async issue(): Promise<string | undefined> {
      if (!(await needed())) return undefined;
      const token = randomBytes(32).toString('base64url');
      const at = now();
      await store.write((q) => q.adminSetup.insert({ tokenHash: hashSecret(token), createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + SETUP_TOKEN_TTL_MS).toISOString(), usedAt: null }));
      return token;
    },

    async complete(input: { token: unknown; email: unknown; password: unknown }, address: string | null): Promise<StartedSession> {
      if (typeof input.token !== 'string' || input.token.length > 200) throw invalidToken();
      const tokenHash = hashSecret(input.token);
      const usable = (t: { usedAt: string | null; expiresAt: string } | undefined) => t !== undefined && t.usedAt === null && now().getTime() < Date.parse(t.expiresAt);
      // Checked before the (slow) password hash, and again in the transaction that uses the token.
      if (!usable(await store.read((q) => q.adminSetup.get(tokenHash)))) throw invalidToken();
      if (!(await needed())) throw done();
      const admin = await prepareAdmin({ email: input.email, password: input.password, role: 'owner' }, now().toISOString());
      const { record, token } = newSession(admin.id, address, now(), deps.settings);
      await store.write(async (q) => {
        if (!usable(await q.adminSetup.get(tokenHash))) throw invalidToken();
        if ((await q.admins.count()) > 0) throw done();
        // Every setup link is used up by the first owner (store.ts explains why all of them).
        if (!(await q.adminSetup.useAll(admin.createdAt)).includes(tokenHash)) throw (await q.admins.count()) > 0 ? done() : invalidToken();
        await insertAdmin(q, { events, audit }, admin, adminActor(admin, address));
        await q.adminSessions.insert(record);
      });
      return { admin: toIdentity(admin), token, csrfToken: csrfTokenOf(token) };
    },
  };
}

export type AdminSetupService = ReturnType<typeof createAdminSetupService>;
