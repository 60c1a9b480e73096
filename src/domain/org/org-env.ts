import type { AccountRecord, Queries } from '../../store/store.ts';
import type { AccountData, DomainEvent } from '../events/domain-event.ts';
import type { EventRecorder } from '../events/record-event.ts';
import type { LoadedRules, WriteFacts } from './load-rules.ts';

/** What every part of the organization layer works with, inside a write transaction. */
export interface OrgEnv {
  /** Records an event (record-event.ts), and hands it to a preview collecting this transaction's events. */
  readonly record: (tx: Queries, event: DomainEvent) => Promise<unknown>;
  /** Records events in order, several per statement (record-event.ts). */
  readonly recordMany: (tx: Queries, events: readonly DomainEvent[]) => Promise<unknown>;
  /** A directory's rules, compiled (again only when their stored text changes, load-rules.ts). */
  readonly rulesOf: (tx: Queries, directoryId: string) => Promise<LoadedRules>;
  /** A directory's rules with the domains, default groups and their grants, in one statement. */
  readonly factsOf: (tx: Queries, directoryId: string) => Promise<WriteFacts>;
  readonly now: () => Date;
}

/** Collects the organization events recorded in one transaction (for previews). */
export function createCollectingRecorder(recorder: EventRecorder) {
  const collectors = new WeakMap<Queries, DomainEvent[]>();
  return {
    record: (tx: Queries, event: DomainEvent) => {
      collectors.get(tx)?.push(event);
      return recorder.record(tx, event);
    },
    recordMany: (tx: Queries, events: readonly DomainEvent[]) => {
      collectors.get(tx)?.push(...events);
      return recorder.recordMany(tx, events);
    },
    /** Starts collecting this transaction's events into `into`. */
    collect(tx: Queries, into: DomainEvent[]) {
      collectors.set(tx, into);
    },
    /** Stops collecting: SQLite's group commit hands the same queries to the next write of its batch. */
    stop(tx: Queries) {
      collectors.delete(tx);
    },
  };
}

export function accountData(a: AccountRecord): AccountData {
  return {
    id: a.id,
    status: a.status,
    external: a.external,
    userName: a.userName,
    email: a.email,
    displayName: a.displayName,
    givenName: a.givenName,
    familyName: a.familyName,
    title: a.title,
    department: a.department,
    manager: a.manager,
    locale: a.locale,
    timezone: a.timezone,
    custom: a.custom,
  };
}

/** Event payloads list at most this many account ids; a larger change is several events. */
export const IDS_PER_EVENT = 1000;

export function idChunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_EVENT) out.push(ids.slice(i, i + IDS_PER_EVENT));
  return out;
}
