import type { DomainEvent } from '../events/domain-event.ts';

/** What a change did (or, previewed, would do) to the organization layer. */
export interface ChangeSummary {
  readonly groups: readonly { readonly groupId: string; readonly added: readonly string[]; readonly removed: readonly string[] }[];
  readonly apps: readonly { readonly appId: string; readonly granted: readonly string[]; readonly revoked: readonly string[]; readonly queued: readonly string[] }[];
  readonly accounts: { readonly created: readonly string[]; readonly updated: readonly string[]; readonly deactivated: readonly string[]; readonly reactivated: readonly string[]; readonly deleted: readonly string[] };
  readonly groupsCreated: readonly string[];
}

const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

/**
 * Summarizes the organization events of one transaction. A preview runs the change for real in a
 * transaction that is then rolled back, and an applied change summarizes the same way: the two lists
 * come from the same code over the same state, so applying does exactly what the preview said.
 */
export function summarizeChange(events: readonly DomainEvent[]): ChangeSummary {
  const groups = new Map<string, { added: string[]; removed: string[] }>();
  const apps = new Map<string, { granted: string[]; revoked: string[]; queued: string[] }>();
  const accounts = { created: [] as string[], updated: [] as string[], deactivated: [] as string[], reactivated: [] as string[], deleted: [] as string[] };
  const groupsCreated: string[] = [];
  const group = (id: string) => groups.get(id) ?? groups.set(id, { added: [], removed: [] }).get(id)!;
  const app = (id: string) => apps.get(id) ?? apps.set(id, { granted: [], revoked: [], queued: [] }).get(id)!;
  for (const e of events) {
    switch (e.type) {
      case 'org_group.member_added': group(e.data.groupId).added.push(...e.data.accountIds); break;
      case 'org_group.member_removed': group(e.data.groupId).removed.push(...e.data.accountIds); break;
      case 'access.granted': app(e.data.appId).granted.push(...e.data.accountIds); break;
      case 'access.revoked': app(e.data.appId).revoked.push(...e.data.accountIds); break;
      case 'access.queued': app(e.data.appId).queued.push(...e.data.accountIds); break;
      case 'account.created': accounts.created.push(e.resourceId); break;
      case 'account.updated': accounts.updated.push(e.resourceId); break;
      case 'account.deactivated': accounts.deactivated.push(e.resourceId); break;
      case 'account.reactivated': accounts.reactivated.push(e.resourceId); break;
      case 'account.deleted': accounts.deleted.push(e.resourceId); break;
      case 'org_group.created': groupsCreated.push(e.data.name); break;
      default: break;
    }
  }
  return {
    groups: [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([groupId, g]) => ({ groupId, added: sorted(g.added), removed: sorted(g.removed) })),
    apps: [...apps].sort(([a], [b]) => a.localeCompare(b)).map(([appId, a]) => ({ appId, granted: sorted(a.granted), revoked: sorted(a.revoked), queued: sorted(a.queued) })),
    accounts: { created: sorted(accounts.created), updated: sorted(accounts.updated), deactivated: sorted(accounts.deactivated), reactivated: sorted(accounts.reactivated), deleted: sorted(accounts.deleted) },
    groupsCreated: groupsCreated.sort(),
  };
}

/** Thrown to roll a preview's transaction back, carrying what it found. */
export class PreviewRollback extends Error {
  constructor(readonly summary: ChangeSummary) {
    super('preview rolled back');
  }
}
