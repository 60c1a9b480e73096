// `npm run bench` (node --import tsx bench/run.ts [--quick]): drives Roster over HTTP the way Okta
// does (16 requests in flight), on SQLite and on PostgreSQL in one run, plus two Roster nodes on one
// PostgreSQL database, and prints a Markdown report with the engines side by side; the same numbers go
// to .bench/last.json. See bench/README.md for the phases and the settings.
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
  type PhaseContext,
  type Population,
} from './phases.ts';
import { createBenchDatabase, describeUrl, dropBenchDatabase, type BenchDatabase } from './postgres.ts';
import { renderReport, type BenchResult, type EngineResult } from './render.ts';
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
import { runTwoNodes } from './two-nodes.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** One latency buffer for every phase: enough for a million requests (8 MB). */
const LATENCY_CAPACITY = 1_000_000;
/** A count-bounded phase (creates) that takes longer than this has a server problem; stop it. */
const SAFETY_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 60_000;
/** userName indexes of the two-node phase start here, far above the create phase and the top-up. */
const TWO_NODE_FIRST_INDEX = 10_000_000;

/** The throughput targets (issue 2, "Performance"). */
const TARGETS = { create: 2_000, lookup: 6_000, get: 9_000, deactivate: 3_500 } as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableResult = Mutable<BenchResult>;
type MutableEngineResult = Mutable<EngineResult>;

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
  const pool = createPool(server.origin, options.concurrency);
  try {
    const directory = await createDirectory(options, env);
    const target = createScimTarget(pool, directory.basePath, directory.token);
    const context = phaseContext(options, target, latencies, cpuReader([server.pid], database?.name));
    const population: Population = { indexes: [], ids: [] };
    const phases = engineResult.phases;

    progress(`${label}: create ${options.users} users`);
    phases.push(withTarget(await createUsers(context, 'create users', 0, options.users, population), TARGETS.create));
    engineResult.memory.afterCreate = { users: population.ids.length, usage: readMemoryUsage(server.pid) };
    if (population.ids.length === 0) throw new Error('no user was created; see the first errors');

    progress(`${label}: lookups`);
    phases.push(
      withTarget(
        await runLookups(context, 'lookup (userName eq)', lookupOperation(target, population, 0x5eed0001, true), options.maxLookups),
        TARGETS.lookup,
      ),
    );
    progress(`${label}: get by id`);
    phases.push(withTarget(await runGetById(context, population), TARGETS.get));

    progress(`${label}: list walk`);
    const walk = await measureCpu(context.cpu, () => runListWalk(context, population.ids.length));
    engineResult.listWalk = walk;
    phases.push(oneClientRow('list walk pages (count=100)', { ...walk, requests: walk.pages }));

    progress(`${label}: deactivate`);
    phases.push(withTarget(await runDeactivate(context, population), TARGETS.deactivate));
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
  const started = performance.now();
  const latencies = new Float64Array(LATENCY_CAPACITY);
  const result: MutableResult = {
    machine: readMachine(),
    settings: {
      quick: options.quick,
      engines: options.engines,
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
    progress('ceiling');
    result.ceiling = await measureCeiling(options, latencies);
    for (const engine of options.engines) {
      if (engine === 'sqlite') {
        await benchmarkEngine(options, engine, latencies, result);
        continue;
      }
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
        await benchmarkEngine(options, engine, latencies, result, database);
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
  const errors =
    result.engines.reduce(
      (sum, engine) => sum + engine.phases.reduce((inner, row) => inner + row.errors, 0) + (engine.memberBatches?.errors ?? 0),
      0,
    ) + twoNodeErrors;
  if (errors > 0 || result.engines.some((engine) => engine.failure !== undefined) || result.twoNodeFailure !== undefined) {
    exitCode = 1;
  }

  process.stdout.write(`${renderReport(result)}\n`);
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
