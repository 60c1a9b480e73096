import type { EventRecord, Store } from '../../store/store.ts';

/** Reads the outbox in order: the event feed and the tests read events through this. */
export function createEventReader(store: Store) {
  return {
    list: (options: { afterSeq?: number; limit?: number; directoryId?: string } = {}): Promise<EventRecord[]> =>
      store.read((q) => q.events.list({ afterSeq: options.afterSeq ?? 0, limit: Math.min(options.limit ?? 100, 1000), directoryId: options.directoryId })),
  };
}
