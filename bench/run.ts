// `npm run bench` (node --import tsx bench/run.ts [--quick]): drives Roster over HTTP the way Okta
// does (16 requests in flight), on SQLite and on PostgreSQL in one run, plus two Roster nodes on one
// PostgreSQL database, and prints a Markdown report with the engines side by side; the same numbers go
// to .bench/last.json. See bench/README.md for the phases and the settings.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { compareEngines } from './compare.ts';
import { measureCpu, type CpuReader, type CpuUsage } from './load.ts';
import { EXTRA_MEMBERS, MAX_ERRORS, runGroupGets, runMemberBatches } from './member-batches.ts';
import { ENGINE_LABELS, readMachine, readOptions, type BenchOptions, type Engine } from './options.ts';
import {
  createUsers,
  lookupOperation,
  runCreateGroups,
  runDeactivate,
  runGetById,
  runListWalk,
  runLookups,
  type ListWalkResult,
  type PhaseContext,
  type Population,
} from './phases.ts';
import { createBenchDatabase, describeUrl, dropBenchDatabase, type BenchDatabase } from './postgres.ts';
import { renderReport, type BenchResult, type EngineResult, type FloorResult } from './render.ts';
import { atLeast, roundForJson, type LatencySummary, type PhaseRow } from './report.ts';
import { createScimTarget, roundRobin, type ScimTarget } from './scim-client.ts';
import {
  pickFreePort,
  readCpuSeconds,
  readMachineBusySeconds,
  readMemoryUsage,
  readPostgresCpu,
  runNodeCommand,
  startProcess,
  type ServerProcess,
} from './server-process.ts';
import { issue7Lines, stackRatios, type SqliteRun } from './stack-ratios.ts';
import { runTwoNodes } from './two-nodes.ts';
import { startReceiver } from './webhook-receiver.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** One latency buffer for every phase: enough for a million requests (8 MB). */
const LATENCY_CAPACITY = 1_000_000;
/** A count-bounded phase (creates) that takes longer than this has a server problem; stop it. */
const SAFETY_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 60_000;
/** userName indexes of the two-node phase start here, far above the create phase and the top-up. */
const TWO_NODE_FIRST_INDEX = 10_000_000;

/** The issue's throughput targets (issue 2, "Performance"). */
const TARGETS = { create: 2_000, lookup: 6_000, get: 9_000, deactivate: 3_500 } as const;

/** The stack floor's one directory and fixed token (bench/floor-server.ts). */
const FLOOR = { directory: 'floor', token: 'floor-bench-token' } as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableResult = Mutable<BenchResult>;
type MutableEngineResult = Mutable<EngineResult>;
type MutableFloorResult = Mutable<FloorResult>;

const running = new Set<ServerProcess>();
/** What to delete or drop if the run is interrupted. */
const cleanups = new Map<string, () => Promise<unknown>>();

/** `node <entry> …`, through tsx when the entry is TypeScript (bin/roster.js registers tsx itself). */
function entryArgs(options: BenchOptions, ...args: string[]): string[] {
  return options.serverEntry.endsWith('.ts')
    ? ['--import', 'tsx', options.serverEntry, ...args]
    : [options.serverEntry, ...args];
}

/** A table row for a one-client phase (its error bodies are printed from its own result). */
function oneClientRow(
  phase: string,
  timing: LatencySummary &
    CpuUsage & {
      readonly requests: number;
      readonly errors: number;
      readonly seconds: number;
    },
): PhaseRow {
  return {
    phase,
    concurrency: 1,
    requests: timing.requests,
    errors: timing.errors,
    seconds: timing.seconds,
    opsPerSec: timing.seconds > 0 ? timing.requests / timing.seconds : 0,
    errorSamples: [],
    serverCpuPct: timing.serverCpuPct,
    nodeCpuPcts: timing.nodeCpuPcts,
    dbCpuPct: timing.dbCpuPct,
    clientCpuPct: timing.clientCpuPct,
    machineCpuPct: timing.machineCpuPct,
    otherCpuPct: timing.otherCpuPct,
    p50Ms: timing.p50Ms,
    p95Ms: timing.p95Ms,
    p99Ms: timing.p99Ms,
    maxMs: timing.maxMs,
  };
}

