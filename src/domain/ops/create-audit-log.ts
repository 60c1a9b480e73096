import { newId } from '../new-id.ts';
import type { AuditActor, AuditEntry, AuditRecord, Queries, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';

/** Roster acting on its own, or a caller that named no actor (tests, scripts over the services). */
export const SYSTEM_ACTOR: AuditActor = Object.freeze({ type: 'system', id: null, label: 'roster', address: null });

/** What one admin action did, as the audit log keeps it (the entry without who, when and its id). */
export type AuditedAction = Omit<AuditEntry, 'id' | 'at' | 'actor'>;

export interface AuditQuery {
  readonly directoryId?: string;
  readonly actorId?: string;
  readonly action?: string;
  readonly since?: string;
  readonly until?: string;
  readonly cursor?: string;
  readonly limit: number;
}

export interface AuditPage {
  readonly entries: AuditRecord[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  readonly nextCursor: string | null;
}

/** A page position as an opaque string: the seq of the last entry shown. */
export const encodeCursor = (seq: number): string => Buffer.from(`s${seq}`).toString('base64url');
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^s\d{1,15}$/.test(text)) throw new DomainError('request.invalid', 'cursor: not a cursor this server issued');
  return Number(text.slice(1));
}

/**
 * The audit log of admin actions: who (an admin key, the CLI), from where, what, before and after.
 * An entry is written with `record` in the transaction of the change it describes, so the log never
 * holds an action that did not happen, nor misses one that did. Views only: never a secret.
 */
export function createAuditLog(deps: { store: Store; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async record(q: Queries, actor: AuditActor, action: AuditedAction, at: string = now().toISOString()): Promise<void> {
      await q.audit.append({ id: newId(), at, actor, ...action, before: action.before ?? null, after: action.after ?? null });
    },

    async list(query: AuditQuery): Promise<AuditPage> {
      const beforeSeq = decodeCursor(query.cursor);
      const entries = await deps.store.read((q) => q.audit.list({ ...query, beforeSeq }));
      return { entries, nextCursor: entries.length === query.limit ? encodeCursor(entries[entries.length - 1]!.seq) : null };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
