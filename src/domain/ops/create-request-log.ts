import type { RequestLogEntry, RequestLogRecord, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';

import type { OpsMetrics } from './ops-metrics.ts';

/** What the HTTP layer knows of a request once it is answered; the costly parts are computed later. */
export interface PendingRequestLogEntry extends Omit<RequestLogEntry, 'received' | 'receivedSize' | 'normalized' | 'resources' | 'subjects'> {
  /** False for a request refused before its token was accepted: logged only if its directory exists. */
  readonly authenticated: boolean;
  /**
   * Redacts, caps and serializes the bodies and lists the resources touched. Called when the batch is
   * written, after the response has left, so a request never waits for its own log entry.
   */
  readonly details: () => Pick<RequestLogEntry, 'received' | 'receivedSize' | 'normalized' | 'resources' | 'subjects'>;
}

export interface RequestLogOptions {
  readonly store: Store;
  readonly metrics: OpsMetrics;
  /** `ROSTER_REQUEST_LOG=off` turns the log off: nothing is buffered or written. */
  readonly enabled: boolean;
  readonly retentionDays: number;
  /** A batch is written at least this often… */
  readonly flushIntervalMs?: number;
  /** …or as soon as it holds this many entries. */
  readonly maxBatch?: number;
  /** Beyond this many entries waiting (the database is away), new ones are dropped and counted. */
  readonly maxBuffered?: number;
  readonly onError?: (error: unknown, dropped: number) => void;
  readonly now?: () => Date;
}

export interface RequestLogQuery {
  /** `400`, `4xx`, `5xx` or `error` (400 and above). */
  readonly status?: string;
  /** A resource id or userName. */
  readonly user?: string;
  readonly since?: string;
  readonly until?: string;
  readonly cursor?: string;
  readonly limit: number;
}

/** The body as the API shows it: JSON when it was stored whole, else the stored prefix and the size. */
export type LoggedBody = unknown | { readonly truncated: true; readonly size: number; readonly prefix: string };

export type RequestLogView = Omit<RequestLogRecord, 'seq' | 'received' | 'receivedSize' | 'normalized'> & {
  readonly received: LoggedBody | null;
  readonly normalized: LoggedBody | null;
};

function showBody(text: string | null, size: number | null): LoggedBody | null {
  if (text === null) return null;
  if (size !== null && size > text.length) return { truncated: true, size, prefix: text };
  try {
    return JSON.parse(text);
  } catch {
    // A body that was not JSON (the client's mistake, answered 400) is shown as it came.
    return text;
  }
}

export function toRequestLogView(r: RequestLogRecord): RequestLogView {
  const { seq: _seq, received, receivedSize, normalized, ...rest } = r;
  return { ...rest, received: showBody(received, receivedSize), normalized: showBody(normalized, null) };
}

/** A page position as an opaque string: the time and seq of the last entry shown. */
const encodeCursor = (r: RequestLogRecord): string => Buffer.from(JSON.stringify([r.at, r.seq])).toString('base64url');
function decodeCursor(cursor: string | undefined): { at: string; seq: number } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(seq)) return { at, seq: seq as number };
  } catch {
    // not ours: refused below
  }
  throw new DomainError('request.invalid', 'cursor: not a cursor this server issued');
}

