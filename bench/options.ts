// The benchmark's settings, from the command line and the environment, validated once.
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';

export interface BenchOptions {
  readonly quick: boolean;
  /** Users created in the create phase (BENCH_USERS). */
  readonly users: number;
  /** Length of each time-bounded phase. */
  readonly phaseMs: number;
  readonly concurrency: number;
  /** Group sizes for the member batches, ascending. */
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

export function readOptions(argv: readonly string[]): BenchOptions {
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --quick)`);
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const users = readInteger('BENCH_USERS', quick ? 2_000 : 20_000, 100, MAX_USERS);
  const seconds = readInteger('BENCH_SECONDS', quick ? 1 : 5, 1, 120);
  const concurrency = readInteger('BENCH_CONCURRENCY', 16, 1, 256);
  const memberBudgetSeconds = readInteger('BENCH_MEMBER_BUDGET_SECONDS', 300, 1, 3_600);
  const notes: string[] = [];

  // Sizes: 1,000, 10,000 and 100,000 (or BENCH_USERS when that is smaller); none above BENCH_USERS.
  const wanted = quick ? [1_000] : [1_000, 10_000, users >= BIG_GROUP ? BIG_GROUP : users];
  const memberSizes = [...new Set(wanted.map((size) => Math.min(size, users)))].sort((a, b) => a - b);
  if (!quick && users < BIG_GROUP) {
    notes.push(
      `largest member-batch size capped at ${users.toLocaleString('en-US')} (BENCH_USERS); ` +
        `set BENCH_USERS=100000 to measure at 100,000 members`,
    );
  }
  if (quick && users < 1_000) notes.push(`member-batch size capped at ${users} (BENCH_USERS)`);

  return {
    quick,
    users,
    phaseMs: seconds * 1000,
    concurrency,
    memberSizes,
    groups: 200,
    maxLookups: 20_000,
    groupGetsWithoutMembers: 200,
    groupGetsWithMembers: 20,
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