function withTarget(row: PhaseRow, minimumOpsPerSec: number): PhaseRow {
  return { ...row, target: atLeast(row.opsPerSec, minimumOpsPerSec, '/s') };
}

/** CPU of the given server processes, of PostgreSQL's processes for `database` (if any), and of the machine. */
function cpuReader(serverPids: readonly number[], database?: string): CpuReader {
  return () => ({
    servers: serverPids.map(readCpuSeconds),
    database: database === undefined ? null : readPostgresCpu(database),
    machine: readMachineBusySeconds(),
  });
}

function phaseContext(options: BenchOptions, target: ScimTarget, latencies: Float64Array, cpu: CpuReader): PhaseContext {
  return {
    target,
    latencies,
    concurrency: options.concurrency,
    phaseMs: options.phaseMs,
    safetyMs: SAFETY_MS,
    cpu,
  };
}

function createPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
    keepAliveTimeout: 60_000,
  });
}

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

async function measureCeiling(options: BenchOptions, latencies: Float64Array): Promise<PhaseRow> {
  const port = await pickFreePort();
  const server = await startProcess({
    name: 'ceiling server',
    args: ['--import', 'tsx', 'bench/ceiling-server.ts'],
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    port,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  running.add(server);
  const pool = createPool(server.origin, options.concurrency);
  try {
    const target = createScimTarget(pool, '/scim/v2/ceiling', 'ceiling');
    const population: Population = { indexes: Array.from({ length: 1_000 }, (_, i) => i), ids: [] };
    const context = phaseContext(options, target, latencies, cpuReader([server.pid]));
    return await runLookups(context, 'ceiling (fixed JSON, node:http)', lookupOperation(target, population, 1, false), latencies.length);
  } finally {
    await pool.close();
    await server.stop();
    running.delete(server);
  }
}

/**
 * The user phases Roster and the floor share, in Okta's order: create, lookup, get, list walk,
 * deactivate. `targets` adds issue 2's bars (Roster only); `afterCreate` reads memory between phases.
 */
async function runUserPhases(
  options: BenchOptions,
  context: PhaseContext,
  population: Population,
  label: string,
  phases: PhaseRow[],
  afterCreate: () => void,
  targets?: typeof TARGETS,
): Promise<ListWalkResult> {
  const judge = (row: PhaseRow, minimum: number): PhaseRow => (targets === undefined ? row : withTarget(row, minimum));
  progress(`${label}: create ${options.users} users`);
  phases.push(judge(await createUsers(context, 'create users', 0, options.users, population), TARGETS.create));
  afterCreate();
  if (population.ids.length === 0) throw new Error('no user was created; see the first errors');

  progress(`${label}: lookups`);
  const lookup = lookupOperation(context.target, population, 0x5eed0001, true);
  phases.push(judge(await runLookups(context, 'lookup (userName eq)', lookup, options.maxLookups), TARGETS.lookup));
  progress(`${label}: get by id`);
  phases.push(judge(await runGetById(context, population), TARGETS.get));

  progress(`${label}: list walk`);
  const walk = await measureCpu(context.cpu, () => runListWalk(context, population.ids.length));
  phases.push(oneClientRow('list walk pages (count=100)', { ...walk, requests: walk.pages }));

  progress(`${label}: deactivate`);
  phases.push(judge(await runDeactivate(context, population), TARGETS.deactivate));
  return walk;
}

/**
 * The stack floor: bench/floor-server.ts in its own process and data directory, driven through the
 * same user phases with the same population size as Roster.
 */
async function measureFloor(options: BenchOptions, latencies: Float64Array): Promise<FloorResult> {
  const started = performance.now();
  const floor: MutableFloorResult = { phases: [], memory: {}, notes: [], durationSeconds: 0 };
  const dataDir = await mkdtemp(join(tmpdir(), 'roster-bench-floor-'));
  cleanups.set(dataDir, () => rm(dataDir, { recursive: true, force: true }));
  let server: ServerProcess | undefined;
  let pool: Pool | undefined;
  try {
    const port = await pickFreePort();
    server = await startProcess({
      name: 'floor server',
      args: ['--import', 'tsx', 'bench/floor-server.ts'],
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        FLOOR_DATA_DIR: dataDir,
        FLOOR_DIRECTORY: FLOOR.directory,
        FLOOR_TOKEN: FLOOR.token,
      },
      port,
      readyPath: '/readyz',
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    running.add(server);
    const pid = server.pid;
    floor.memory.idle = readMemoryUsage(pid);
    pool = createPool(server.origin, options.concurrency);
    const target = createScimTarget(pool, `/scim/v2/${FLOOR.directory}`, FLOOR.token);
    const context = phaseContext(options, target, latencies, cpuReader([pid]));
    const population: Population = { indexes: [], ids: [] };
    floor.listWalk = await runUserPhases(options, context, population, 'floor', floor.phases, () => {
      floor.memory.afterCreate = readMemoryUsage(pid);
    });
  } catch (error) {
    floor.failure = (error as Error).message;
    if (server !== undefined) floor.notes.push(`floor server output (last lines):\n${server.outputTail().slice(-3_000)}`);
  } finally {
    await pool?.close();
    if (server !== undefined) {
      floor.memory.beforeStop = readMemoryUsage(server.pid);
      await server.stop();
      running.delete(server);
    }
    await rm(dataDir, { recursive: true, force: true });
    cleanups.delete(dataDir);
    floor.durationSeconds = (performance.now() - started) / 1000;
  }
  return floor;
}

interface Directory {
  readonly id: string;
  readonly token: string;
  readonly basePath: string;
}

async function createDirectory(options: BenchOptions, env: NodeJS.ProcessEnv): Promise<Directory> {
  const stdout = await runNodeCommand({
    args: entryArgs(options, 'directory', 'create', '--name', 'bench', '--idp', 'okta', '--json'),
    cwd: repoRoot,
    env,
    timeoutMs: 60_000,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: { id?: unknown; token?: unknown; scimBaseUrl?: unknown };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    throw new Error(`directory create --json printed no JSON line:\n${stdout}`);
  }
  if (typeof parsed.id !== 'string' || typeof parsed.token !== 'string') {
    throw new Error(`directory create --json: no id or token in ${line}`);
  }
  // The server is reached on 127.0.0.1:<port> whatever host scimBaseUrl names; take only its path.
  let basePath = `/scim/v2/${parsed.id}`;
  if (typeof parsed.scimBaseUrl === 'string') {
    try {
      const path = new URL(parsed.scimBaseUrl).pathname.replace(/\/+$/, '');
      if (path.endsWith(parsed.id)) basePath = path;
    } catch {
      // keep the default path
    }
  }
  return { id: parsed.id, token: parsed.token, basePath };
}

/** Member batches (after topping up the users they need) and the group reads. */
async function runMemberPhases(
  options: BenchOptions,
  context: PhaseContext,
  population: Population,
  result: MutableEngineResult,
): Promise<void> {
  const { target } = context;
  const phases = result.phases;
  // The member batches need max(size) + 5,000 users: create the missing ones, untimed, in at most
  // three rounds (a round may lose a few to errors).
  const needed = (options.memberSizes.at(-1) ?? 0) + EXTRA_MEMBERS;
  let nextIndex = options.users;
  for (let round = 0; round < 3 && population.ids.length < needed; round += 1) {
    const missing = needed - population.ids.length;
    progress(`${result.label}: create ${missing} more users for the member batches`);
    const topUp = await createUsers(context, 'top-up users', nextIndex, missing, population);
    nextIndex += missing;
    result.topUp = { users: topUp.requests - topUp.errors, seconds: topUp.seconds, opsPerSec: topUp.opsPerSec, errors: topUp.errors };
    result.notes.push(
      `created ${formatCount(topUp.requests - topUp.errors)} more users (untimed, ${formatCount(Math.round(topUp.opsPerSec))}/s, ` +
        `${topUp.errors} errors) for the member batches, which need the largest size + ${formatCount(EXTRA_MEMBERS)}`,
    );
    for (const sample of topUp.errorSamples) result.notes.push(`top-up error: ${sample}`);
  }
  const sizes = options.memberSizes.filter((size) => size + EXTRA_MEMBERS <= population.ids.length);
  if (sizes.length < options.memberSizes.length) {
    result.notes.push(`member-batch sizes cut to [${sizes.join(', ')}]: not enough users were created`);
  }
  if (sizes.length === 0) return;

  progress(`${result.label}: member batches at ${sizes.join(', ')} members`);
  result.memberBatches = await runMemberBatches(target, population, sizes, options.memberBudgetMs, context.cpu);
  // The group reads run at the size the group has, also when the member batches stopped early.
  const batches = result.memberBatches;
  if (batches.groupId !== '' && batches.errors < MAX_ERRORS) {
    progress(`${result.label}: group reads at ${batches.finalMembers} members`);
    result.groupGets = await runGroupGets(
      target,
      batches.groupId,
      batches.finalMembers,
      options.groupGetsWithoutMembers,
      options.groupGetsWithMembers,
      context.cpu,
    );
    const gets = result.groupGets;
    for (const [label, timing] of [
      ['GET group excludedAttributes=members', gets.withoutMembers],
      ['GET group with members', gets.withMembers],
    ] as const) {
      phases.push(oneClientRow(`${label} (${formatCount(gets.members)})`, timing));
    }
  }
}

async function startRoster(
  options: BenchOptions,
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<{ server: ServerProcess; env: NodeJS.ProcessEnv }> {
  const port = await pickFreePort();
  const serverEnv: NodeJS.ProcessEnv = { ...env, PORT: String(port) };
  const server = await startProcess({
    name,
    args: entryArgs(options, 'serve'),
    cwd: repoRoot,
    env: serverEnv,
    port,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  running.add(server);
  return { server, env: serverEnv };
}

async function stopRoster(server: ServerProcess): Promise<ReturnType<ServerProcess['stop']>> {
  try {
    return await server.stop();
  } finally {
    running.delete(server);
  }
}

/**
 * The two-node phase: a second node on the same database, then create and lookup throughput through
 * one node and through both (round-robin per request).
 */
async function benchmarkTwoNodes(
  options: BenchOptions,
  result: MutableResult,
  engine: MutableEngineResult,
  first: { server: ServerProcess; pool: Pool; directory: Directory; env: NodeJS.ProcessEnv },
  database: BenchDatabase,
  population: Population,
  latencies: Float64Array,
): Promise<void> {
  progress('two nodes: start the second node');
  const { server: second } = await startRoster(options, 'roster node 2', first.env);
  // Both nodes get as many connections as the load has requests in flight, so round-robin never
  // queues in the client; 8 are in flight at each node on average.
  const secondPool = createPool(second.origin, options.concurrency);
  const pids = [first.server.pid, second.pid];
  const cpu = cpuReader(pids, database.name);
  const { basePath, token } = first.directory;
  try {
    result.twoNodes = await runTwoNodes(
      {
        oneNode: phaseContext(options, createScimTarget(first.pool, basePath, token), latencies, cpu),
        twoNodes: phaseContext(options, createScimTarget(roundRobin([first.pool, secondPool]), basePath, token), latencies, cpu),
        population,
        firstFreeIndex: TWO_NODE_FIRST_INDEX,
        usersPerMode: options.twoNodeUsers,
        lookupMsPerMode: options.twoNodeLookupMs,
        nodePids: pids,
        progress,
      },
      phaseContext(options, createScimTarget(secondPool, basePath, token), latencies, cpu),
    );
  } catch (error) {
    result.twoNodeFailure = (error as Error).message;
    engine.notes.push(`second node output (last lines):\n${second.outputTail().slice(-3_000)}`);
  } finally {
    await secondPool.close();
    const stopped = await stopRoster(second);
    if (!stopped.graceful) engine.notes.push('the second node did not stop within 15 s of SIGTERM and was killed');
  }
}

/** Every phase on one engine: one server, one growing data set; on PostgreSQL also the two-node phase. */
/**
 * Issue 10's cost check, in the same invocation as the phases above: the create phase on a fresh
 * SQLite server with the request log off and no webhook, and on another with the request log on and
 * one webhook endpoint on a local receiver (a bare node:http server answering 204), the delivery
 * worker sending while the users are created. The two servers take turns, 2,500 creates each, the
 * order alternating: this machine's speed moves by up to 2× within seconds, and two phases one after
 * the other gave ratios from 0.69× to 1.04× on the same code. After each turn of the second server
 * the bench waits, untimed, until its deliveries stop arriving and its request log is written, so
 * that work does not land in the first server's turn. The delivery thread runs a fraction of a second
 * behind the requests (it yields to them), so each wait leaves out that tail, as a phase's end did
 * once before; the report says how many deliveries arrived in the waits. Turns of 1,000 left out
 * a quarter of the deliveries that way, turns of 2,500 a tenth.
 * Then bench/delivery.ts measures deliveries/s and feed events/s (one reader, pages of 1,000) in a
 * child process. Off with BENCH_VISIBILITY=0.
 */
async function measureVisibilityCost(options: BenchOptions, latencies: Float64Array, ceiling: number | undefined): Promise<string> {
  const users = Math.min(options.users, 10_000);
  const TURN = 2_500;
  const rows: string[] = [];
  const startServer = async (label: string, extraEnv: NodeJS.ProcessEnv, receiverUrl?: string) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roster-bench-visibility-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', ROSTER_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extraEnv };
    delete env.DATABASE_URL;
    const { server, env: serverEnv } = await startRoster(options, `roster (${label})`, env);
    const directory = await createDirectory(options, serverEnv);
    if (receiverUrl !== undefined) {
      await runNodeCommand({ args: entryArgs(options, 'webhook', 'create', '--url', receiverUrl, '--json'), cwd: repoRoot, env: serverEnv, timeoutMs: 60_000 });
    }
    const pool = createPool(server.origin, options.concurrency);
    const context = phaseContext(options, createScimTarget(pool, directory.basePath, directory.token), latencies, cpuReader([server.pid]));
    return {
      label,
      context,
      turns: [] as PhaseRow[],
      async close() {
        await pool.close();
        await stopRoster(server);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  };
  type VisibilityServer = Awaited<ReturnType<typeof startServer>>;
  const total = (s: VisibilityServer) => {
    const seconds = s.turns.reduce((n, t) => n + t.seconds, 0);
    const requests = s.turns.reduce((n, t) => n + t.requests, 0);
    const p50s = s.turns.map((t) => t.p50Ms).sort((a, b) => a - b);
    return { opsPerSec: seconds > 0 ? requests / seconds : 0, p50Ms: p50s[Math.floor(p50s.length / 2)] ?? NaN, errors: s.turns.reduce((n, t) => n + t.errors, 0) };
  };

  // The receiver in a worker thread (bench/webhook-receiver.ts): on the load generator's event loop it
  // delayed the SCIM requests being measured.
  const receiver = await startReceiver();
  /** Waits until no delivery has arrived for 400 ms (the request log writes every 250 ms); at most 20 s. */
  const quiet = async () => {
    const until = Date.now() + 20_000;
    let last = await receiver.count();
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const now = await receiver.count();
      if (now === last) return;
      last = now;
    }
  };
  const servers: VisibilityServer[] = [];
  try {
    progress('issue 10: two servers, without and with the request log and a webhook, taking turns at creating users');
    const plain = await startServer('request log off, no webhook', { ROSTER_REQUEST_LOG: 'off' });
    servers.push(plain);
    const loaded = await startServer('request log on, one webhook', { ROSTER_REQUEST_LOG: 'on' }, receiver.url);
    servers.push(loaded);
    // Untimed warm-up, a turn's worth on each server: a fresh server spends its first few thousand
    // requests compiling (V8's background compiler threads took 1.3 s of CPU on 6,000 creates and no
    // more on 20,000), and the loaded server has more to compile (the request log, the delivery
    // thread's own isolate). Measured cold, the ratio charged that one-time cost to the webhook.
    for (const s of [plain, loaded]) await createUsers(s.context, `warm-up (${s.label})`, users, TURN, { indexes: [], ids: [] });
    await quiet();
    let during = 0;
    let after = 0;
    for (let from = 0, turn = 0; from < users; from += TURN, turn++) {
      const count = Math.min(TURN, users - from);
      for (const s of turn % 2 === 0 ? [plain, loaded] : [loaded, plain]) {
        const before = await receiver.count();
        s.turns.push(await createUsers(s.context, `create users (${s.label})`, from, count, { indexes: [], ids: [] }));
        if (s !== loaded) continue;
        const ended = await receiver.count();
        await quiet();
        during += ended - before;
        after += (await receiver.count()) - ended;
      }
    }
    const a = total(plain);
    const b = total(loaded);
    const ratio = a.opsPerSec > 0 ? b.opsPerSec / a.opsPerSec : 0;
    rows.push(
      `| create users, request log off, no webhook | ${formatCount(Math.round(a.opsPerSec))} | ${a.p50Ms.toFixed(2)} | ${a.errors} | |`,
      `| create users, request log on, one webhook endpoint (${formatCount(during)} deliveries received during its turns, ${formatCount(after)} in the waits after them) | ${formatCount(Math.round(b.opsPerSec))} | ${b.p50Ms.toFixed(2)} | ${b.errors} | ${ratio.toFixed(2)}× of the above: ${ratio >= 0.85 ? '✓' : '✗'} (≥ 0.85×) |`,
    );
  } finally {
    for (const s of servers) await s.close();
    await receiver.close();
  }

  progress('issue 10: deliveries/s and feed events/s (bench/delivery.ts)');
  try {
    const out = await runNodeCommand({ args: ['--import', 'tsx', 'bench/delivery.ts', '--events', '20000', '--engines', options.engines.join(',')], cwd: repoRoot, env: process.env, timeoutMs: 600_000 });
    const line = out.trim().split('\n').at(-1) ?? '[]';
    for (const r of JSON.parse(line) as { engine: string; feedEventsPerSecond: number; deliveriesPerSecond: number }[]) {
      rows.push(
        `| feed, one reader, pages of 1,000 (${r.engine}) | ${formatCount(Math.round(r.feedEventsPerSecond))} events/s | | | ${r.feedEventsPerSecond >= 50_000 ? '✓' : '✗'} (≥ 50,000/s) |`,
        `| webhook deliveries to one local endpoint (${r.engine}) | ${formatCount(Math.round(r.deliveriesPerSecond))}/s | | | ${r.deliveriesPerSecond >= 2_000 ? '✓' : '✗'} (≥ 2,000/s) |`,
      );
    }
  } catch (error) {
    rows.push(`| delivery and feed | failed: ${(error as Error).message.split('\n')[0]} | | | |`);
  }
  return [
    '',
    `### Issue 10: the cost of the request log and a webhook; delivery and feed throughput (SQLite${ceiling ? `; this run's ceiling ${formatCount(Math.round(ceiling))} ops/s` : ''})`,
    '',
    `${formatCount(users)} creates per server, 16 in flight, the two servers taking turns of ${formatCount(TURN)}; each server fresh; p50: the median of the turns' p50s.`,
    '',
    '| phase | ops/s | p50 ms | errors | target |',
    '|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

async function benchmarkEngine(
  options: BenchOptions,
  engine: Engine,
  latencies: Float64Array,
  result: MutableResult,
  database?: BenchDatabase,
): Promise<MutableEngineResult> {
  const label = ENGINE_LABELS[engine];
  const started = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), `roster-bench-${engine}-`));
  if (!options.keepData) cleanups.set(dataDir, () => rm(dataDir, { recursive: true, force: true }));
  const engineResult: MutableEngineResult = {
    engine,
    label,
    where: database === undefined ? dataDir : `${database.where} (${database.version})`,
    databaseSettings: database?.settings,
    loadAverageAtStart: loadavg()[0] ?? NaN,
    phases: [],
    memory: {},
    notes: [],
    durationSeconds: 0,
  };
  result.engines.push(engineResult);

  // The engine is chosen by DATABASE_URL alone: unset for SQLite (whatever the caller's environment
  // holds), the fresh database for PostgreSQL.
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    ROSTER_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete baseEnv.DATABASE_URL;
  if (database !== undefined) baseEnv.DATABASE_URL = database.url;

  progress(`${label}: start the server`);
  let launched: Awaited<ReturnType<typeof startRoster>>;
  try {
    launched = await startRoster(options, `roster (${label})`, baseEnv);
  } catch (error) {
    engineResult.failure = (error as Error).message;
    await finishEngine(options, engineResult, dataDir, started);
    return engineResult;
  }
  const { server, env } = launched;
  engineResult.memory.idle = { users: 0, usage: readMemoryUsage(server.pid) };
  const pool = createPool(server.origin, options.concurrency);
  const population: Population = { indexes: [], ids: [] };
  try {
    const directory = await createDirectory(options, env);
    const target = createScimTarget(pool, directory.basePath, directory.token);
    const context = phaseContext(options, target, latencies, cpuReader([server.pid], database?.name));
    const phases = engineResult.phases;

    engineResult.listWalk = await runUserPhases(
      options,
      context,
      population,
      label,
      phases,
      () => {
        engineResult.memory.afterCreate = { users: population.ids.length, usage: readMemoryUsage(server.pid) };
      },
      TARGETS,
    );
    progress(`${label}: create ${options.groups} groups`);
    phases.push(await runCreateGroups(context, options.groups));

    await runMemberPhases(options, context, population, engineResult);
    engineResult.memory.atEnd = { users: population.ids.length, usage: readMemoryUsage(server.pid) };

    if (database !== undefined && options.twoNodes) {
      await benchmarkTwoNodes(options, result, engineResult, { server, pool, directory, env: baseEnv }, database, population, latencies);
    }
  } catch (error) {
    engineResult.failure = (error as Error).message;
    engineResult.notes.push(`server output (last lines):\n${server.outputTail().slice(-3_000)}`);
  } finally {
    await pool.close();
    engineResult.memory.beforeStop = { users: population.ids.length, usage: readMemoryUsage(server.pid) };
    engineResult.serverStop = await stopRoster(server);
    await finishEngine(options, engineResult, dataDir, started);
  }
  return engineResult;
}

async function finishEngine(options: BenchOptions, engineResult: MutableEngineResult, dataDir: string, started: number): Promise<void> {
  if (options.keepData) engineResult.notes.push(`data kept in ${dataDir}`);
  else {
    await rm(dataDir, { recursive: true, force: true });
    cleanups.delete(dataDir);
  }
  engineResult.loadAverageAtEnd = loadavg()[0] ?? NaN;
  engineResult.durationSeconds = (performance.now() - started) / 1000;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  // Roster serves the JavaScript compiled into dist/ (bin/roster.js falls back to the TypeScript
  // sources when they are newer): build first, so the bench measures what `npm start` runs.
  if (options.serverEntry === 'bin/roster.js') {
    progress('building dist/ (npm run build)');
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  }
  const started = performance.now();
  const latencies = new Float64Array(LATENCY_CAPACITY);
  const result: MutableResult = {
    machine: readMachine(),
    settings: {
      quick: options.quick,
      engines: options.engines,
      runs: options.runs,
      users: options.users,
      phaseSeconds: options.phaseMs / 1000,
      concurrency: options.concurrency,
      memberSizes: options.memberSizes,
      groupGetsWithMembers: options.groupGetsWithMembers,
      twoNodes: options.twoNodes && options.engines.includes('postgres'),
      twoNodeUsersPerMode: options.twoNodeUsers,
      twoNodeLookupSecondsPerMode: options.twoNodeLookupMs / 1000,
      server: options.serverEntry,
      postgres: describeUrl(options.pgAdminUrl),
    },
    engines: [],
    comparison: [],
    notes: [...options.notes],
    durationSeconds: 0,
    loadAverageAtEnd: NaN,
  };
  let exitCode = 0;
  try {
    // The SQLite part — ceiling, floor, Roster on SQLite — BENCH_RUNS times; the last run's results
    // stay in result.ceiling, result.floor and result.engines, the earlier ones in result.earlierRuns.
    const sqliteRuns: SqliteRun[] = [];
    const runs = options.engines.includes('sqlite') ? options.runs : 1;
    for (let run = 1; run <= runs; run += 1) {
      const prefix = runs > 1 ? `run ${run} of ${runs}: ` : '';
      progress(`${prefix}ceiling`);
      result.ceiling = await measureCeiling(options, latencies);
      progress(`${prefix}stack floor`);
      result.floor = await measureFloor(options, latencies);
      const current: Mutable<SqliteRun> = { ceiling: result.ceiling, floor: result.floor };
      if (options.engines.includes('sqlite')) {
        const sqlite = await benchmarkEngine(options, 'sqlite', latencies, result);
        sqlite.stackRatios = stackRatios(sqlite, result.floor, result.ceiling);
        current.sqlite = sqlite;
      }
      sqliteRuns.push(current);
      if (run < runs) {
        // Only the last run stays in the engine list (the side-by-side table and its details).
        result.engines.splice(result.engines.indexOf(current.sqlite!), 1);
        (result.earlierRuns ??= []).push(current);
      }
    }
    if (options.engines.includes('sqlite')) result.issue7 = issue7Lines(sqliteRuns);
    for (const engine of options.engines) {
      if (engine === 'sqlite') continue;
      progress(`PostgreSQL: create a database through ${describeUrl(options.pgAdminUrl)}`);
      let database: BenchDatabase;
      try {
        database = await createBenchDatabase(options.pgAdminUrl);
      } catch (error) {
        result.postgresUnavailable =
          `PostgreSQL is unreachable at ${describeUrl(options.pgAdminUrl)} (${(error as Error).message}); ` +
          (options.engines.includes('sqlite') ? 'this run reports SQLite only' : 'nothing was measured') +
          ' (BENCH_PG_URL names the server; BENCH_ENGINES=sqlite skips it)';
        progress(result.postgresUnavailable);
        // Asked for by name, a missing PostgreSQL fails the run; by default it is only reported.
        if (options.enginesChosen) exitCode = 1;
        continue;
      }
      cleanups.set(database.name, () => dropBenchDatabase(options.pgAdminUrl, database.name));
      try {
        const postgres = await benchmarkEngine(options, engine, latencies, result, database);
        postgres.stackRatios = stackRatios(postgres, result.floor, result.ceiling);
      } finally {
        const problem = await dropBenchDatabase(options.pgAdminUrl, database.name);
        cleanups.delete(database.name);
        if (problem !== undefined) result.notes.push(problem);
      }
    }
  } catch (error) {
    result.failure = (error as Error).message;
    exitCode = 1;
  }
  result.comparison = compareEngines(result.engines);
  result.loadAverageAtEnd = loadavg()[0] ?? NaN;
  result.durationSeconds = (performance.now() - started) / 1000;
  const twoNodeErrors = result.twoNodes?.comparisons.reduce((sum, c) => sum + c.one.errors + c.two.errors, 0) ?? 0;
  const floorErrors = [result.floor, ...(result.earlierRuns ?? []).map((run) => run.floor)].reduce(
    (sum, floor) => sum + (floor?.phases.reduce((inner, row) => inner + row.errors, 0) ?? 0) + (floor?.failure === undefined ? 0 : 1),
    0,
  );
  const errors =
    floorErrors +
    [...result.engines, ...(result.earlierRuns ?? []).flatMap((run) => (run.sqlite === undefined ? [] : [run.sqlite]))].reduce(
      (sum, engine) => sum + engine.phases.reduce((inner, row) => inner + row.errors, 0) + (engine.memberBatches?.errors ?? 0),
      0,
    ) + twoNodeErrors;
  if (
    errors > 0 ||
    result.engines.some((engine) => engine.failure !== undefined) ||
    (result.earlierRuns ?? []).some((run) => run.sqlite?.failure !== undefined) ||
    result.twoNodeFailure !== undefined
  ) {
    exitCode = 1;
  }

  const visibility =
    process.env.BENCH_VISIBILITY !== '0' && options.engines.includes('sqlite') && options.serverEntry === 'bin/roster.js'
      ? await measureVisibilityCost(options, latencies, result.ceiling?.opsPerSec).catch((error: Error) => `\n### Issue 10\n\nfailed: ${error.message}`)
      : '';
  // Issue 9's checks (bench/org.ts) in a child process, after the phases above; off with BENCH_ORG=0.
  let organization = '';
  if (process.env.BENCH_ORG !== '0' && options.serverEntry === 'bin/roster.js') {
    progress('issue 9: the organization layer (bench/org.ts)');
    const big = options.quick ? '10000' : '100000';
    organization = await runNodeCommand({ args: ['--import', 'tsx', 'bench/org.ts', '--engines', options.engines.join(','), '--users', options.quick ? '1000' : '3000', '--big', big], cwd: repoRoot, env: process.env, timeoutMs: 1_200_000 }).catch(
      (error: Error) => `\n### Issue 9\n\nfailed: ${error.message.split('\n')[0]}`,
    );
  }
  process.stdout.write(`${renderReport(result)}${visibility}\n${organization}\n`);
  const outDir = join(repoRoot, '.bench');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'last.json'), `${JSON.stringify(roundForJson(result), null, 2)}\n`);
  process.stdout.write(`\nwritten to .bench/last.json\n`);
  return exitCode;
}

// Ctrl-C: stop the servers this run started, delete the data, drop the database, then leave.
process.once('SIGINT', () => {
  void Promise.all([...running].map((server) => server.stop(5_000)))
    .then(() => Promise.all([...cleanups.values()].map((cleanup) => cleanup().catch(() => undefined))))
    .finally(() => process.exit(130));
});

process.exitCode = await main();
