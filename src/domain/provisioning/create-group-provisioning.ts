import { randomUUID } from 'node:crypto';
import { etagMatches } from '../../scim/etag.ts';
import type { MemberDelta, MemberRef } from '../../scim/patch/member-delta.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { renderResource } from '../../scim/render-resource.ts';
import { groupResourceType } from '../../scim/schemas/resource-types.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import { validateResource } from '../../scim/validate-resource.ts';
import type { NewGroupRow, NewMember, Queries, Store, StoredGroup } from '../../store/store.ts';
import { ConcurrentUpdate, withRetry, type ProvisioningContext, type ProvisioningDeps, type WriteConditions } from './provisioning-context.ts';
import { mapUniqueViolation } from './unique-violation.ts';

/** Members are read in pages this large, releasing the database between pages. */
const MEMBER_PAGE = 2000;

export interface MemberResource {
  readonly value: string;
  readonly $ref: string;
  readonly type: 'User' | 'Group';
  readonly display?: string;
}

function groupColumns(resource: Record<string, unknown>) {
  const displayName = resource.displayName as string;
  return {
    display_name: displayName,
    display_name_lower: displayName.toLowerCase(),
    external_id: typeof resource.externalId === 'string' ? resource.externalId : null,
  };
}

/** Streams a group's members page by page: memory stays flat whatever the group's size. */
export async function* streamMembers(store: Store, ctx: ProvisioningContext, groupId: string): AsyncGenerator<MemberResource> {
  let after = 0;
  for (;;) {
    const rows = await store.read((q) => q.members.page(groupId, after, MEMBER_PAGE));
    for (const r of rows) {
      const member: MemberResource = { value: r.member_id, $ref: `${ctx.baseUrl}/${r.member_type}s/${r.member_id}`, type: r.member_type };
      yield r.display === null ? member : { ...member, display: r.display };
    }
    if (rows.length < MEMBER_PAGE) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export function createGroupProvisioning(deps: ProvisioningDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());

  const location = (ctx: ProvisioningContext, id: string) => `${ctx.baseUrl}/Groups/${id}`;
  const taken = <T>(name: () => unknown, run: () => Promise<T>) =>
    mapUniqueViolation(run, () => `a group named "${String(name())}" already exists in this directory`);

  function render(ctx: ProvisioningContext, row: StoredGroup | NewGroupRow) {
    return renderResource(
      'Group',
      { id: row.id, resource: JSON.parse(row.resource), version: row.version, createdAt: row.created_at, updatedAt: row.updated_at },
      location(ctx, row.id),
    );
  }

  async function mustGet(ctx: ProvisioningContext, q: Queries, id: string, forUpdate = false): Promise<StoredGroup> {
    const row = forUpdate ? await q.groups.lock(ctx.directoryId, id) : await q.groups.get(ctx.directoryId, id);
    if (!row) throw scimErrors.notFound(`Group ${id} not found`);
    return row;
  }

  function checkIfMatch(row: { version: number }, conditions: WriteConditions): void {
    if (conditions.ifMatch !== undefined && !etagMatches(conditions.ifMatch, row.version)) {
      throw scimErrors.preconditionFailed(`the group has changed: its version is W/"${row.version}"`);
    }
  }

  /**
   * Resolves members to add to users or groups of this directory. O(k) in the members named; an id
   * that is neither is a 400, since an IdP only pushes members it has provisioned.
   */
  async function resolveMembers(ctx: ProvisioningContext, q: Queries, groupId: string, refs: readonly MemberRef[]): Promise<NewMember[]> {
    if (refs.length === 0) return [];
    const ids = refs.map((r) => r.value);
    const users = await q.users.existingIds(ctx.directoryId, ids);
    const rest = ids.filter((id) => !users.has(id));
    const groups = rest.length > 0 ? await q.groups.existingIds(ctx.directoryId, rest) : new Set<string>();
    return refs.map((ref) => {
      if (ref.value === groupId) throw scimErrors.invalidValue('a group cannot be a member of itself');
      const memberType = users.has(ref.value) ? 'User' : groups.has(ref.value) ? 'Group' : undefined;
      if (!memberType) throw scimErrors.invalidValue(`member "${ref.value}" is not a user or group of this directory`);
      return { memberId: ref.value, memberType, display: ref.display ?? null };
    });
  }

  /**
   * Applies a membership delta in O(k). A full replace (Okta's "push all members") is turned into
   * the minimal difference, so members who stay are not touched and no event claims they changed.
   */
  async function applyMembers(ctx: ProvisioningContext, q: Queries, groupId: string, delta: MemberDelta) {
    let toAdd: readonly MemberRef[] = delta.add;
    let toRemove: readonly string[] = delta.remove;
    if (delta.replaceAll) {
      const wanted = new Map(delta.add.map((m) => [m.value, m]));
      const stale: string[] = [];
      let after = 0;
      for (;;) {
        const rows = await q.members.page(groupId, after, MEMBER_PAGE);
        for (const r of rows) if (!wanted.delete(r.member_id)) stale.push(r.member_id);
        if (rows.length < MEMBER_PAGE) break;
        after = rows[rows.length - 1]!.seq;
      }
      toAdd = [...wanted.values()];
      toRemove = stale;
    }
    const newMembers = await resolveMembers(ctx, q, groupId, toAdd);
    const removed = toRemove.length > 0 ? await q.members.remove(groupId, toRemove) : [];
    const added = newMembers.length > 0 ? await q.members.add(ctx.directoryId, groupId, newMembers) : [];
    return { added, removed };
  }

  async function memberEvents(ctx: ProvisioningContext, q: Queries, groupId: string, change: { added: string[]; removed: string[] }, at: string) {
    if (change.added.length > 0) {
      await q.events.append({ directoryId: ctx.directoryId, type: 'group.members_added', resourceType: 'Group', resourceId: groupId, data: { id: groupId, members: change.added }, at });
    }
    if (change.removed.length > 0) {
      await q.events.append({ directoryId: ctx.directoryId, type: 'group.members_removed', resourceType: 'Group', resourceId: groupId, data: { id: groupId, members: change.removed }, at });
    }
  }

  /** Writes the group row (resource and/or member count) as a new version, if anything changed. */
  async function writeVersion(ctx: ProvisioningContext, q: Queries, current: StoredGroup, resource: Record<string, unknown>, change: { added: string[]; removed: string[] }, resourceChanged: boolean, at: string) {
    const membersChanged = change.added.length + change.removed.length > 0;
    if (!resourceChanged && !membersChanged) return current;
    const row: NewGroupRow = {
      id: current.id,
      directory_id: ctx.directoryId,
      ...groupColumns(resource),
      resource: JSON.stringify(resource),
      member_count: current.member_count + change.added.length - change.removed.length,
      version: current.version + 1,
      created_at: current.created_at,
      updated_at: at,
    };
    if (!(await q.groups.update(row, current.version))) throw new ConcurrentUpdate();
    if (resourceChanged) {
      await q.events.append({ directoryId: ctx.directoryId, type: 'group.updated', resourceType: 'Group', resourceId: row.id, data: { id: row.id, displayName: row.display_name, externalId: row.external_id }, at });
    }
    await memberEvents(ctx, q, row.id, change, at);
    return { ...row, seq: current.seq };
  }

  return {
    async create(ctx: ProvisioningContext, body: unknown) {
      const { resource, members = [] } = validateResource(ctx.groupType ?? groupResourceType, body, deps);
      const at = now().toISOString();
      const id = randomUUID();
      const row = await taken(
        () => resource.displayName,
        () =>
          store.write(async (q) => {
            const newMembers = await resolveMembers(ctx, q, id, members);
            const base: NewGroupRow = { id, directory_id: ctx.directoryId, ...groupColumns(resource), resource: JSON.stringify(resource), member_count: 0, version: 1, created_at: at, updated_at: at };
            await q.groups.insert(base);
            const added = newMembers.length > 0 ? await q.members.add(ctx.directoryId, id, newMembers) : [];
            if (added.length > 0) await q.groups.touch([id], added.length, at);
            await q.events.append({ directoryId: ctx.directoryId, type: 'group.created', resourceType: 'Group', resourceId: id, data: { id, displayName: base.display_name, externalId: base.external_id }, at });
            await memberEvents(ctx, q, id, { added, removed: [] }, at);
            return added.length > 0 ? { ...base, member_count: added.length, version: 2 } : base;
          }),
      );
      return { resource: render(ctx, row), version: row.version, memberCount: row.member_count };
    },

    async get(ctx: ProvisioningContext, id: string) {
      const row = await store.read((q) => mustGet(ctx, q, id));
      return { resource: render(ctx, row), version: row.version, memberCount: row.member_count };
    },

    async replace(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions) {
      const { resource, members } = validateResource(ctx.groupType ?? groupResourceType, body, deps);
      const row = await taken(
        () => resource.displayName,
        () =>
          withRetry(() =>
            store.write(async (q) => {
              const current = await mustGet(ctx, q, id, true);
              checkIfMatch(current, conditions);
              // PUT replaces the whole group, members included (RFC 7644 §3.5.1); a PUT without
              // `members` empties the group.
              const change = await applyMembers(ctx, q, id, { replaceAll: true, add: members ?? [], remove: [] });
              return writeVersion(ctx, q, current, resource, change, current.resource !== JSON.stringify(resource), now().toISOString());
            }),
          ),
      );
      return { resource: render(ctx, row), version: row.version, memberCount: row.member_count };
    },

    async patch(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions) {
      const operations = parsePatchRequest(body);
      if (deps.maxPatchOperations !== undefined && operations.length > deps.maxPatchOperations) {
        throw scimErrors.tooMany(`a PATCH may carry at most ${deps.maxPatchOperations} operations`);
      }
      let name: unknown;
      const row = await taken(
        () => name,
        () =>
          withRetry(() =>
            store.write(async (q) => {
              const current = await mustGet(ctx, q, id, true);
              checkIfMatch(current, conditions);
              const result = applyPatch(ctx.groupType ?? groupResourceType, JSON.parse(current.resource), operations, deps);
              if (!result.changed) return current;
              name = result.resource.displayName;
              if (typeof name !== 'string' || name === '') throw scimErrors.invalidValue('"displayName" is required and cannot be removed');
              const change = await applyMembers(ctx, q, id, result.members);
              const resourceChanged = JSON.stringify(result.resource) !== current.resource;
              return writeVersion(ctx, q, current, result.resource, change, resourceChanged, now().toISOString());
            }),
          ),
      );
      return { resource: render(ctx, row), version: row.version, memberCount: row.member_count };
    },

    async remove(ctx: ProvisioningContext, id: string, conditions: WriteConditions) {
      await store.write(async (q) => {
        const current = await mustGet(ctx, q, id, true);
        checkIfMatch(current, conditions);
        const at = now().toISOString();
        // The group may itself be a member of other groups: it leaves them in the same transaction.
        const parents = await q.members.removeEverywhere(id);
        await q.groups.touch(parents, -1, at);
        await q.groups.delete(ctx.directoryId, id);
        await q.events.append({ directoryId: ctx.directoryId, type: 'group.deleted', resourceType: 'Group', resourceId: id, data: { id, displayName: current.display_name, externalId: current.external_id }, at });
      });
    },

    render,
  };
}

export type GroupProvisioning = ReturnType<typeof createGroupProvisioning>;
