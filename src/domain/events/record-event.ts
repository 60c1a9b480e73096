import { randomUUID } from 'node:crypto';
import type { Queries } from '../../store/store.ts';
import { EVENT_CATALOG, EVENT_SCHEMA_VERSION, type DomainEvent, type EventType, type RecordedEvent } from './domain-event.ts';

/**
 * Runs inside the transaction that recorded the event, with that transaction's queries: whatever a
 * reactor writes commits or rolls back with the change that caused it. The organization layer reacts
 * to SCIM-layer events this way, so SCIM code never calls it directly.
 */
export type Reactor = (tx: Queries, event: RecordedEvent) => Promise<void>;

/** Reactors may record events of their own; a chain deeper than this is a loop. */
const MAX_DEPTH = 8;

/** The one way an event is written: `record(tx, event)` appends it to the outbox and runs the reactors. */
export function createEventRecorder() {
  const reactors = new Map<EventType | '*', Reactor[]>();
  // Per transaction: several transactions interleave on PostgreSQL.
  const depths = new WeakMap<Queries, number>();

  return {
    /** Registers a reactor for one event type, or for every type with '*'. */
    react(type: EventType | '*', reactor: Reactor): void {
      reactors.set(type, [...(reactors.get(type) ?? []), reactor]);
    },

    async record(tx: Queries, event: DomainEvent): Promise<RecordedEvent> {
      const { resourceType, scope } = EVENT_CATALOG[event.type];
      if ((scope === 'directory') !== (event.directoryId !== null)) throw new Error(`event ${event.type} has the wrong scope`);
      const recorded = { ...event, id: randomUUID(), schemaVersion: EVENT_SCHEMA_VERSION, resourceType } as RecordedEvent;
      await tx.events.append({
        id: recorded.id,
        type: event.type,
        schemaVersion: recorded.schemaVersion,
        at: event.at,
        directoryId: event.directoryId,
        resourceType,
        resourceId: event.resourceId,
        data: event.data,
        changed: event.changed ?? null,
      });
      const run = [...(reactors.get(event.type) ?? []), ...(reactors.get('*') ?? [])];
      if (run.length === 0) return recorded;
      const depth = depths.get(tx) ?? 0;
      if (depth >= MAX_DEPTH) throw new Error(`event reactors nested deeper than ${MAX_DEPTH} (at ${event.type})`);
      depths.set(tx, depth + 1);
      try {
        for (const reactor of run) await reactor(tx, recorded);
      } finally {
        depths.set(tx, depth);
      }
      return recorded;
    },
  };
}

export type EventRecorder = ReturnType<typeof createEventRecorder>;
