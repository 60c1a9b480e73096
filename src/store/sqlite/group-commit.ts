import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { WriteConflictError } from '../store-errors.ts';
import type { Queries } from '../store.ts';

/** How many queued writes one commit may carry. */
const MAX_BATCH = 64;
/** How many times a write whose conditional update lost a race is run again. */
const MAX_ATTEMPTS = 8;

interface Job {
  readonly fn: (q: Queries) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Opens the batch's transaction; false when another connection holds the write lock right now. */
export type TryBegin = (conn: Kysely<Database>) => Promise<boolean>;

export interface GroupCommitOptions {
  readonly tryBegin?: TryBegin;
  /** How long a batch waits for another connection's write lock before it fails as busy. */
  readonly busyTimeoutMs?: number;
}

/** Thrown out of a batch that could not take the write lock in time. */
class BusyError extends Error {
  readonly code = 'SQLITE_BUSY';
}

const beginImmediate: TryBegin = async (conn) => {
  await sql`begin immediate`.execute(conn);
  return true;
};

/** Waits before the next try for the write lock: a turn of the event loop first, then 1 ms, then 5 ms. */
function backOff(tries: number): Promise<void> {
  return new Promise((resolve) => (tries < 4 ? setImmediate(resolve) : setTimeout(resolve, tries < 50 ? 1 : 5)));
}

/**
 * Group commit for SQLite's single writer. A COMMIT in WAL mode writes every dirty page to the log:
 * about 95 µs of a 390 µs deactivation (measured, 20,000 users), more than the writes themselves.
 * Writes that queue while one runs share the next transaction instead: each runs inside its own
 * SAVEPOINT (so a failure, or a lost race retried, undoes that write alone), and all of them commit
 * once. A write is acknowledged only after that COMMIT, so a crash never loses an acknowledged write;
 * if the COMMIT fails, every write of the batch fails with it and none is acknowledged.
 *
 * A write must use the queries it is given: `store.write` called from inside a write would wait for
 * its own batch forever. (Detecting it needs AsyncLocalStorage, whose promise hooks cost every
 * request of the process about a tenth of its CPU, measured; the domain never does it.)
 */
export function createGroupCommit(db: Kysely<Database>, queriesFor: (conn: Kysely<Database>) => Queries, options: GroupCommitOptions = {}) {
  const tryBegin = options.tryBegin ?? beginImmediate;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const queue: Job[] = [];
  let draining = false;

  async function runJob(conn: Kysely<Database>, q: Queries, job: Job): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      await sql`savepoint roster_write`.execute(conn);
      try {
        const value = await job.fn(q);
        await q.events.flush();
        await sql`release roster_write`.execute(conn);
        return { ok: true, value };
      } catch (error) {
        q.events.discard();
        await sql`rollback to roster_write`.execute(conn);
        await sql`release roster_write`.execute(conn);
        if (!(error instanceof WriteConflictError) || attempt >= MAX_ATTEMPTS) return { ok: false, error };
      }
    }
  }

  /**
   * Another connection (the delivery worker's thread, the CLI) may hold the write lock. Waiting for it
   * inside SQLite (busy_timeout) would stop this thread's event loop for the wait, every request with
   * it; instead the batch lets the connection go, yields, and tries again, while the writes queued
   * meanwhile join it.
   */
  async function runBatch(batch: Job[]): Promise<void> {
    let outcomes: Outcome[] | undefined;
    const started = Date.now();
    try {
      for (let tries = 0; outcomes === undefined; tries++) {
        if (tries > 0) {
          if (Date.now() - started > busyTimeoutMs) throw new BusyError('database is locked');
          await backOff(tries);
          batch.push(...queue.splice(0, MAX_BATCH - batch.length));
        }
        outcomes = await db.connection().execute(async (conn) => {
          if (!(await tryBegin(conn))) return undefined;
          try {
            const q = queriesFor(conn);
            const done: Outcome[] = [];
            for (const job of batch) done.push(await runJob(conn, q, job));
            await sql`commit`.execute(conn);
            return done;
          } catch (error) {
            await sql`rollback`.execute(conn).catch(() => undefined);
            throw error;
          }
        });
      }
    } catch (error) {
      // BEGIN or COMMIT failed: nothing of the batch is in the database.
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((job, i) => {
      const outcome = outcomes![i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await runBatch(queue.splice(0, MAX_BATCH));
    } finally {
      draining = false;
    }
  }

  return function write<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // The batch starts after the event loop's poll phase, so the requests that arrived with this
      // one reach their writes first and share its commit (a batch run at once would hold one).
      if (!draining) {
        draining = true;
        setImmediate(() => void drain());
      }
    });
  };
}
