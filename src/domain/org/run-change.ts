import type { Queries, Store } from '../../store/store.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import type { createCollectingRecorder } from './org-env.ts';
import { PreviewRollback, summarizeChange, type ChangeSummary } from './preview.ts';

/** A change's summary with the names of the groups and apps it names (a preview's new groups included). */
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

async function named(tx: Queries, summary: ChangeSummary): Promise<NamedChangeSummary> {
  const names: Record<string, string> = {};
  for (const g of await tx.org.getGroups(summary.groups.map((g) => g.groupId))) names[g.id] = g.name;
  for (const a of summary.apps) {
    const app = await tx.org.getApp(a.appId);
    if (app) names[app.id] = app.name;
  }
  return { ...summary, names };
}
