import { newId } from '../new-id.ts';
import { applyPatch } from '../../scim/patch/apply-patch.ts';
import type { MemberDelta, MemberRef } from '../../scim/patch/member-delta.ts';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import { validateResource } from '../../scim/validate-resource.ts';
import { WriteConflictError } from '../../store/store-errors.ts';
import type { GroupRecord, MemberRecord, NewGroup, NewMember, Queries } from '../../store/store.ts';
import { changedAttributes, checkIfMatch, checkPatchSize } from './check-write.ts';
import { listPage } from './list-page.ts';
import type { ListQuery, Page, ProvisioningContext, ProvisioningDeps, WriteConditions } from './provisioning-context.ts';
import { mapUniqueViolation } from './unique-violation.ts';

/** Members are read in pages this large, releasing the database between pages. */
const MEMBER_PAGE = 2000;

/** What a membership change did: the member ids actually added and removed. */
interface MemberChange {
  readonly added: string[];
  readonly removed: string[];
}


/** Groups of the SCIM layer; their members live in their own table, so a delta costs O(k). */
export function createGroupProvisioning(deps: ProvisioningDeps) {
  const { store, events } = deps;
  const now = deps.now ?? (() => new Date());

  const taken = <T>(name: () => unknown, run: () => Promise<T>) =>
    mapUniqueViolation(run, () => `a group named "${String(name())}" already exists in this directory`);

  async function mustLock(ctx: ProvisioningContext, q: Queries, id: string, conditions: WriteConditions): Promise<GroupRecord> {
    const current = await q.groups.lock(ctx.directoryId, id);
    if (!current) throw scimErrors.notFound(`Group ${id} not found`);
    checkIfMatch(current, conditions);
    return current;
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
  async function applyMembers(ctx: ProvisioningContext, q: Queries, groupId: string, delta: MemberDelta): Promise<MemberChange> {
    let toAdd: readonly MemberRef[] = delta.add;
    let toRemove: readonly string[] = delta.remove;
    if (delta.replaceAll) {
      const wanted = new Map(delta.add.map((m) => [m.value, m]));
      const stale: string[] = [];
      let after = 0;
      for (;;) {
        const rows = await q.members.page(groupId, after, MEMBER_PAGE);
        for (const r of rows) if (!wanted.delete(r.memberId)) stale.push(r.memberId);
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

  /** Writes the group (resource and/or member count) as a new version and records what changed. */
  async function writeVersion(ctx: ProvisioningContext, q: Queries, current: GroupRecord, resource: Record<string, unknown>, change: MemberChange, at: string): Promise<GroupRecord> {
    const changed = changedAttributes(current.resource, resource);
    const resourceChanged = changed.length > 0 || JSON.stringify(current.resource) !== JSON.stringify(resource);
    const membersChanged = change.added.length + change.removed.length > 0;
    if (!resourceChanged && !membersChanged) return current;
    const next: NewGroup = { ...current, resource, memberCount: current.memberCount + change.added.length - change.removed.length, version: current.version + 1, updatedAt: at };
    if (!(await q.groups.update(next, current))) throw new WriteConflictError();
    if (resourceChanged) {
      await events.record(q, { type: 'group.updated', directoryId: ctx.directoryId, resourceId: current.id, data: { ...resource, id: current.id }, changed, at });
    }
    if (membersChanged) {
      await events.record(q, { type: 'group.members_changed', directoryId: ctx.directoryId, resourceId: current.id, data: { id: current.id, ...change }, at });
    }
    return { ...next, seq: current.seq };
  }

  return {
    async create(ctx: ProvisioningContext, body: unknown): Promise<GroupRecord> {
      const { resource, members = [] } = validateResource(ctx.groupType, body, deps);
      const at = now().toISOString();
      const id = newId();
      return taken(
        () => resource.displayName,
        () =>
          store.write(async (q) => {
            const newMembers = await resolveMembers(ctx, q, id, members);
            const group: NewGroup = { id, directoryId: ctx.directoryId, resource, memberCount: 0, version: 1, createdAt: at, updatedAt: at };
            await q.groups.insert(group);
            const added = newMembers.length > 0 ? await q.members.add(ctx.directoryId, id, newMembers) : [];
            if (added.length > 0) await q.groups.touch([id], added.length, at);
            await events.record(q, { type: 'group.created', directoryId: ctx.directoryId, resourceId: id, data: { ...resource, id }, at });
            if (added.length > 0) {
              await events.record(q, { type: 'group.members_changed', directoryId: ctx.directoryId, resourceId: id, data: { id, added, removed: [] }, at });
            }
            return added.length > 0 ? { ...group, seq: 0, memberCount: added.length, version: 2 } : { ...group, seq: 0 };
          }),
      );
    },

    async get(ctx: ProvisioningContext, id: string): Promise<GroupRecord> {
      const found = await store.read((q) => q.groups.get(ctx.directoryId, id));
      if (!found) throw scimErrors.notFound(`Group ${id} not found`);
      return found;
    },

    list: (ctx: ProvisioningContext, query: ListQuery): Promise<Page<GroupRecord>> => store.read((q) => listPage(q.groups, ctx.directoryId, ctx.groupType, query)),

    /**
     * A group's members, page by page in insertion order: memory stays flat whatever the group's size,
     * and a caller pays one asynchronous step per page, not per member.
     */
    async *memberPages(ctx: ProvisioningContext, groupId: string): AsyncGenerator<MemberRecord[]> {
      let after = 0;
      for (;;) {
        const rows = await store.read((q) => q.members.page(groupId, after, MEMBER_PAGE));
        if (rows.length > 0) yield rows;
        if (rows.length < MEMBER_PAGE) return;
        after = rows[rows.length - 1]!.seq;
      }
    },

    /**
     * One page of a group's members after a position, for a reader that pages on demand (the admin
     * console): a 1,000,000-member group costs one indexed range read of `limit` rows per page.
     */
    async memberPage(ctx: ProvisioningContext, groupId: string, after: number, limit: number): Promise<{ members: MemberRecord[]; next: number | null }> {
      return store.read(async (q) => {
        if (!(await q.groups.get(ctx.directoryId, groupId))) throw scimErrors.notFound(`Group ${groupId} not found`);
        const rows = await q.members.page(groupId, after, limit + 1);
        const more = rows.length > limit;
        if (more) rows.pop();
        return { members: rows, next: more ? rows[rows.length - 1]!.seq : null };
      });
    },

    async replace(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions): Promise<GroupRecord> {
      const { resource, members } = validateResource(ctx.groupType, body, deps);
      return taken(
        () => resource.displayName,
        () =>
          store.write(async (q) => {
            const current = await mustLock(ctx, q, id, conditions);
            // PUT replaces the whole group, members included (RFC 7644 §3.5.1); a PUT without
            // `members` empties the group.
            const change = await applyMembers(ctx, q, id, { replaceAll: true, add: members ?? [], remove: [] });
            return writeVersion(ctx, q, current, resource, change, now().toISOString());
          }),
      );
    },

    async patch(ctx: ProvisioningContext, id: string, body: unknown, conditions: WriteConditions): Promise<GroupRecord> {
      const operations = parsePatchRequest(body);
      checkPatchSize(deps, operations);
      let name: unknown;
      return taken(
        () => name,
        () =>
          store.write(async (q) => {
            const current = await mustLock(ctx, q, id, conditions);
            const result = applyPatch(ctx.groupType, current.resource, operations, deps);
            if (!result.changed) return current;
            name = result.resource.displayName;
            if (typeof name !== 'string' || name === '') throw scimErrors.invalidValue('"displayName" is required and cannot be removed');
            const change = await applyMembers(ctx, q, id, result.members);
            return writeVersion(ctx, q, current, result.resource, change, now().toISOString());
          }),
      );
    },

    /**
     * Adds and removes members without a PATCH document: the organization layer, sync jobs and the
     * console change membership through this. O(k) in the members named.
     */
    async applyMemberDelta(ctx: ProvisioningContext, id: string, delta: { add?: readonly MemberRef[]; remove?: readonly string[] }, conditions: WriteConditions = {}): Promise<GroupRecord> {
      const add = delta.add ?? [];
      const removeSet = new Set(delta.remove ?? []);
      if (add.some((m) => removeSet.has(m.value))) throw scimErrors.invalidValue('a member cannot be both added and removed');
      return store.write(async (q) => {
        const current = await mustLock(ctx, q, id, conditions);
        const change = await applyMembers(ctx, q, id, { replaceAll: false, add: [...add], remove: [...removeSet] });
        return writeVersion(ctx, q, current, current.resource, change, now().toISOString());
      });
    },

    async remove(ctx: ProvisioningContext, id: string, conditions: WriteConditions): Promise<void> {
      await store.write(async (q) => {
        const current = await mustLock(ctx, q, id, conditions);
        const at = now().toISOString();
        // The group may itself be a member of other groups: it leaves them in the same transaction.
        const parents = await q.members.removeEverywhere(id);
        await q.groups.touch(parents, -1, at);
        // Recorded while the group and its members still exist: a reactor following nested groups
        // (the organization layer) finds the users who reached the parents through this group.
        for (const parent of parents) {
          await events.record(q, { type: 'group.members_changed', directoryId: ctx.directoryId, resourceId: parent, data: { id: parent, added: [], removed: [id] }, at });
        }
        await q.groups.delete(ctx.directoryId, id);
        const { displayName, externalId } = current.resource;
        await events.record(q, {
          type: 'group.deleted',
          directoryId: ctx.directoryId,
          resourceId: id,
          data: { id, displayName: String(displayName), externalId: typeof externalId === 'string' ? externalId : null },
          at,
        });
      });
    },
  };
}

export type GroupProvisioning = ReturnType<typeof createGroupProvisioning>;
