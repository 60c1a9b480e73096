import { randomUUID } from 'node:crypto';
import { etagMatches } from '../../scim/etag.ts';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { renderResource } from '../../scim/render-resource.ts';
import { findPatchPassword } from '../../scim/patch/find-patch-password.ts';
import { userResourceType } from '../../scim/schemas/resource-types.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import { validateResource } from '../../scim/validate-resource.ts';
import type { NewUserRow, Queries, StoredUser } from '../../store/store.ts';
import { ConcurrentUpdate, withRetry, type ProvisioningContext, type ProvisioningDeps, type WriteConditions } from './provisioning-context.ts';
import { hashPassword } from './password-hash.ts';
import { mapUniqueViolation } from './unique-violation.ts';

export interface UserReadOptions {
  /** Whether to compute the read-only `groups` attribute (skipped when the projection drops it). */
  readonly withGroups: boolean;
}

/** Columns derived from the resource, so filters and uniqueness run on indexes. */
function userColumns(resource: Record<string, unknown>) {
  const userName = resource.userName as string;
  const active = resource.active;
  return {
    user_name: userName,
    user_name_lower: userName.toLowerCase(),
    external_id: typeof resource.externalId === 'string' ? resource.externalId : null,
    display_name: typeof resource.displayName === 'string' ? resource.displayName : null,
    active: typeof active === 'boolean' ? (active ? 1 : 0) : null,
  };
}

function checkIfMatch(row: { version: number }, conditions: WriteConditions): void {
  if (conditions.ifMatch !== undefined && !etagMatches(conditions.ifMatch, row.version)) {
    throw scimErrors.preconditionFailed(`the resource has changed: its version is W/"${row.version}"`);
  }
}

/** The event a user change emits: deactivation and reactivation are what apps act on. */
function userChangeEvent(before: Record<string, unknown>, after: Record<string, unknown>): string {
  if (before.active !== false && after.active === false) return 'user.deactivated';
  if (before.active === false && after.active !== false) return 'user.reactivated';
  return 'user.updated';
}

