// The benchmark's settings, from the command line and the environment, validated once.
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';

export type Engine = 'sqlite' | 'postgres';

export const ENGINE_LABELS: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export interface BenchOptions {
  readonly quick: boolean;
  /** The engines to run, in order (BENCH_ENGINES): SQLite first, then PostgreSQL. */
  readonly engines: readonly Engine[];
  /** Whether BENCH_ENGINES was set (then an unreachable PostgreSQL fails the run). */
  readonly enginesChosen: boolean;
  /** Where the bench creates and drops its PostgreSQL database (BENCH_PG_URL). */
  readonly pgAdminUrl: string;
  /** The two-node phase on PostgreSQL (BENCH_TWO_NODES=0 skips it). */
  readonly twoNodes: boolean;
  /** Users created per mode (one node, two nodes) in the two-node phase. */
  readonly twoNodeUsers: number;
  /** Lookup time per mode in the two-node phase. */
  readonly twoNodeLookupMs: number;
  /** How many times the SQLite part (ceiling, floor, Roster on SQLite) runs (BENCH_RUNS); targets use the medians. */
  readonly runs: number;
  /** Users created in the create phase (BENCH_USERS). */
  readonly users: number;
  /** Length of each time-bounded phase. */
  readonly phaseMs: number;
  readonly concurrency: number;
  /** Group sizes for the member batches, ascending (the largest is BENCH_MEMBERS). */
  readonly memberSizes: readonly number[];
  readonly groups: number;
  /** Caps on the request counts of the lookup and group-read phases. */
  readonly maxLookups: number;
  readonly groupGetsWithoutMembers: number;
  readonly groupGetsWithMembers: number;
  /** The member batches stop (and say so) after this long, so a slow server cannot stall the run. */
  readonly memberBudgetMs: number;
  /** The server's entry script, relative to the repository root (BENCH_SERVER). */
  readonly serverEntry: string;
  readonly keepData: boolean;
  /** Things the reader must know about the settings (a capped size, say). */
  readonly notes: readonly string[];
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  /** The 1-minute load average when the run started: above ~0.5 the machine was not idle. */
  readonly loadAverageAtStart: number;
}

const MAX_USERS = 1_000_000;
const BIG_GROUP = 100_000;

function readInteger(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readEngines(): { engines: Engine[]; chosen: boolean } {
  const raw = process.env.BENCH_ENGINES;
  if (raw === undefined || raw.trim() === '') return { engines: ['sqlite', 'postgres'], chosen: false };
  const wanted = new Set<Engine>();
  for (const word of raw.split(',').map((part) => part.trim().toLowerCase())) {
    if (word === 'sqlite') wanted.add('sqlite');
    else if (word === 'postgres' || word === 'postgresql' || word === 'pg') wanted.add('postgres');
    else if (word !== '') throw new Error(`BENCH_ENGINES: unknown engine "${word}" (sqlite, postgres or both, comma-separated)`);
  }
  if (wanted.size === 0) throw new Error('BENCH_ENGINES names no engine (sqlite, postgres or both)');
  return { engines: (['sqlite', 'postgres'] as const).filter((engine) => wanted.has(engine)), chosen: true };
}

export function readOptions(argv: readonly string[]): BenchOptions {
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --quick)`);
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const users = readInteger('BENCH_USERS', quick ? 2_000 : 20_000, 100, MAX_USERS);
  const seconds = readInteger('BENCH_SECONDS', quick ? 1 : 5, 1, 120);
  const concurrency = readInteger('BENCH_CONCURRENCY', 16, 1, 256);
  const memberBudgetSeconds = readInteger('BENCH_MEMBER_BUDGET_SECONDS', 300, 1, 3_600);
  const largestGroup = readInteger('BENCH_MEMBERS', quick ? 1_000 : BIG_GROUP, 100, MAX_USERS);
  const { engines, chosen } = readEngines();
  const notes: string[] = [];

  // Sizes: 1,000, 10,000 and BENCH_MEMBERS (100,000; quick: 1,000 only). The users beyond BENCH_USERS
  // that the largest size needs are created before the member batches, untimed.
  const memberSizes = [...new Set([1_000, 10_000, largestGroup].filter((size) => size <= largestGroup))].sort((a, b) => a - b);
  if (!quick && largestGroup < BIG_GROUP) {
    notes.push(`largest member-batch size ${largestGroup.toLocaleString('en-US')} (BENCH_MEMBERS); the issue's scale point is 100,000`);
  }

  return {
    quick,
    engines,
    enginesChosen: chosen,
    pgAdminUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    twoNodes: process.env.BENCH_TWO_NODES !== '0',
    twoNodeUsers: readInteger('BENCH_TWO_NODE_USERS', quick ? 1_000 : 6_000, 100, 1_000_000),
    twoNodeLookupMs: readInteger('BENCH_TWO_NODE_SECONDS', quick ? 1 : 5, 1, 120) * 1000,
    runs: readInteger('BENCH_RUNS', 1, 1, 9),
    users,
    phaseMs: seconds * 1000,
    concurrency,
    memberSizes,
    groups: 200,
    maxLookups: 20_000,
    groupGetsWithoutMembers: 200,
    // Each with-members read at 100,000 members returns ~20 MB; 10 of them are enough for p50/p95.
    groupGetsWithMembers: quick ? 20 : 10,
    memberBudgetMs: memberBudgetSeconds * 1000,
    serverEntry: process.env.BENCH_SERVER ?? 'bin/roster.js',
    keepData: process.env.BENCH_KEEP_DATA === '1',
    notes,
  };
}

export function readMachine(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    totalMemoryBytes: totalmem(),
    node: process.version,
    platform: `${platform()} ${arch()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg()[0] ?? NaN,
  };
}
