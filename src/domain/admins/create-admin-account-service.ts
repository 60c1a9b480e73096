import { randomUUID } from 'node:crypto';
import type { AdminRecord, AdminRole, AuditActor, Queries, Store } from '../../store/store.ts';
import { UniqueViolationError } from '../../store/store-errors.ts';
import { DomainError } from '../domain-error.ts';
import type { EventRecorder } from '../events/record-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import { verifyPassword } from '../provisioning/password-hash.ts';
import { adminData, checkEmail, checkPassword, checkRole, hashAdminPassword, toAdminView, type AdminView } from './admin-views.ts';

export interface NewAdminInput {
  readonly email: unknown;
  readonly password: unknown;
  readonly role: unknown;
}

interface Deps {
  readonly store: Store;
  readonly events: EventRecorder;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

const emailTaken = (email: string) => new DomainError('admin.email_taken', `an admin with the email ${email} exists already`);

/**
 * Inserts a new admin in a write transaction, with its event and audit entry. Shared by the
 * account service and the first-run setup, which creates the first owner in its own transaction.
 */
/**
 * Two creations of one email at once: the unique index decides. Caught around the whole write,
 * because PostgreSQL's error reaches the store's transaction boundary before it is translated.
 */
export function emailTakenOnConflict(email: string) {
  return (error: unknown): never => {
    throw error instanceof UniqueViolationError ? emailTaken(email) : error;
  };
}

export async function insertAdmin(q: Queries, deps: Pick<Deps, 'events' | 'audit'>, admin: AdminRecord, actor: AuditActor): Promise<void> {
  if (await q.admins.findByEmail(admin.email.toLowerCase())) throw emailTaken(admin.email);
  await q.admins.insert(admin);
  await deps.events.record(q, { type: 'admin.created', directoryId: null, resourceId: admin.id, data: adminData(admin), at: admin.createdAt });
  await deps.audit.record(q, actor, { action: 'admin.create', targetType: 'Admin', targetId: admin.id, directoryId: null, before: null, after: toAdminView(admin) }, admin.createdAt);
}

/** Validates and hashes a new admin (outside any transaction: scrypt is slow on purpose). */
export async function prepareAdmin(input: NewAdminInput, at: string): Promise<AdminRecord> {
  const email = checkEmail(input.email);
  const role = checkRole(input.role);
  const password = checkPassword(input.password);
  return { id: randomUUID(), email, passwordHash: await hashAdminPassword(password), role, createdAt: at, updatedAt: at };
}

/** Admin accounts: create, list, change role, remove, change password. The last owner always stays. */
export function createAdminAccountService(deps: Deps) {
  const { store, events, audit } = deps;
  const now = deps.now ?? (() => new Date());

  async function mustGet(q: Queries, id: string): Promise<AdminRecord> {
    const admin = await q.admins.get(id);
    if (!admin) throw new DomainError('admin.not_found', `no admin ${id}`);
    return admin;
  }

  /** Refuses a change that would leave no owner (the owners' rows are locked until the transaction ends). */
  async function keepAnOwner(q: Queries, admin: AdminRecord, what: string): Promise<void> {
    if (admin.role !== 'owner') return;
    const owners = await q.admins.lockOwners();
    if (owners.length <= 1) throw new DomainError('admin.last_owner', `${admin.email} is the last owner and cannot be ${what}; make another admin an owner first`);
  }

  return {
    async create(input: NewAdminInput, actor: AuditActor = SYSTEM_ACTOR): Promise<AdminView> {
      const admin = await prepareAdmin(input, now().toISOString());
      await store.write((q) => insertAdmin(q, { events, audit }, admin, actor)).catch(emailTakenOnConflict(admin.email));
      return toAdminView(admin);
    },

    list: async (): Promise<AdminView[]> => (await store.read((q) => q.admins.list())).map(toAdminView),

    get: async (id: string): Promise<AdminView> => toAdminView(await store.read((q) => mustGet(q, id))),

    /** An admin by id, or by email (ignoring case): what the CLI's `admin remove` accepts. */
    async find(idOrEmail: string): Promise<AdminView | undefined> {
      const admin = await store.read(async (q) => (await q.admins.get(idOrEmail)) ?? (await q.admins.findByEmail(idOrEmail.trim().toLowerCase())));
      return admin && toAdminView(admin);
    },

    count: (): Promise<number> => store.read((q) => q.admins.count()),

    async setRole(id: string, roleInput: unknown, actor: AuditActor = SYSTEM_ACTOR): Promise<AdminView> {
      const role: AdminRole = checkRole(roleInput);
      const at = now().toISOString();
      return store.write(async (q) => {
        const admin = await mustGet(q, id);
        if (admin.role === role) return toAdminView(admin);
        if (role !== 'owner') await keepAnOwner(q, admin, 'demoted');
        const next = { ...admin, role, updatedAt: at };
        await q.admins.update(id, { role, updatedAt: at });
        await events.record(q, { type: 'admin.updated', directoryId: null, resourceId: id, data: adminData(next), changed: ['role'], at });
        await audit.record(q, actor, { action: 'admin.update', targetType: 'Admin', targetId: id, directoryId: null, before: toAdminView(admin), after: toAdminView(next) }, at);
        return toAdminView(next);
      });
    },

    async remove(id: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      const at = now().toISOString();
      await store.write(async (q) => {
        const admin = await mustGet(q, id);
        await keepAnOwner(q, admin, 'removed');
        await q.adminSessions.deleteForAdmin(id);
        await q.admins.delete(id);
        await events.record(q, { type: 'admin.removed', directoryId: null, resourceId: id, data: adminData(admin), at });
        await audit.record(q, actor, { action: 'admin.remove', targetType: 'Admin', targetId: id, directoryId: null, before: toAdminView(admin), after: null }, at);
      });
    },

    /**
     * Changes an admin's own password after checking the current one, and ends the admin's other
     * sessions (a stolen session does not outlive the change); `keepSessionId` stays signed in.
     */
    async changePassword(id: string, input: { currentPassword: unknown; newPassword: unknown }, actor: AuditActor, keepSessionId?: string): Promise<void> {
      if (typeof input.currentPassword !== 'string' || input.currentPassword.length > 1024) throw new DomainError('admin.invalid', 'currentPassword: must be a string', { field: 'currentPassword' });
      const newPassword = checkPassword(input.newPassword, 'newPassword');
      const admin = await store.read((q) => mustGet(q, id));
      if (!(await verifyPassword(input.currentPassword, admin.passwordHash))) {
        throw new DomainError('admin.invalid', 'currentPassword: is not your current password', { field: 'currentPassword' });
      }
      const passwordHash = await hashAdminPassword(newPassword);
      const at = now().toISOString();
      await store.write(async (q) => {
        const current = await mustGet(q, id);
        await q.admins.update(id, { passwordHash, updatedAt: at });
        await q.adminSessions.deleteForAdmin(id, keepSessionId);
        await events.record(q, { type: 'admin.updated', directoryId: null, resourceId: id, data: adminData(current), changed: ['password'], at });
        // The audit entry says that the password changed, never what it is.
        await audit.record(q, actor, { action: 'admin.change_password', targetType: 'Admin', targetId: id, directoryId: null, before: null, after: toAdminView({ ...current, updatedAt: at }) }, at);
      });
    },
  };
}

export type AdminAccountService = ReturnType<typeof createAdminAccountService>;
