import type { AccountRecord, Queries, Store } from '../../store/store.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import type { createCollectingRecorder } from './org-env.ts';
import { PreviewRollback, summarizeChange, type ChangeSummary } from './preview.ts';

/**
 * A change's summary with the names of the groups and apps it names, and of the first
 * NAMED_ACCOUNTS_PER_LIST accounts of each list (a preview's new groups and accounts included).
 */
export interface NamedChangeSummary extends ChangeSummary {
  readonly names: Readonly<Record<string, string>>;
}

export interface ChangeResult<T> {
  readonly result: T | undefined;
  readonly summary: NamedChangeSummary;
  readonly preview: boolean;
}

/**
 * Runs an admin change of the organization layer in one transaction and summarizes what it did; with
 * `preview`, the transaction is rolled back after the summary is taken (nothing is written, no event
 * goes out), so the preview is the change itself, not a model of it.
 */
export function createChangeRunner(store: Store, collector: ReturnType<typeof createCollectingRecorder>) {
  return async function runChange<T>(preview: boolean, fn: (tx: Queries) => Promise<T>): Promise<ChangeResult<T>> {
    try {
      return await store.write(async (tx) => {
        const events: DomainEvent[] = [];
        collector.collect(tx, events);
        let result: T;
        try {
          result = await fn(tx);
        } finally {
          collector.stop(tx);
        }
        const summary = await named(tx, summarizeChange(events));
        if (preview) throw new PreviewRollback(summary);
        return { result, summary, preview: false };
      });
    } catch (error) {
      if (error instanceof PreviewRollback) return { result: undefined, summary: error.summary as NamedChangeSummary, preview: true };
      throw error;
    }
  };
}

/** Account ids named per list of a summary: what a reader sees first (the console shows 25, the CLI 5). */
export const NAMED_ACCOUNTS_PER_LIST = 25;

/** How an account is shown: its display name, else its email, else its userName, else its id. */
export const accountLabel = (a: AccountRecord): string => a.displayName || a.email || a.userName || a.id;

/**
 * Names the summary's groups, apps and the first accounts of each list, in one query per kind (run in
 * the change's transaction, so a preview names the accounts and groups it would create).
 */
async function named(tx: Queries, summary: ChangeSummary): Promise<NamedChangeSummary> {
  const names: Record<string, string> = {};
  for (const g of await tx.org.getGroups(summary.groups.map((g) => g.groupId))) names[g.id] = g.name;
  for (const a of await tx.org.getApps(summary.apps.map((a) => a.appId))) names[a.id] = a.name;
  const lists = [...summary.groups.flatMap((g) => [g.added, g.removed]), ...summary.apps.flatMap((a) => [a.granted, a.revoked, a.queued]), ...Object.values(summary.accounts)];
  const accountIds = new Set(lists.flatMap((list) => list.slice(0, NAMED_ACCOUNTS_PER_LIST)));
  for (const a of await tx.org.getAccounts([...accountIds])) names[a.id] = accountLabel(a);
  return { ...summary, names };
}
