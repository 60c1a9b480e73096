// Roster against its stack: every phase's ops/s as a share of the stack floor's (bench/floor-server.ts,
// same phase, same run) and of the ceiling's (bench/ceiling-server.ts), and issue 7's targets, judged
// on one run or on the medians of several (BENCH_RUNS). Only ratios measured in one run mean anything:
// the machine is shared, and its speed changes from run to run.
import type { EngineResult, FloorResult } from './render.ts';
import { atMost, type PhaseRow, type Target } from './report.ts';

/** Issue 7: create, lookup, get and deactivate each at least this share of the floor's ops/s (SQLite). */
export const FLOOR_SHARE = 0.6;
/** The phases the floor share is judged on (names as the phases report them). */
export const FLOOR_JUDGED_PHASES = ['create users', 'lookup (userName eq)', 'get user by id', 'deactivate (PATCH active=false)'] as const;
const IDLE_RSS_MIB = 110;
const PEAK_RSS_MIB = 220;
const BATCH_P50_MS = 5;
const STREAM_P50_MS = 300;
const BIG = 100_000;
const MIB = 1024 * 1024;

function floorShareTarget(vsFloor: number): Target {
  return { text: `≥ ${FLOOR_SHARE}× floor`, met: vsFloor >= FLOOR_SHARE };
}

export interface StackRatio {
  readonly phase: string;
  readonly concurrency: number;
  readonly opsPerSec: number;
  /** The floor's ops/s in the same phase, when the floor runs that phase. */
  readonly floorOpsPerSec?: number;
  /** Roster ops/s ÷ floor ops/s. */
  readonly vsFloor?: number;
  /** Roster ops/s ÷ ceiling ops/s; only for the concurrent phases (the ceiling is measured at 16 in flight). */
  readonly vsCeiling?: number;
  /** Issue 7's ≥ 0.6× floor, on SQLite's create, lookup, get and deactivate. */
  readonly target?: Target;
  /** CPU other processes took while the floor's and Roster's phase ran (% of one core): a ratio measured under different background load is skewed. */
  readonly floorOtherCpuPct?: number;
  readonly otherCpuPct: number;
}

/** One ratio row per phase of the engine, in its order. */
export function stackRatios(
  engine: Pick<EngineResult, 'engine' | 'phases'>,
  floor: FloorResult | undefined,
  ceiling: PhaseRow | undefined,
): StackRatio[] {
  return engine.phases.map((row) => {
    const floorRow = floor?.phases.find((candidate) => candidate.phase === row.phase && candidate.errors === 0);
    const vsFloor = floorRow !== undefined && floorRow.opsPerSec > 0 ? row.opsPerSec / floorRow.opsPerSec : undefined;
    const judged = engine.engine === 'sqlite' && (FLOOR_JUDGED_PHASES as readonly string[]).includes(row.phase);
    return {
      phase: row.phase,
      concurrency: row.concurrency,
      opsPerSec: row.opsPerSec,
      floorOpsPerSec: floorRow?.opsPerSec,
      vsFloor,
      vsCeiling: row.concurrency > 1 && ceiling !== undefined && ceiling.opsPerSec > 0 ? row.opsPerSec / ceiling.opsPerSec : undefined,
      target: judged && vsFloor !== undefined ? floorShareTarget(vsFloor) : undefined,
      floorOtherCpuPct: floorRow?.otherCpuPct,
      otherCpuPct: row.otherCpuPct,
    };
  });
}

/** Everything one run of the SQLite part measured: the ceiling, the floor and Roster on SQLite. */
export interface SqliteRun {
  readonly ceiling?: PhaseRow;
  readonly floor?: FloorResult;
  readonly sqlite?: EngineResult;
}

