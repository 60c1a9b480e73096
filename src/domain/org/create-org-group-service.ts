import { newId } from '../new-id.ts';
import type { AuditActor, DefaultKind, OrgGroupRecord, Queries, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import { IDS_PER_EVENT, type OrgEnv } from './org-env.ts';
import { MANUAL, recomputeAccounts } from './recompute-accounts.ts';
import { recomputeAll } from './reconcile.ts';
import type { createChangeRunner } from './run-change.ts';

export interface OrgGroupView extends OrgGroupRecord {
  readonly memberCount: number;
}

/** Accounts recomputed per step when a group is deleted (as a reconcile walks them). */
const RECOMPUTE_CHUNK = 500;

const groupData = (g: OrgGroupRecord) => ({ id: g.id, name: g.name, syncedBy: g.syncedBy, defaultKind: g.defaultKind });

/**
 * Org groups: created by a directory's mapping (synced) or by an admin; default groups; members an
 * admin adds by hand (`manual` rows, kept or dropped per the directories' "keep existing memberships").
 */
export function createOrgGroupService(deps: { store: Store; env: OrgEnv; audit: AuditLog; runChange: ReturnType<typeof createChangeRunner> }) {
  const { store, env, audit, runChange } = deps;
  const now = () => env.now().toISOString();

  async function mustGet(q: Queries, id: string): Promise<OrgGroupRecord> {
    const [group] = await q.org.getGroups([id]);
    if (!group) throw new DomainError('org_group.not_found', `no org group ${id}`);
    return group;
  }

  async function view(q: Queries, groups: OrgGroupRecord[]): Promise<OrgGroupView[]> {
    const sizes = await q.org.groupSizes(groups.map((g) => g.id));
    return groups.map((g) => ({ ...g, memberCount: sizes.get(g.id) ?? 0 }));
  }

  /** Whether a directory syncs the group: its mapping created it, or a manual mapping targets it. */
  async function syncedBy(q: Queries, group: OrgGroupRecord): Promise<string | null> {
    if (group.syncedBy) return group.syncedBy;
    for (const d of await q.directories.list()) {
      const { rules } = await env.rulesOf(q, d.id);
      if (rules.groups.mode === 'manual' && rules.groups.map.some((m) => m.orgGroups.some((n) => n.toLowerCase() === group.name.toLowerCase()))) return d.id;
    }
    return null;
  }

  async function changeMembers(groupId: string, accountIds: readonly string[], add: boolean, actor: AuditActor) {
    return runChange(false, async (tx) => {
      const group = await mustGet(tx, groupId);
      const found = await tx.org.getAccounts(accountIds);
      if (found.length !== new Set(accountIds).size) throw new DomainError('account.not_found', 'one of the accounts does not exist');
      const ids = found.map((a) => a.id);
      const members = async () => new Set((await tx.org.membershipsOf(ids)).filter((r) => r.groupId === groupId).map((r) => r.accountId));
      const before = await members();
      const rows = ids.map((accountId) => ({ groupId, accountId, source: MANUAL }));
      if (add) await tx.org.addMemberships(rows);
      else await tx.org.removeMemberships(rows);
      const after = await members();
      const at = now();
      // A manual row only adds a reason: an account already in the group through its IdP stays.
      const changed = add ? ids.filter((id) => after.has(id) && !before.has(id)) : ids.filter((id) => before.has(id) && !after.has(id));
      if (changed.length > 0) await env.record(tx, { type: add ? 'org_group.member_added' : 'org_group.member_removed', directoryId: null, resourceId: groupId, data: { groupId, accountIds: changed }, at });
      await audit.record(tx, actor, { action: add ? 'org_group.member_add' : 'org_group.member_remove', targetType: 'OrgGroup', targetId: group.id, directoryId: null, before: null, after: { accountIds } }, at);
      // Access follows from the same recompute every other change uses.
      await recomputeAccounts(env, tx, ids, { at });
      return { groupId, changed };
    });
  }

  return {
    list: (options: { afterSeq?: number; limit?: number; search?: string } = {}) => store.read(async (q) => view(q, await q.org.listGroups({ afterSeq: options.afterSeq ?? 0, limit: options.limit ?? 100, search: options.search }))),
    get: (id: string) => store.read(async (q) => (await view(q, [await mustGet(q, id)]))[0]!),
    members: (id: string, options: { afterSeq?: number; limit?: number } = {}) =>
      store.read(async (q) => {
        await mustGet(q, id);
        return q.org.groupMembers(id, options.afterSeq ?? 0, options.limit ?? 100);
      }),

    async create(input: { name: string; description?: string | null }, actor: AuditActor = SYSTEM_ACTOR): Promise<OrgGroupRecord> {
      const at = now();
      const group: OrgGroupRecord = { id: newId(), seq: 0, name: input.name.trim(), description: input.description ?? null, syncedBy: null, defaultKind: null, createdAt: at, updatedAt: at };
      await store.write(async (tx) => {
        if (!(await tx.org.insertGroup(group))) throw new DomainError('org_group.name_taken', `an org group named "${group.name}" exists already`);
        await env.record(tx, { type: 'org_group.created', directoryId: null, resourceId: group.id, data: groupData(group), at });
        await audit.record(tx, actor, { action: 'org_group.create', targetType: 'OrgGroup', targetId: group.id, directoryId: null, before: null, after: group }, at);
      });
      return group;
    },

    /**
     * Deletes a group no directory syncs. Its members are walked in chunks (ids only, never the
     * whole group in memory): a first pass records `org_group.member_removed` for every member (at
     * most IDS_PER_EVENT ids per event), then `org_group.deleted`; a second pass removes each chunk's
     * membership rows and recomputes those accounts, which records their `access.revoked` (and hands
     * freed seats to the queue) as any other change does.
     */
    async remove(id: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      await runChange(false, async (tx) => {
        const group = await mustGet(tx, id);
        const synced = await syncedBy(tx, group);
        if (synced) throw new DomainError('org_group.invalid', `the group is synced by directory ${synced}; change that directory's group mapping instead`);
        const at = now();
        // The row and its grants go first: no recompute below can put anyone back in the group (a
        // default group) or give access through it. Its membership rows stay until walked.
        await tx.org.deleteGroup(id);
        for (let after = 0; ; ) {
          const { ids, lastSeq } = await tx.org.groupMemberIds(id, after, IDS_PER_EVENT);
          if (ids.length === 0) break;
          await env.record(tx, { type: 'org_group.member_removed', directoryId: null, resourceId: id, data: { groupId: id, accountIds: ids }, at });
          after = lastSeq;
        }
        await env.record(tx, { type: 'org_group.deleted', directoryId: null, resourceId: id, data: groupData(group), at });
        await audit.record(tx, actor, { action: 'org_group.delete', targetType: 'OrgGroup', targetId: id, directoryId: null, before: group, after: null }, at);
        for (let after = 0; ; ) {
          const { ids, lastSeq } = await tx.org.groupMemberIds(id, after, RECOMPUTE_CHUNK);
          if (ids.length === 0) break;
          await tx.org.removeGroupMembers(id, ids);
          await recomputeAccounts(env, tx, ids, { at });
          after = lastSeq;
        }
      });
    },

    addMembers: (groupId: string, accountIds: readonly string[], actor: AuditActor = SYSTEM_ACTOR) => changeMembers(groupId, accountIds, true, actor),
    removeMembers: (groupId: string, accountIds: readonly string[], actor: AuditActor = SYSTEM_ACTOR) => changeMembers(groupId, accountIds, false, actor),

    /**
     * Makes a group a default group (`new`: every new account joins it; `all`: every account is in
     * it) or an ordinary one (null). A group a directory syncs cannot be a default group.
     */
    async setDefault(groupId: string, kind: DefaultKind | null, actor: AuditActor = SYSTEM_ACTOR, preview = false) {
      return runChange(preview, async (tx) => {
        const group = await mustGet(tx, groupId);
        if (kind !== null) {
          const synced = await syncedBy(tx, group);
          if (synced) throw new DomainError('org_group.default_synced', `"${group.name}" is synced from directory ${synced}; a synced group cannot be a default group (its members come and go with the IdP)`);
        }
        if (group.defaultKind === kind) return groupData(group);
        const at = now();
        await tx.org.updateGroup(groupId, { defaultKind: kind, updatedAt: at });
        const after = { ...group, defaultKind: kind };
        await env.record(tx, { type: 'org_group.updated', directoryId: null, resourceId: groupId, data: groupData(after), changed: ['defaultKind'], at });
        await env.record(tx, { type: 'rules.changed', directoryId: null, resourceId: groupId, data: { directoryId: null, what: 'default_groups', version: null }, at });
        await audit.record(tx, actor, { action: 'org_group.set_default', targetType: 'OrgGroup', targetId: groupId, directoryId: null, before: { defaultKind: group.defaultKind }, after: { defaultKind: kind } }, at);
        // `all` adds every account; leaving `all` removes the rows it made: set-wise over every account.
        if (kind === 'all' || group.defaultKind === 'all') await recomputeAll(env, tx, at);
        return groupData(after);
      });
    },
  };
}

export type OrgGroupService = ReturnType<typeof createOrgGroupService>;