export function createUserProvisioning(deps: ProvisioningDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  /** userName is the only unique attribute of a user (RFC 7643 §4.1.1, caseExact false). */
  const taken = <T>(userName: unknown, run: () => Promise<T>) =>
    mapUniqueViolation(run, () => `userName "${typeof userName === 'function' ? userName() : userName}" is already taken in this directory`);

  const location = (ctx: ProvisioningContext, id: string) => `${ctx.baseUrl}/Users/${id}`;

  async function render(ctx: ProvisioningContext, q: Queries, rows: StoredUser[], options: UserReadOptions) {
    const groups = options.withGroups ? await q.groups.ofMembers(ctx.directoryId, rows.map((r) => r.id)) : undefined;
    return rows.map((row) => {
      const extra = groups
        ? {
            groups: (groups.get(row.id) ?? []).map((g) => ({ value: g.id, $ref: `${ctx.baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' })),
          }
        : undefined;
      return renderResource('User', toStored(row), location(ctx, row.id), extra);
    });
  }

  function toStored(row: StoredUser) {
    return { id: row.id, resource: JSON.parse(row.resource), version: row.version, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  function event(ctx: ProvisioningContext, type: string, row: Pick<NewUserRow, 'id' | 'user_name' | 'external_id'>, at: string, data: object = {}) {
    return {
      directoryId: ctx.directoryId,
      type,
      resourceType: 'User',
      resourceId: row.id,
      data: { id: row.id, userName: row.user_name, externalId: row.external_id, ...data },
      at,
    };
  }

  /** Hashes a synced password when the directory keeps them; never logged, never returned. */
  async function passwordHash(ctx: ProvisioningContext, password: string | undefined): Promise<string | undefined> {
    return ctx.passwordMode === 'store' && password !== undefined ? hashPassword(password) : undefined;
  }

  async function storePassword(ctx: ProvisioningContext, q: Queries, userId: string, hash: string | undefined, at: string) {
    if (hash === undefined) return;
    await q.passwords.set(ctx.directoryId, userId, hash, at);
    await q.events.append({ directoryId: ctx.directoryId, type: 'user.password_changed', resourceType: 'User', resourceId: userId, data: { id: userId }, at });
  }

  /** Writes a new version of a user whose resource has been validated. */
  async function writeVersion(ctx: ProvisioningContext, q: Queries, current: StoredUser, resource: Record<string, unknown>, at: string) {
    const before = JSON.parse(current.resource);
    const row: NewUserRow = {
      id: current.id,
      directory_id: ctx.directoryId,
      ...userColumns(resource),
      resource: JSON.stringify(resource),
      version: current.version + 1,
      created_at: current.created_at,
      updated_at: at,
    };
    const written = await q.users.update(row, current.version);
    if (!written) throw new ConcurrentUpdate();
    await q.events.append(event(ctx, userChangeEvent(before, resource), row, at));
    return { ...row, seq: current.seq };
  }

  async function mustGet(ctx: ProvisioningContext, q: Queries, id: string, forUpdate = false): Promise<StoredUser> {
    const row = forUpdate ? await q.users.lock(ctx.directoryId, id) : await q.users.get(ctx.directoryId, id);
    if (!row) throw scimErrors.notFound(`User ${id} not found`);
    return row;
  }

  return {
    async create(ctx: ProvisioningContext, body: unknown, options: UserReadOptions) {
      const { resource, password } = validateResource(ctx.userType ?? userResourceType, body, deps);
      const hash = await passwordHash(ctx, password);
      const at = now().toISOString();
      const row: NewUserRow = {
        id: randomUUID(),
        directory_id: ctx.directoryId,
        ...userColumns(resource),
        resource: JSON.stringify(resource),
        version: 1,
        created_at: at,
        updated_at: at,
      };
      await taken(row.user_name, () =>
        store.write(async (q) => {
          await q.users.insert(row);
          await q.events.append(event(ctx, 'user.created', row, at));
          await storePassword(ctx, q, row.id, hash, at);
        }),
      );
      const extra = options.withGroups ? { groups: [] } : undefined;
      return { resource: renderResource('User', { id: row.id, resource, version: 1, createdAt: at, updatedAt: at }, location(ctx, row.id), extra), version: 1 };
    },

    async get(ctx: ProvisioningContext, id: string, options: UserReadOptions) {
      return store.read(async (q) => {
        const row = await mustGet(ctx, q, id);
        const [resource] = await render(ctx, q, [row], options);
        return { resource: resource!, version: row.version };
      });
    },

    async replace(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions, options: UserReadOptions) {
      const { resource, password } = validateResource(ctx.userType ?? userResourceType, body, deps);
      const hash = await passwordHash(ctx, password);
      const row = await taken(resource.userName, () =>
        withRetry(() =>
          store.write(async (q) => {
            const current = await mustGet(ctx, q, id, true);
            checkIfMatch(current, conditions);
            const at = now().toISOString();
            await storePassword(ctx, q, id, hash, at);
            if (current.resource === JSON.stringify(resource)) return current;
            return writeVersion(ctx, q, current, resource, at);
          }),
        ),
      );
      return this.renderOne(ctx, row, options);
    },

    async patch(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions, options: UserReadOptions) {
      const operations = parsePatchRequest(body);
      if (deps.maxPatchOperations !== undefined && operations.length > deps.maxPatchOperations) {
        throw scimErrors.tooMany(`a PATCH may carry at most ${deps.maxPatchOperations} operations`);
      }
      const hash = await passwordHash(ctx, findPatchPassword(ctx.userType ?? userResourceType, operations));
      let userName: unknown;
      const row = await taken(() => userName, () =>
        withRetry(() =>
        store.write(async (q) => {
          const current = await mustGet(ctx, q, id, true);
          checkIfMatch(current, conditions);
          const result = applyPatch(ctx.userType ?? userResourceType, JSON.parse(current.resource), operations, deps);
          // The password is write-only: never stored in the resource; kept as a hash if the directory says so.
          const setsPassword = typeof result.resource.password === 'string';
          delete result.resource.password;
          const at = now().toISOString();
          if (setsPassword) await storePassword(ctx, q, id, hash, at);
          if (!result.changed || current.resource === JSON.stringify(result.resource)) return current;
          userName = result.resource.userName;
          if (typeof userName !== 'string' || userName === '') throw scimErrors.invalidValue('"userName" is required and cannot be removed');
          return writeVersion(ctx, q, current, result.resource, at);
        }),
        ),
      );
      return this.renderOne(ctx, row, options);
    },

    async renderOne(ctx: ProvisioningContext, row: StoredUser, options: UserReadOptions) {
      const [resource] = await store.read((q) => render(ctx, q, [row], options));
      return { resource: resource!, version: row.version };
    },

    async remove(ctx: ProvisioningContext, id: string, conditions: WriteConditions) {
      await store.write(async (q) => {
        const current = await mustGet(ctx, q, id, true);
        checkIfMatch(current, conditions);
        const at = now().toISOString();
        // A deleted user leaves every group in the same transaction.
        const groupIds = await q.members.removeEverywhere(id);
        await q.groups.touch(groupIds, -1, at);
        await q.users.delete(ctx.directoryId, id);
        for (const groupId of groupIds) {
          await q.events.append({ directoryId: ctx.directoryId, type: 'group.members_removed', resourceType: 'Group', resourceId: groupId, data: { id: groupId, members: [id] }, at });
        }
        await q.events.append(event(ctx, 'user.deleted', current, at));
      });
    },

    render,
  };
}

export type UserProvisioning = ReturnType<typeof createUserProvisioning>;