/** One line of issue 7's targets: the value in each run, their median, and the verdict on the median. */
export interface TargetLine {
  readonly what: string;
  readonly unit: '×' | 'MiB' | 'ms' | 'ops/s';
  /** NaN where a run did not measure it. */
  readonly perRun: readonly number[];
  readonly median: number;
  readonly target?: Target;
  /** Why it is not judged, or what to compare it with. */
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function mib(bytes: number | undefined): number {
  return bytes === undefined ? NaN : bytes / MIB;
}

/** The server's peak RSS (VmHWM) over its life: read just before it was stopped, else at the end. */
export function peakRssBytes(engine: EngineResult): number | undefined {
  return (engine.memory.beforeStop?.usage ?? engine.memory.atEnd?.usage)?.peakRssBytes;
}

function line(
  what: string,
  unit: TargetLine['unit'],
  perRun: number[],
  judge?: (value: number) => Target,
  note?: string,
): TargetLine {
  const middle = median(perRun);
  return { what, unit, perRun, median: middle, target: judge !== undefined && Number.isFinite(middle) ? judge(middle) : undefined, note };
}

/**
 * Issue 7's targets on SQLite ("as medians of three runs of that one command"): the raw ops/s of the
 * ceiling, the floor and Roster, Roster's share of the floor and of the ceiling per phase, idle and peak
 * RSS, the 100-member batches and the streamed group read at 100,000 members.
 */
export function issue7Lines(runs: readonly SqliteRun[]): TargetLine[] {
  const engines = runs.map((run) => run.sqlite);
  const ratio = (run: SqliteRun, phase: string): StackRatio | undefined => run.sqlite?.stackRatios?.find((row) => row.phase === phase);
  const lines: TargetLine[] = [line('ceiling (fixed JSON, node:http)', 'ops/s', runs.map((run) => run.ceiling?.opsPerSec ?? NaN))];
  const phases = [...FLOOR_JUDGED_PHASES, 'list walk pages (count=100)'];
  for (const phase of phases) {
    const judged = (FLOOR_JUDGED_PHASES as readonly string[]).includes(phase);
    lines.push(
      line(`${phase}: floor`, 'ops/s', runs.map((run) => ratio(run, phase)?.floorOpsPerSec ?? NaN)),
      line(`${phase}: Roster`, 'ops/s', runs.map((run) => ratio(run, phase)?.opsPerSec ?? NaN)),
      line(
        `${phase}: Roster / floor`,
        '×',
        runs.map((run) => ratio(run, phase)?.vsFloor ?? NaN),
        judged ? floorShareTarget : undefined,
      ),
    );
    if (phase !== 'list walk pages (count=100)') {
      lines.push(line(`${phase}: Roster / ceiling`, '×', runs.map((run) => ratio(run, phase)?.vsCeiling ?? NaN)));
    }
  }
  lines.push(
    line(
      'idle RSS, right after start',
      'MiB',
      engines.map((engine) => mib(engine?.memory.idle?.usage?.rssBytes)),
      (value) => atMost(value, IDLE_RSS_MIB, ' MiB'),
      runs.some((run) => run.floor?.memory.idle != null)
        ? `floor: ${median(runs.map((run) => mib(run.floor?.memory.idle?.rssBytes))).toFixed(0)} MiB idle`
        : undefined,
    ),
  );
  const fullScale = engines.every((engine) => (engine?.memberBatches?.sizes.at(-1)?.members ?? 0) >= BIG);
  lines.push(
    line(
      'peak RSS (VmHWM) through the run',
      'MiB',
      engines.map((engine) => (engine === undefined ? NaN : mib(peakRssBytes(engine)))),
      fullScale ? (value) => atMost(value, PEAK_RSS_MIB, ' MiB') : undefined,
      fullScale ? undefined : 'judged on the default run (member batches up to 100,000)',
    ),
  );
  const atBig = (engine: EngineResult | undefined) => engine?.memberBatches?.sizes.find((size) => size.members === BIG);
  for (const kind of ['add', 'remove'] as const) {
    lines.push(
      line(
        `100-member ${kind} p50 at 100,000 members`,
        'ms',
        engines.map((engine) => atBig(engine)?.[kind].p50Ms ?? NaN),
        (value) => atMost(value, BATCH_P50_MS, ' ms'),
        fullScale ? undefined : 'not measured: the run did not reach 100,000 members',
      ),
    );
  }
  const gets = (engine: EngineResult | undefined) => (engine?.groupGets !== undefined && engine.groupGets.members >= BIG ? engine.groupGets : undefined);
  lines.push(
    line(
      'GET group with its 100,000 members, p50',
      'ms',
      engines.map((engine) => gets(engine)?.withMembers.p50Ms ?? NaN),
      (value) => atMost(value, STREAM_P50_MS, ' ms'),
      fullScale ? undefined : 'not measured: the run did not reach 100,000 members',
    ),
    line(
      'GET group excludedAttributes=members at 100,000 members, p50',
      'ms',
      engines.map((engine) => gets(engine)?.withoutMembers.p50Ms ?? NaN),
      undefined,
      'issue 7: unchanged or better; compare with docs/benchmarks.md',
    ),
  );
  return lines;
}
