import type { Queries } from '../../store/store.ts';
import type { RecordedEvent } from '../events/domain-event.ts';
import type { EventRecorder } from '../events/record-event.ts';
import type { AccountStatus } from './account-status.ts';
import type { OrgEnv } from './org-env.ts';
import { mapSource, recomputeAccounts } from './recompute-accounts.ts';
import { refreshProfiles, syncUsers } from './sync-users.ts';

type Of<T extends RecordedEvent['type']> = Extract<RecordedEvent, { type: T }>;

/**
 * The organization layer follows the SCIM layer through reactors (record-event.ts): each runs in the
 * transaction of the SCIM write that caused it, so the two layers commit together or not at all, and
 * SCIM code never calls the rules. Each reactor touches only the accounts its event names: O(1) for
 * a user change, O(k) for a k-member delta (plus the users below a nested group that moved).
 */
export function registerOrgReactors(recorder: EventRecorder, env: OrgEnv, status: AccountStatus): void {
  const at = (e: RecordedEvent) => e.at;
  /** Recomputes the accounts these users are linked to, with their links read in the same statement. */
  const recomputeLinked = async (tx: Queries, directoryId: string, userIds: readonly string[], when: string) => {
    const links = await tx.org.linksOfUsersAccounts(directoryId, userIds);
    if (links.length === 0) return;
    await recomputeAccounts(env, tx, links.map((l) => l.accountId), { at: when, links, facts: await env.factsOf(tx, directoryId) });
  };

  const onUser = async (tx: Queries, e: Of<'user.created' | 'user.updated' | 'user.deactivated' | 'user.reactivated'>) => {
    const directoryId = e.directoryId!;
    // A user created in this write has no link yet.
    const [existing] = e.type === 'user.created' ? [] : await tx.org.linksOfUsers(directoryId, [e.resourceId]);
    // Okta's and Entra's deactivation changes `active` alone: a linked user's profile is as it was
    // (account fields map the profile; `active` drives the status below).
    const statusOnly = existing !== undefined && e.changed?.length === 1 && e.changed[0] === 'active';
    if (!statusOnly) await syncUsers(env, status, tx, directoryId, [{ id: e.resourceId, resource: e.data }], { at: at(e), origin: 'scim', newUsers: e.type === 'user.created' });
    if (!existing) return;
    const active = e.data.active !== false;
    if (existing.active === active) return;
    await tx.org.updateLink(directoryId, e.resourceId, { active });
    const loaded = await env.rulesOf(tx, directoryId);
    await status.settle(tx, directoryId, loaded, [existing.accountId], new Map([[existing.accountId, e.resourceId]]), 'deactivate', at(e));
  };
  recorder.react('user.created', (tx, e) => onUser(tx, e as Of<'user.created'>));
  recorder.react('user.updated', (tx, e) => onUser(tx, e as Of<'user.updated'>));
  recorder.react('user.deactivated', (tx, e) => onUser(tx, e as Of<'user.deactivated'>));
  recorder.react('user.reactivated', (tx, e) => onUser(tx, e as Of<'user.reactivated'>));

  recorder.react('user.deleted', async (tx, e) => {
    const directoryId = e.directoryId!;
    const [link] = await tx.org.linksOfUsers(directoryId, [e.resourceId]);
    if (!link) return;
    await tx.org.deleteLink(directoryId, e.resourceId);
    await env.record(tx, { type: 'account.unlinked', directoryId: null, resourceId: link.accountId, data: { accountId: link.accountId, directoryId, userId: e.resourceId, linkedBy: link.linkedBy }, at: e.at });
    await recomputeAccounts(env, tx, [link.accountId], { at: e.at });
    await refreshProfiles(env, status, tx, [link.accountId], e.at);
    const loaded = await env.rulesOf(tx, directoryId);
    await status.settle(tx, directoryId, loaded, [link.accountId], new Map([[link.accountId, e.resourceId]]), 'delete', e.at);
  });

  recorder.react('group.members_changed', async (tx, e) => {
    const { added, removed } = (e as Of<'group.members_changed'>).data;
    const directoryId = e.directoryId!;
    const ids = [...added, ...removed];
    const groups = await tx.groups.existingIds(directoryId, ids);
    const users = ids.filter((id) => !groups.has(id));
    // A nested group that joined or left moves every user below it.
    for (const group of groups) users.push(...(await tx.org.subtreeUsers(group)));
    await recomputeLinked(tx, directoryId, users, e.at);
  });

  recorder.react('group.updated', async (tx, e) => {
    if (!e.changed?.includes('displayName')) return;
    const users = await tx.org.subtreeUsers(e.resourceId);
    await recomputeLinked(tx, e.directoryId!, users, e.at);
  });

  recorder.react('group.deleted', async (tx, e) => {
    // The rows the group's mapping made are in the org groups its name maps to: every change of the
    // rules recomputes the directory in its own transaction, a rename of the IdP group recomputes its
    // users, and org groups are never renamed. (Memberships have no index by source: migration 019.)
    const directoryId = e.directoryId!;
    const { compiled } = await env.rulesOf(tx, directoryId);
    const names = [...new Set(compiled.mapGroup((e as Of<'group.deleted'>).data.displayName).map((n) => n.toLowerCase()))];
    if (names.length === 0) return;
    const groupIds = (await tx.org.groupsByName(names)).map((g) => g.id);
    await recomputeAccounts(env, tx, await tx.org.accountsWithSource(groupIds, mapSource(directoryId, e.resourceId)), { at: e.at });
  });

  recorder.react('directory.deleted', async (tx, e) => {
    const directoryId = e.directoryId!;
    const accountIds = await tx.org.deleteDirectoryLinks(directoryId);
    await recomputeAccounts(env, tx, accountIds, { at: e.at });
    // An admin deleted the directory: its accounts' deactivations are theirs, not held by the guard.
    const loaded = await env.rulesOf(tx, directoryId);
    const unguarded = { ...loaded, rules: { ...loaded.rules, guard: { ...loaded.rules.guard, enabled: false } } };
    await status.settle(tx, directoryId, unguarded, accountIds, new Map(), 'deactivate', e.at);
  });
}
