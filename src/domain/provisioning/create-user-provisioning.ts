import { newId } from '../new-id.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { findPatchPassword } from '../../scim/patch/find-patch-password.ts';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import { validateResource } from '../../scim/validate-resource.ts';
import { WriteConflictError } from '../../store/store-errors.ts';
import type { GroupRef, NewUser, Queries, UserRecord } from '../../store/store.ts';
import type { EventType } from '../events/domain-event.ts';
import { changedAttributes, checkIfMatch, checkPatchSize } from './check-write.ts';
import { listPage } from './list-page.ts';
import { hashPassword } from './password-hash.ts';
import type { ListQuery, Page, ProvisioningContext, ProvisioningDeps, WriteConditions } from './provisioning-context.ts';
import { mapUniqueViolation } from './unique-violation.ts';

export interface UserReadOptions {
  /** Whether to read the groups the user belongs to (skipped when the projection drops `groups`). */
  readonly withGroups: boolean;
}

/** A user as the domain hands it out: the record, and its groups when they were asked for. */
export interface UserView {
  readonly user: UserRecord;
  readonly groups?: readonly GroupRef[];
}

/** The event a user change emits: deactivation and reactivation are what apps act on. */
function userChangeEvent(before: Record<string, unknown>, after: Record<string, unknown>): Extract<EventType, 'user.updated' | 'user.deactivated' | 'user.reactivated'> {
  if (before.active !== false && after.active === false) return 'user.deactivated';
  if (before.active === false && after.active !== false) return 'user.reactivated';
  return 'user.updated';
}

