// A closed-loop load generator: `concurrency` workers, each sending its next request as soon as the
// previous one completed, so exactly `concurrency` requests are in flight (16, like Okta's provisioning
// workers). It stops at a deadline or after `maxRequests`, whichever comes first.
//
// It shares the machine's two cores with the server, so the hot path allocates as little as it can:
// latencies go into one preallocated Float64Array (reused by every phase), an operation returns `true`
// on success instead of a result object, and the only per-request strings are the ones a request needs.

/** `true` for a successful request; otherwise a short description (status and body) of the failure. */
export type Outcome = true | string;

/** Sends request number `index` (0-based, unique within a run) and reports how it went. */
export type Operation = (index: number) => Promise<Outcome>;

/** Cumulative CPU seconds of the processes a phase involves, read before and after it. */
export interface CpuTimes {
  /** Each Roster node (one, or two in the two-node phase). */
  readonly servers: readonly number[];
  /** CPU seconds of each PostgreSQL process serving the bench database (its backends and the shared
   * background writers), by pid; null on SQLite, which runs inside the server. By pid, because pooled
   * connections come and go (the pool closes idle ones): a process that exits takes its CPU time with
   * it, and a sum over the processes alive at each reading could even go down. */
  readonly database: ReadonlyMap<number, number> | null;
  /** Busy time of the whole machine, all cores together (/proc/stat); NaN without /proc. */
  readonly machine: number;
}

export type CpuReader = () => CpuTimes;

/** CPU during a phase, each in % of one core (100 = one core busy; the machine has cores × 100). */
export interface CpuUsage {
  /** All Roster nodes together. */
  readonly serverCpuPct: number;
  /** Each node, in the order of CpuTimes.servers. */
  readonly nodeCpuPcts: readonly number[];
  readonly dbCpuPct: number;
  /** This process: the load generator. */
  readonly clientCpuPct: number;
  /** The whole machine. */
  readonly machineCpuPct: number;
  /** Machine minus server(s), database and bench: other processes (other people's tests, say). */
  readonly otherCpuPct: number;
}

const NO_CPU_TIMES: CpuTimes = { servers: [], database: null, machine: NaN };

/**
 * CPU the database processes used between two readings: for each process alive at the second, its
 * time minus its time at the first (all of it for a process started since). Processes that exited in
 * between are missed, so this can only undercount.
 */
function databaseSeconds(before: CpuTimes['database'], after: CpuTimes['database']): number {
  if (before === null || after === null) return NaN;
  let total = 0;
  for (const [pid, seconds] of after) {
    const earlier = before.get(pid) ?? 0;
    // A smaller value means the pid was reused by a new process: count the new one from its start.
    total += seconds >= earlier ? seconds - earlier : seconds;
  }
  return total;
}

export function cpuUsageBetween(before: CpuTimes, after: CpuTimes, clientSeconds: number, wallSeconds: number): CpuUsage {
  const pct = (seconds: number): number => (wallSeconds > 0 ? (seconds / wallSeconds) * 100 : NaN);
  const nodeCpuPcts = after.servers.map((value, i) => pct(value - (before.servers[i] ?? NaN)));
  const serverCpuPct = nodeCpuPcts.length === 0 ? NaN : nodeCpuPcts.reduce((sum, value) => sum + value, 0);
  const dbCpuPct = pct(databaseSeconds(before.database, after.database));
  const clientCpuPct = pct(clientSeconds);
  const machineCpuPct = pct(after.machine - before.machine);
  const ours = serverCpuPct + (Number.isFinite(dbCpuPct) ? dbCpuPct : 0) + clientCpuPct;
  return {
    serverCpuPct,
    nodeCpuPcts,
    dbCpuPct,
    clientCpuPct,
    machineCpuPct,
    otherCpuPct: Math.max(0, machineCpuPct - ours),
  };
}

export interface LoadOptions {
  readonly concurrency: number;
  /** Stop starting new requests after this long; Infinity for count-bounded phases. */
  readonly durationMs: number;
  /** Never start more than this many requests. Bounded by the latency buffer's length. */
  readonly maxRequests: number;
  /** Preallocated storage for latencies in ms; shared between phases (summarize a run before the next). */
  readonly latencies: Float64Array;
  /** CPU seconds the server(s), the database and the machine have used so far, to report their load. */
  readonly cpu?: CpuReader;
}

export interface LoadResult {
  /** Requests that completed, successfully or not. */
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly concurrency: number;
  /** Latencies (ms) of every completed request, in completion order; a view into the shared buffer. */
  readonly latencies: Float64Array;
  /** The first few failures, for printing. */
  readonly errorSamples: readonly string[];
  /** CPU used during the run by this (client) process, the server(s), the database and the machine. */
  readonly cpu: CpuUsage;
}

const MAX_ERROR_SAMPLES = 3;

export async function runLoad(operation: Operation, options: LoadOptions): Promise<LoadResult> {
  const maxRequests = Math.min(options.maxRequests, options.latencies.length);
  const latencies = options.latencies;
  const errorSamples: string[] = [];
  let next = 0;
  let completed = 0;
  let errors = 0;
  const cpuBefore = options.cpu?.() ?? NO_CPU_TIMES;
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;
  let lastCompletion = started;

  const recordFailure = (description: string): void => {
    errors += 1;
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(description);
  };

  const worker = async (): Promise<void> => {
    // Bounded: `next` grows by one per iteration and the loop ends at maxRequests.
    while (next < maxRequests) {
      const t0 = performance.now();
      if (t0 >= deadline) return;
      const index = next;
      next += 1;
      let outcome: Outcome;
      try {
        outcome = await operation(index);
      } catch (error) {
        outcome = `request failed: ${(error as Error).message}`;
      }
      const t1 = performance.now();
      latencies[completed] = t1 - t0;
      completed += 1;
      lastCompletion = t1;
      if (outcome !== true) recordFailure(outcome);
    }
  };

  const workers: Promise<void>[] = [];
  for (let w = 0; w < options.concurrency; w += 1) workers.push(worker());
  await Promise.all(workers);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const cpuAfter = options.cpu?.() ?? NO_CPU_TIMES;
  const elapsedMs = lastCompletion - started;

  return {
    requests: completed,
    errors,
    elapsedMs,
    concurrency: options.concurrency,
    latencies: latencies.subarray(0, completed),
    errorSamples,
    cpu: cpuUsageBetween(cpuBefore, cpuAfter, (clientCpu.user + clientCpu.system) / 1e6, elapsedMs / 1000),
  };
}

/** A small deterministic PRNG (xorshift32), so runs pick the same "random" users. */
export function createRandom(seed: number): (bound: number) => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return (bound: number): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % bound;
  };
}

/** Measures the CPU the server(s), the database, the machine and this process use while `run` runs. */
export async function measureCpu<T>(cpu: CpuReader, run: () => Promise<T>): Promise<T & CpuUsage> {
  const before = cpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  return { ...result, ...cpuUsageBetween(before, cpu(), (client.user + client.system) / 1e6, seconds) };
}