function statusRange(status: string | undefined): { min: number; max: number } | undefined {
  if (status === undefined) return undefined;
  if (status === 'error') return { min: 400, max: 599 };
  const cls = /^([1-5])xx$/i.exec(status);
  if (cls) return { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
  return { min: Number(status), max: Number(status) };
}

/**
 * The request log: every SCIM request per directory, written in batches so a request pays only a
 * push onto an array. A batch goes to the database every `flushIntervalMs` (250 ms) or when it holds
 * `maxBatch` entries, in one transaction; `close()` writes what is left (on shutdown). A crash loses
 * at most the last quarter second of entries, never a SCIM write (the log is observation, not state).
 */
export function createRequestLog(options: RequestLogOptions) {
  const { store, metrics } = options;
  const now = options.now ?? (() => new Date());
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxBatch = options.maxBatch ?? 500;
  const maxBuffered = options.maxBuffered ?? 20_000;
  let buffer: PendingRequestLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** Directories known to exist (their rows are never removed), so a refused request's entry needs no lookup. */
  const knownDirectories = new Set<string>();

  async function keepKnown(entries: PendingRequestLogEntry[]): Promise<PendingRequestLogEntry[]> {
    const unknown = [...new Set(entries.filter((e) => !e.authenticated && !knownDirectories.has(e.directoryId)).map((e) => e.directoryId))];
    for (const id of unknown) {
      if (await store.read((q) => q.directories.get(id))) knownDirectories.add(id);
    }
    return entries.filter((e) => e.authenticated || knownDirectories.has(e.directoryId));
  }

  async function write(batch: PendingRequestLogEntry[]): Promise<void> {
    try {
      for (const e of batch) if (e.authenticated) knownDirectories.add(e.directoryId);
      const kept = await keepKnown(batch);
      if (kept.length === 0) return;
      const entries: RequestLogEntry[] = kept.map((e) => {
        const d = e.details();
        return {
          directoryId: e.directoryId,
          at: e.at,
          requestId: e.requestId,
          idp: e.idp,
          version: e.version,
          method: e.method,
          path: e.path,
          query: e.query,
          operation: e.operation,
          status: e.status,
          latencyMs: e.latencyMs,
          received: d.received,
          receivedSize: d.receivedSize,
          normalized: d.normalized,
          rewrites: e.rewrites,
          resources: d.resources,
          subjects: d.subjects,
          error: e.error,
        };
      });
      await store.write((q) => q.requestLog.insertMany(entries));
      metrics.requestLogWritten.inc({}, entries.length);
    } catch (error) {
      metrics.requestLogDropped.inc({}, batch.length);
      options.onError?.(error, batch.length);
    }
  }

  /** Writes everything buffered now; resolves when it (and any batch before it) is in the database. */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      writing = writing.then(() => write(batch));
    }
    return writing;
  }

  return {
    enabled: options.enabled,

    record(entry: PendingRequestLogEntry): void {
      if (!options.enabled) return;
      if (buffer.length >= maxBuffered) {
        metrics.requestLogDropped.inc();
        return;
      }
      buffer.push(entry);
      if (buffer.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushIntervalMs);
        timer.unref();
      }
    },

    flush,

    /** Entries waiting to be written (a gauge at /metrics). */
    buffered: () => buffer.length,

    /** A directory's entries, newest first; what this node still buffers is written first. */
    async list(directoryId: string, query: RequestLogQuery): Promise<{ requests: RequestLogView[]; nextCursor: string | null }> {
      // A deleted directory keeps its log: its IdP may still be calling, and getting 404s.
      if (!(await store.read((q) => q.directories.get(directoryId)))) throw new DomainError('directory.not_found', `no directory ${directoryId}`);
      await flush();
      const records = await store.read((q) =>
        q.requestLog.list({
          directoryId,
          status: statusRange(query.status),
          subject: query.user,
          since: query.since,
          until: query.until,
          before: decodeCursor(query.cursor),
          limit: query.limit,
        }),
      );
      return { requests: records.map(toRequestLogView), nextCursor: records.length === query.limit ? encodeCursor(records[records.length - 1]!) : null };
    },

    /** Deletes entries older than the retention; returns how many. Run periodically by `roster serve`. */
    async purge(at: Date = now()): Promise<number> {
      const before = new Date(at.getTime() - options.retentionDays * 86_400_000).toISOString();
      let total = 0;
      for (;;) {
        const n = await store.write((q) => q.requestLog.purgeBefore(before, 5000));
        total += n;
        if (n < 5000) return total;
      }
    },

    /** Writes what is buffered and stops the timer (server shutdown). */
    close: () => flush(),
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
