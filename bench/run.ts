// `npm run bench` (node --import tsx bench/run.ts [--quick]): drives Roster over HTTP the way Okta
// does (16 requests in flight) and prints a Markdown report; the same numbers go to .bench/last.json.
// See bench/README.md for the phases and the settings.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { measureCpu } from './load.ts';
import { EXTRA_MEMBERS, MAX_ERRORS, runGroupGets, runMemberBatches } from './member-batches.ts';
import { readMachine, readOptions, type BenchOptions } from './options.ts';
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
import { renderReport, type BenchResult } from './render.ts';
import { atLeast, roundForJson, type LatencySummary, type PhaseRow } from './report.ts';
import { createScimTarget, type ScimTarget } from './scim-client.ts';
import {
  pickFreePort,
  readCpuSeconds,
  readMemoryUsage,
  runNodeCommand,
  startProcess,
  type ServerProcess,
} from './server-process.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** One latency buffer for every phase: enough for a million requests (8 MB). */
const LATENCY_CAPACITY = 1_000_000;
/** A count-bounded phase (creates) that takes longer than this has a server problem; stop it. */
const SAFETY_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 60_000;

/** The throughput targets (issue 2, "Performance"). */
const TARGETS = { create: 2_000, lookup: 6_000, get: 9_000, deactivate: 3_500 } as const;

type MutableResult = { -readonly [K in keyof BenchResult]: BenchResult[K] };

const running = new Set<ServerProcess>();
/** The data directory to delete if the run is interrupted. */
let interruptedCleanup: string | undefined;

/** `node <entry> …`, through tsx when the entry is TypeScript (bin/roster.js registers tsx itself). */
function entryArgs(options: BenchOptions, ...args: string[]): string[] {
  return options.serverEntry.endsWith('.ts')
    ? ['--import', 'tsx', options.serverEntry, ...args]
    : [options.serverEntry, ...args];
}

/** A table row for a one-client phase (its error bodies are printed from its own result). */
function oneClientRow(
  phase: string,
  timing: LatencySummary & {
    readonly requests: number;
    readonly errors: number;
    readonly seconds: number;
    readonly serverCpuPct: number;
    readonly clientCpuPct: number;
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
    clientCpuPct: timing.clientCpuPct,
    p50Ms: timing.p50Ms,
    p95Ms: timing.p95Ms,
    p99Ms: timing.p99Ms,
    maxMs: timing.maxMs,
  };
}

function withTarget(row: PhaseRow, minimumOpsPerSec: number): PhaseRow {
  return { ...row, target: atLeast(row.opsPerSec, minimumOpsPerSec, '/s') };
}