/** Users of the SCIM layer, stored as their IdP wrote them (RFC 7643 §4.1). */
export function createUserProvisioning(deps: ProvisioningDeps) {
  const { store, events } = deps;
  const now = deps.now ?? (() => new Date());

  /** userName is the only unique attribute of a user (RFC 7643 §4.1.1, caseExact false). */
  const taken = <T>(userName: () => unknown, run: () => Promise<T>) =>
    mapUniqueViolation(run, () => `userName "${String(userName())}" is already taken in this directory`);

  async function withGroups(q: Queries, ctx: ProvisioningContext, users: UserRecord[], options: UserReadOptions): Promise<UserView[]> {
    if (!options.withGroups || users.length === 0) return users.map((user) => ({ user }));
    const groups = await q.groups.ofMembers(ctx.directoryId, users.map((u) => u.id));
    return users.map((user) => ({ user, groups: groups.get(user.id) ?? [] }));
  }

  /** Hashes a synced password when the directory keeps them; never logged, never returned. */
  async function passwordHash(ctx: ProvisioningContext, password: string | undefined): Promise<string | undefined> {
    return ctx.passwordMode === 'store' && password !== undefined ? hashPassword(password) : undefined;
  }

  async function storePassword(ctx: ProvisioningContext, q: Queries, userId: string, hash: string | undefined, at: string) {
    if (hash === undefined) return;
    await q.passwords.set(ctx.directoryId, userId, hash, at);
    await events.record(q, { type: 'user.password_changed', directoryId: ctx.directoryId, resourceId: userId, data: { id: userId }, at });
  }

  /** Writes a new version of a user whose resource has been validated, if it differs. */
  async function writeVersion(ctx: ProvisioningContext, q: Queries, current: UserRecord, resource: Record<string, unknown>, at: string): Promise<UserRecord> {
    const changed = changedAttributes(current.resource, resource);
    if (changed.length === 0 && JSON.stringify(current.resource) === JSON.stringify(resource)) return current;
    const next: NewUser = { ...current, resource, version: current.version + 1, updatedAt: at };
    if (!(await q.users.update(next, current))) throw new WriteConflictError();
    await events.record(q, { type: userChangeEvent(current.resource, resource), directoryId: ctx.directoryId, resourceId: current.id, data: { ...resource, id: current.id }, changed, at });
    return { ...next, seq: current.seq };
  }

  async function mustLock(ctx: ProvisioningContext, q: Queries, id: string, conditions: WriteConditions): Promise<UserRecord> {
    const current = await q.users.lock(ctx.directoryId, id);
    if (!current) throw scimErrors.notFound(`User ${id} not found`);
    checkIfMatch(current, conditions);
    return current;
  }

  /** The written user with its groups, read after the write when they were asked for. */
  async function view(ctx: ProvisioningContext, user: UserRecord, options: UserReadOptions): Promise<UserView> {
    if (!options.withGroups) return { user };
    return (await store.read((q) => withGroups(q, ctx, [user], options)))[0]!;
  }

  return {
    async create(ctx: ProvisioningContext, body: unknown, options: UserReadOptions): Promise<UserView> {
      const { resource, password } = validateResource(ctx.userType, body, deps);
      const hash = await passwordHash(ctx, password);
      const at = now().toISOString();
      const user: NewUser = { id: newId(), directoryId: ctx.directoryId, resource, version: 1, createdAt: at, updatedAt: at };
      await taken(
        () => resource.userName,
        () =>
          store.write(async (q) => {
            await q.users.insert(user);
            await events.record(q, { type: 'user.created', directoryId: ctx.directoryId, resourceId: user.id, data: { ...resource, id: user.id }, at });
            await storePassword(ctx, q, user.id, hash, at);
          }),
      );
      // A new user is in no group yet.
      return { user: { ...user, seq: 0 }, ...(options.withGroups ? { groups: [] } : {}) };
    },

    async get(ctx: ProvisioningContext, id: string, options: UserReadOptions): Promise<UserView> {
      const found = options.withGroups
        ? await store.read((q) => q.users.getWithGroups(ctx.directoryId, id))
        : await store.read(async (q) => {
            const user = await q.users.get(ctx.directoryId, id);
            return user && { user };
          });
      if (!found) throw scimErrors.notFound(`User ${id} not found`);
      return found;
    },

    async list(ctx: ProvisioningContext, query: ListQuery, options: UserReadOptions): Promise<Page<UserView>> {
      const page = await store.read((q) => listPage(q.users, ctx.directoryId, ctx.userType, query));
      const items = await store.read((q) => withGroups(q, ctx, page.items, options));
      return { ...page, items };
    },

    async replace(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions, options: UserReadOptions): Promise<UserView> {
      const { resource, password } = validateResource(ctx.userType, body, deps);
      const hash = await passwordHash(ctx, password);
      const user = await taken(
        () => resource.userName,
        () =>
          store.write(async (q) => {
            const current = await mustLock(ctx, q, id, conditions);
            const at = now().toISOString();
            await storePassword(ctx, q, id, hash, at);
            return writeVersion(ctx, q, current, resource, at);
          }),
      );
      return view(ctx, user, options);
    },

    async patch(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions, options: UserReadOptions): Promise<UserView> {
      const operations = parsePatchRequest(body);
      checkPatchSize(deps, operations);
      const hash = await passwordHash(ctx, findPatchPassword(ctx.userType, operations));
      let userName: unknown;
      const user = await taken(
        () => userName,
        () =>
          store.write(async (q) => {
            const current = await mustLock(ctx, q, id, conditions);
            const result = applyPatch(ctx.userType, current.resource, operations, deps);
            // The password is write-only: never stored in the resource; kept as a hash if the directory says so.
            const setsPassword = typeof result.resource.password === 'string';
            delete result.resource.password;
            const at = now().toISOString();
            if (setsPassword) await storePassword(ctx, q, id, hash, at);
            if (!result.changed) return current;
            userName = result.resource.userName;
            if (typeof userName !== 'string' || userName === '') throw scimErrors.invalidValue('"userName" is required and cannot be removed');
            return writeVersion(ctx, q, current, result.resource, at);
          }),
      );
      return view(ctx, user, options);
    },

    async remove(ctx: ProvisioningContext, id: string, conditions: WriteConditions): Promise<void> {
      await store.write(async (q) => {
        const current = await mustLock(ctx, q, id, conditions);
        const at = now().toISOString();
        // A deleted user leaves every group in the same transaction.
        const groupIds = await q.members.removeEverywhere(id);
        await q.groups.touch(groupIds, -1, at);
        await q.users.delete(ctx.directoryId, id);
        for (const groupId of groupIds) {
          await events.record(q, { type: 'group.members_changed', directoryId: ctx.directoryId, resourceId: groupId, data: { id: groupId, added: [], removed: [id] }, at });
        }
        const { userName, externalId } = current.resource;
        await events.record(q, {
          type: 'user.deleted',
          directoryId: ctx.directoryId,
          resourceId: id,
          data: { id, userName: String(userName), externalId: typeof externalId === 'string' ? externalId : null },
          at,
        });
      });
    },
  };
}

export type UserProvisioning = ReturnType<typeof createUserProvisioning>;