function phaseContext(options: BenchOptions, target: ScimTarget, latencies: Float64Array, serverPid: number): PhaseContext {
  return {
    target,
    latencies,
    concurrency: options.concurrency,
    phaseMs: options.phaseMs,
    safetyMs: SAFETY_MS,
    serverCpuSeconds: () => readCpuSeconds(serverPid),
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
    const context = phaseContext(options, target, latencies, server.pid);
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

/** Member batches (after topping up the users they need) and the group reads, phases 8 and 9. */
async function runMemberPhases(
  options: BenchOptions,
  context: PhaseContext,
  population: Population,
  result: MutableResult,
  progress: (text: string) => void,
): Promise<void> {
  const { target } = context;
  const phases = result.phases;
  // The member batches need max(size) + 5,000 users: create the missing ones, untimed, in at most
  // three rounds (a round may lose a few to errors).
  const needed = (options.memberSizes.at(-1) ?? 0) + EXTRA_MEMBERS;
  let nextIndex = options.users;
  for (let round = 0; round < 3 && population.ids.length < needed; round += 1) {
    const missing = needed - population.ids.length;
    progress(`create ${missing} more users for the member batches`);
    const topUp = await createUsers(context, 'top-up users', nextIndex, missing, population);
    nextIndex += missing;
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

  progress(`member batches at ${sizes.join(', ')} members`);
  result.memberBatches = await runMemberBatches(target, population, sizes, options.memberBudgetMs, context.serverCpuSeconds);
  // The group reads run at the size the group has, also when the member batches stopped early.
  const batches = result.memberBatches;
  if (batches.groupId !== '' && batches.errors < MAX_ERRORS) {
    progress(`group reads at ${batches.finalMembers} members`);
    result.groupGets = await runGroupGets(
      target,
      batches.groupId,
      batches.finalMembers,
      options.groupGetsWithoutMembers,
      options.groupGetsWithMembers,
      context.serverCpuSeconds,
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

async function benchmarkRoster(
  options: BenchOptions,
  latencies: Float64Array,
  dataDir: string,
  result: MutableResult,
): Promise<void> {
  const port = await pickFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ROSTER_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const server = await startProcess({
    name: 'roster',
    args: entryArgs(options, 'serve'),
    cwd: repoRoot,
    env,
    port,
    readyPath: '/readyz',
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  running.add(server);
  const pool = createPool(server.origin, options.concurrency);
  try {
    const directory = await createDirectory(options, env);
    const target = createScimTarget(pool, directory.basePath, directory.token);
    const context = phaseContext(options, target, latencies, server.pid);
    const population: Population = { indexes: [], ids: [] };
    const phases = result.phases;
    const progress = (text: string): void => {
      process.stderr.write(`bench: ${text}\n`);
    };

    progress(`create ${options.users} users`);
    phases.push(withTarget(await createUsers(context, 'create users', 0, options.users, population), TARGETS.create));
    result.memory.afterCreate = { users: population.ids.length, usage: readMemoryUsage(server.pid) };
    if (population.ids.length === 0) throw new Error('no user was created; see the first errors');

    progress('lookups');
    phases.push(
      withTarget(
        await runLookups(context, 'lookup (userName eq)', lookupOperation(target, population, 0x5eed0001, true), options.maxLookups),
        TARGETS.lookup,
      ),
    );
    progress('get by id');
    phases.push(withTarget(await runGetById(context, population), TARGETS.get));

    progress('list walk');
    const walk = await measureCpu(context.serverCpuSeconds, () => runListWalk(context, population.ids.length));
    result.listWalk = walk;
    phases.push(oneClientRow('list walk pages (count=100)', { ...walk, requests: walk.pages }));

    progress('deactivate');
    phases.push(withTarget(await runDeactivate(context, population), TARGETS.deactivate));
    progress(`create ${options.groups} groups`);
    phases.push(await runCreateGroups(context, options.groups));

    await runMemberPhases(options, context, population, result, progress);
    result.memory.atEnd = { users: population.ids.length, usage: readMemoryUsage(server.pid) };
  } catch (error) {
    result.notes.push(`server output (last lines):\n${server.outputTail().slice(-3_000)}`);
    throw error;
  } finally {
    await pool.close();
    result.serverStop = await server.stop();
    running.delete(server);
  }
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  const started = performance.now();
  const latencies = new Float64Array(LATENCY_CAPACITY);
  const dataDir = await mkdtemp(join(tmpdir(), 'roster-bench-'));
  if (!options.keepData) interruptedCleanup = dataDir;
  const result: MutableResult = {
    machine: readMachine(),
    settings: {
      quick: options.quick,
      users: options.users,
      phaseSeconds: options.phaseMs / 1000,
      concurrency: options.concurrency,
      memberSizes: options.memberSizes,
      server: options.serverEntry,
      dataDir,
    },
    phases: [],
    memory: {},
    notes: [...options.notes],
    durationSeconds: 0,
  };
  let exitCode = 0;
  try {
    process.stderr.write('bench: ceiling\n');
    result.phases.push(await measureCeiling(options, latencies));
    await benchmarkRoster(options, latencies, dataDir, result);
  } catch (error) {
    result.failure = (error as Error).message;
    exitCode = 1;
  } finally {
    if (options.keepData) result.notes.push(`data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
  result.durationSeconds = (performance.now() - started) / 1000;
  const errors =
    result.phases.reduce((sum, row) => sum + row.errors, 0) + (result.memberBatches?.errors ?? 0);
  if (errors > 0) exitCode = 1;

  process.stdout.write(`${renderReport(result)}\n`);
  const outDir = join(repoRoot, '.bench');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'last.json'), `${JSON.stringify(roundForJson(result), null, 2)}\n`);
  process.stdout.write(`\nwritten to .bench/last.json\n`);
  return exitCode;
}

// Ctrl-C: stop the servers this run started, delete the data, then leave.
process.once('SIGINT', () => {
  void Promise.all([...running].map((server) => server.stop(5_000)))
    .then(() => (interruptedCleanup === undefined ? undefined : rm(interruptedCleanup, { recursive: true, force: true })))
    .finally(() => process.exit(130));
});

process.exitCode = await main();
