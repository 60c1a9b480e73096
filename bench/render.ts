// The benchmark's printed report: machine and settings, the engines side by side, the member batches
// at scale on both engines, the two-node phase, then each engine in detail (its phase table with issue
// 2's targets, the list walk, member batches, group reads, memory), notes and the first error bodies.
import { WITHIN_TWO, type ComparisonRow } from './compare.ts';
import type { GroupGetResult, MemberBatchResult } from './member-batches.ts';
import type { Engine, MachineInfo } from './options.ts';
import type { ListWalkResult } from './phases.ts';
import {
  atMost,
  formatBytes,
  formatInt,
  formatMs,
  formatPercent,
  formatTarget,
  markdownTable,
  phaseTable,
  type PhaseRow,
} from './report.ts';
import type { MemoryUsage, StopResult } from './server-process.ts';
import { peakRssBytes, type SqliteRun, type StackRatio, type TargetLine } from './stack-ratios.ts';
import { TWO_NODE_TARGET, type TwoNodeResult } from './two-nodes.ts';

export interface MemorySample {
  readonly users: number;
  readonly usage: MemoryUsage | null;
}

/** Everything measured on one engine (one server, one growing data set). */
export interface EngineResult {
  readonly engine: Engine;
  readonly label: string;
  /** The data directory (SQLite) or `host:port/database (version)` (PostgreSQL). */
  readonly where: string;
  readonly databaseSettings?: Readonly<Record<string, string>>;
  readonly loadAverageAtStart: number;
  readonly loadAverageAtEnd?: number;
  readonly phases: PhaseRow[];
  readonly listWalk?: ListWalkResult;
  readonly topUp?: { readonly users: number; readonly seconds: number; readonly opsPerSec: number; readonly errors: number };
  readonly memberBatches?: MemberBatchResult;
  readonly groupGets?: GroupGetResult;
  /** idle: right after start, before any request but the readiness probe; beforeStop: its VmHWM is the run's peak. */
  readonly memory: { idle?: MemorySample; afterCreate?: MemorySample; atEnd?: MemorySample; beforeStop?: MemorySample };
  /** Every phase against the stack floor and the ceiling of the same run (bench/stack-ratios.ts). */
  readonly stackRatios?: StackRatio[];
  readonly serverStop?: StopResult;
  readonly notes: string[];
  readonly failure?: string;
  readonly durationSeconds: number;
}

/** The stack floor (bench/floor-server.ts): the user phases on a bare Fastify + better-sqlite3 server. */
export interface FloorResult {
  readonly phases: PhaseRow[];
  readonly listWalk?: ListWalkResult;
  readonly memory: { idle?: MemoryUsage | null; afterCreate?: MemoryUsage | null; beforeStop?: MemoryUsage | null };
  readonly notes: string[];
  readonly failure?: string;
  readonly durationSeconds: number;
}

export interface BenchResult {
  readonly machine: MachineInfo;
  readonly settings: {
    readonly quick: boolean;
    readonly engines: readonly Engine[];
    /** How many times the SQLite part (ceiling, floor, Roster on SQLite) ran (BENCH_RUNS). */
    readonly runs: number;
    readonly users: number;
    readonly phaseSeconds: number;
    readonly concurrency: number;
    readonly memberSizes: readonly number[];
    readonly groupGetsWithMembers: number;
    readonly twoNodes: boolean;
    readonly twoNodeUsersPerMode: number;
    readonly twoNodeLookupSecondsPerMode: number;
    readonly server: string;
    /** The admin URL the PostgreSQL database is created through (password hidden). */
    readonly postgres: string;
  };
  readonly ceiling?: PhaseRow;
  readonly floor?: FloorResult;
  readonly engines: EngineResult[];
  /** With BENCH_RUNS > 1: the SQLite parts before the last one (which is in ceiling, floor and engines). */
  readonly earlierRuns?: SqliteRun[];
  /** Issue 7's targets on SQLite, on the medians of the runs. */
  readonly issue7?: TargetLine[];
  /** Set when PostgreSQL was wanted but could not be reached (the run then reports SQLite only). */
  readonly postgresUnavailable?: string;
  readonly comparison: ComparisonRow[];
  readonly twoNodes?: TwoNodeResult;
  readonly twoNodeFailure?: string;
  readonly notes: string[];
  readonly failure?: string;
  readonly durationSeconds: number;
  readonly loadAverageAtEnd: number;
}

/** The issue's bar for a 100-member batch, and how far larger groups may drift from the smallest. */
const BATCH_P50_MS = 5;
const BATCH_DRIFT = 0.25;
const GROUP_GET_P50_MS = 2;
const LIST_100K_SECONDS = 15;
const RSS_100K_BYTES = 300 * 1024 * 1024;
const BIG = 100_000;

function drift(value: number, base: number): string {
  if (!(base > 0)) return '';
  const change = (value - base) / base;
  return `${change >= 0 ? '+' : ''}${Math.round(change * 100)}%`;
}

function renderListWalk(walk: ListWalkResult): string {
  const line =
    `list walk (count=100, one client): ${formatInt(walk.usersListed)} users in ${formatInt(walk.pages)} pages, ` +
    `${walk.seconds.toFixed(2)} s → ${formatInt(walk.usersPerSec)} users/s; page p50 ${formatMs(walk.p50Ms)} ms, ` +
    `p95 ${formatMs(walk.p95Ms)} ms, max ${formatMs(walk.maxMs)} ms; totalResults ${formatInt(walk.totalResults)}, ` +
    `${formatInt(walk.uniqueIds)} distinct ids`;
  const target =
    walk.usersListed >= BIG
      ? ` — target 100,000 users in ${formatTarget(atMost((walk.seconds * BIG) / walk.usersListed, LIST_100K_SECONDS, ' s'))}`
      : ' — (the 15 s target is for 100,000 users)';
  return line + target;
}

/** The worst p50 of any batch, and the largest drift of a p50 from the smallest size's (absolute). */
export function memberDrift(result: MemberBatchResult): { worstP50Ms: number; maxDrift: number } {
  const base = result.sizes[0];
  if (base === undefined) return { worstP50Ms: NaN, maxDrift: NaN };
  return {
    worstP50Ms: Math.max(...result.sizes.flatMap((size) => [size.add.p50Ms, size.remove.p50Ms])),
    maxDrift: Math.max(
      ...result.sizes.flatMap((size) => [
        Math.abs(size.add.p50Ms - base.add.p50Ms) / base.add.p50Ms,
        Math.abs(size.remove.p50Ms - base.remove.p50Ms) / base.remove.p50Ms,
      ]),
    ),
  };
}

function renderMemberBatches(result: MemberBatchResult, withDatabase: boolean): string {
  const base = result.sizes[0];
  const rows = result.sizes.map((size) => [
    formatInt(size.members),
    `${formatInt(size.fillBatches)} in ${size.fillSeconds.toFixed(1)} s`,
    formatMs(size.add.p50Ms),
    formatMs(size.add.p95Ms),
    formatMs(size.remove.p50Ms),
    formatMs(size.remove.p95Ms),
    base === undefined || size === base
      ? ''
      : `${drift(size.add.p50Ms, base.add.p50Ms)} / ${drift(size.remove.p50Ms, base.remove.p50Ms)}`,
    formatBytes(size.add.meanResponseBytes),
    withDatabase
      ? `${formatPercent(size.add.serverCpuPct)} / ${formatPercent(size.add.dbCpuPct)}`
      : formatPercent(size.add.serverCpuPct),
    formatInt(size.add.errors + size.remove.errors),
  ]);
  const table = markdownTable(
    [
      'members',
      'fill batches',
      'add p50 ms',
      'add p95 ms',
      'remove p50 ms',
      'remove p95 ms',
      'p50 vs first',
      'PATCH response',
      withDatabase ? 'CPU server / PG' : 'server CPU',
      'errors',
    ],
    rows,
  );
  const lines = [
    `member batches (one group, 100 members per PATCH, one client; 50 adds and 50 removes alternating at each size):`,
    '',
    table,
  ];
  if (result.sizes.length > 0) {
    const { worstP50Ms, maxDrift } = memberDrift(result);
    lines.push(
      '',
      `batch targets: p50 ${formatTarget(atMost(worstP50Ms, BATCH_P50_MS, ' ms'))} (worst ${formatMs(worstP50Ms)} ms); ` +
        `same within 25 % across sizes ${maxDrift <= BATCH_DRIFT ? '✓' : '✗'} (largest drift ${Math.round(maxDrift * 100)}%)`,
    );
  }
  if (result.aborted !== undefined) lines.push(`member batches stopped early: ${result.aborted}`);
  return lines.join('\n');
}

function renderGroupGets(gets: GroupGetResult): string {
  const without = gets.withoutMembers;
  const withMembers = gets.withMembers;
  const target = gets.members >= BIG ? ` — target ${formatTarget(atMost(without.p50Ms, GROUP_GET_P50_MS, ' ms'))}` : '';
  return [
    `GET group at ${formatInt(gets.members)} members, one client: ` +
      `excludedAttributes=members p50 ${formatMs(without.p50Ms)} ms, p95 ${formatMs(without.p95Ms)} ms ` +
      `(${without.requests} requests, ${formatBytes(without.responseBytes)})${target}`,
    `  with members p50 ${formatMs(withMembers.p50Ms)} ms, p95 ${formatMs(withMembers.p95Ms)} ms ` +
      `(${withMembers.requests} requests, ${formatBytes(withMembers.responseBytes)}, ${formatInt(withMembers.membersReturned)} members returned)`,
  ].join('\n');
}

function renderMemory(memory: EngineResult['memory'], peakBytes: number | undefined): string {
  const describe = (sample: MemorySample | undefined): string => {
    if (sample === undefined) return 'not measured';
    if (sample.usage === null) return 'unknown (no /proc)';
    return `${formatBytes(sample.usage.rssBytes)} with ${formatInt(sample.users)} users`;
  };
  const end = memory.atEnd;
  let target = '';
  if (end?.usage != null && end.users >= BIG) {
    target = ` — target ${formatTarget(atMost(end.usage.rssBytes / (1024 * 1024), RSS_100K_BYTES / (1024 * 1024), ' MiB'))}`;
  }
  const idle = memory.idle?.usage;
  return (
    `server RSS: ${idle == null ? 'not measured' : formatBytes(idle.rssBytes)} idle (right after start); ` +
    `${describe(memory.afterCreate)} after the create phase; ${describe(end)} at the end` +
    (peakBytes !== undefined ? ` (peak ${formatBytes(peakBytes)} through the run)` : '') +
    target
  );
}


function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}×`;
}

/** Mean CPU of other processes during an engine's concurrent phases, weighted by their length. */
function backgroundLoad(phases: readonly PhaseRow[]): number {
  const concurrent = phases.filter((row) => row.concurrency > 1 && Number.isFinite(row.otherCpuPct));
  const seconds = concurrent.reduce((sum, row) => sum + row.seconds, 0);
  return seconds > 0 ? concurrent.reduce((sum, row) => sum + row.otherCpuPct * row.seconds, 0) / seconds : NaN;
}

function renderComparison(
  rows: readonly ComparisonRow[],
  labels: { sqlite: boolean; postgres: boolean },
  engines: readonly EngineResult[],
): string {
  const both = labels.sqlite && labels.postgres;
  const header = ['phase', 'conc.'];
  if (labels.sqlite) header.push('SQLite ops/s', 'SQLite p50 ms');
  if (labels.postgres) header.push('PostgreSQL ops/s', 'PostgreSQL p50 ms');
  if (both) header.push('PG/SQLite', 'within 2×');
  const table = markdownTable(
    header,
    rows.map((row) => {
      const cells = [row.phase, String(row.concurrency)];
      if (labels.sqlite) cells.push(row.sqlite === undefined ? '–' : formatInt(row.sqlite.opsPerSec), row.sqlite === undefined ? '–' : formatMs(row.sqlite.p50Ms));
      if (labels.postgres) {
        cells.push(row.postgres === undefined ? '–' : formatInt(row.postgres.opsPerSec), row.postgres === undefined ? '–' : formatMs(row.postgres.p50Ms));
      }
      if (both) cells.push(formatRatio(row.ratio), row.withinTwo === undefined ? '' : row.withinTwo ? '✓' : '✗');
      return cells;
    }),
  );
  const lines = both
    ? [
        `### SQLite and PostgreSQL side by side`,
        '',
        'Same phases, same sizes, same load (16 in flight; one client where conc. is 1), each engine on a fresh data set. ' +
          `"within 2×" is issue 3's bar: PostgreSQL's ops/s at least ${WITHIN_TWO} × SQLite's. ` +
          'Member rows: batches per second of one client (1 / mean latency).',
        '',
        table,
      ]
    : [`### ${labels.sqlite ? 'SQLite' : 'PostgreSQL'} only (no engine comparison in this run)`, '', table];
  const background = engines
    .map((engine) => ({ engine, other: backgroundLoad(engine.phases) }))
    .filter(({ other }) => Number.isFinite(other));
  if (background.length > 0) {
    lines.push(
      '',
      `CPU taken by other processes on the machine during the concurrent phases (mean, % of one core): ` +
        background.map(({ engine, other }) => `${engine.label} ${formatPercent(other)}`).join(', ') +
        (background.some(({ other }) => other >= 25)
          ? ' — the machine was shared; an engine measured under more background load is understated'
          : ''),
    );
  }
  const judged = rows.filter((row) => row.withinTwo !== undefined);
  if (judged.length > 0) {
    const missed = judged.filter((row) => row.withinTwo === false);
    lines.push(
      '',
      `PostgreSQL within 2× of SQLite: ${judged.length - missed.length} of ${judged.length} phases ${missed.length === 0 ? '✓' : '✗'}` +
        (missed.length > 0 ? ` — missed: ${missed.map((row) => `${row.phase} (${formatRatio(row.ratio)})`).join('; ')}` : ''),
    );
  }
  return lines.join('\n');
}

function renderMemberScaling(engines: readonly EngineResult[]): string | undefined {
  const measured = engines.filter((engine) => (engine.memberBatches?.sizes.length ?? 0) > 0);
  if (measured.length === 0) return undefined;
  const sizes = [...new Set(measured.flatMap((engine) => engine.memberBatches!.sizes.map((size) => size.members)))].sort((a, b) => a - b);
  const header = ['members'];
  for (const engine of measured) header.push(`${engine.label} add p50 ms`, `${engine.label} remove p50 ms`, `${engine.label} vs first`);
  const rows = sizes.map((members) => {
    const cells = [formatInt(members)];
    for (const engine of measured) {
      const all = engine.memberBatches!.sizes;
      const size = all.find((entry) => entry.members === members);
      const base = all[0];
      if (size === undefined) {
        cells.push('–', '–', '');
        continue;
      }
      cells.push(
        formatMs(size.add.p50Ms),
        formatMs(size.remove.p50Ms),
        size === base ? '' : `${drift(size.add.p50Ms, base.add.p50Ms)} / ${drift(size.remove.p50Ms, base.remove.p50Ms)}`,
      );
    }
    return cells;
  });
  const verdicts = measured.map((engine) => {
    const batches = engine.memberBatches!;
    const { worstP50Ms, maxDrift } = memberDrift(batches);
    const largest = batches.sizes.at(-1)!.members;
    return (
      `${engine.label}: p50 within 25 % from ${formatInt(batches.sizes[0].members)} to ${formatInt(largest)} members ` +
      `${maxDrift <= BATCH_DRIFT ? '✓' : '✗'} (largest drift ${Math.round(maxDrift * 100)} %), worst p50 ${formatMs(worstP50Ms)} ms` +
      (batches.aborted !== undefined ? ` — stopped early: ${batches.aborted}` : '')
    );
  });
  return [
    `### Member deltas at scale on each engine (O(k): a 100-member PATCH must cost the same at any group size)`,
    '',
    markdownTable(header, rows),
    '',
    ...verdicts,
  ].join('\n');
}

function renderTwoNodes(result: BenchResult): string | undefined {
  const two = result.twoNodes;
  if (two === undefined) {
    return result.twoNodeFailure === undefined ? undefined : `### Two nodes on one PostgreSQL\n\nTWO-NODE PHASE FAILED: ${result.twoNodeFailure}`;
  }
  const rows = two.comparisons.flatMap((c) =>
    [c.one, c.two].map((mode) => [
      c.phase,
      String(mode.nodes),
      formatInt(mode.requests),
      formatInt(mode.opsPerSec),
      formatMs(mode.p50Ms),
      formatMs(mode.p95Ms),
      formatInt(mode.errors),
      formatPercent(mode.nodeCpuPcts[0] ?? NaN),
      formatPercent(mode.nodeCpuPcts[1] ?? NaN),
      formatPercent(mode.dbCpuPct),
      formatPercent(mode.clientCpuPct),
      formatPercent(mode.otherCpuPct),
      formatPercent(mode.machineCpuPct),
    ]),
  );
  const lines = [
    `### Two nodes on one PostgreSQL database`,
    '',
    `Two Roster processes on the same database; with 2 nodes the load generator sends request n to node n mod 2 ` +
      `(16 in flight in all, ~8 per node). Per mode ${formatInt(two.usersPerMode)} creates and ${two.lookupSecondsPerMode} s of lookups, ` +
      `run 1-2-2-1 in halves. CPU in % of one core (the machine has ${result.machine.cpuCount * 100} %): each node, PostgreSQL ` +
      `(this database's backends + its background writers), the load generator, everything else on the machine, and the machine in all.`,
    '',
    markdownTable(
      ['phase', 'nodes', 'requests', 'ops/s', 'p50 ms', 'p95 ms', 'errors', 'CPU node 1', 'CPU node 2', 'CPU PG', 'CPU bench', 'CPU other', 'machine busy'],
      rows,
    ),
    '',
    ...two.comparisons.map(
      (c) =>
        `${c.phase}: two nodes ${formatRatio(c.ratio)} one node — target ≥ ${TWO_NODE_TARGET}× ${c.target.met ? '✓' : '✗'} ` +
        `(the CPU left on this machine allows ≈ ${formatRatio(c.cpuLimit)})`,
    ),
    '',
    ...two.explanation.map((line) => `- ${line}`),
  ];
  return lines.join('\n');
}

function renderEngine(engine: EngineResult, settings: BenchResult['settings']): string {
  const withDatabase = engine.engine === 'postgres';
  const out: string[] = [
    `### ${engine.label} in detail`,
    '',
    `server: node ${settings.server} serve on ${engine.where}; load average ${engine.loadAverageAtStart.toFixed(2)} at its start, ` +
      `${(engine.loadAverageAtEnd ?? NaN).toFixed(2)} at its end; ${engine.durationSeconds.toFixed(0)} s` +
      (engine.databaseSettings === undefined
        ? ''
        : `; ${Object.entries(engine.databaseSettings)
            .map(([name, value]) => `${name} ${value}`)
            .join(', ')}`),
    '',
  ];
  if (engine.phases.length > 0) out.push(phaseTable(engine.phases, withDatabase));
  if (engine.listWalk !== undefined) out.push('', renderListWalk(engine.listWalk));
  if (engine.memberBatches !== undefined) out.push('', renderMemberBatches(engine.memberBatches, withDatabase));
  if (engine.groupGets !== undefined) out.push('', renderGroupGets(engine.groupGets));
  out.push('', renderMemory(engine.memory, peakRssBytes(engine)));
  if (engine.serverStop !== undefined && !engine.serverStop.graceful) {
    out.push('', `server did not stop within 15 s of SIGTERM and was killed`);
  }
  if (engine.notes.length > 0) out.push('', ...engine.notes.map((note) => `note: ${note}`));

  const errorBlocks: string[] = [];
  const addErrors = (phase: string, samples: readonly string[]): void => {
    if (samples.length > 0) errorBlocks.push(`- ${phase}:`, ...samples.map((sample) => `    ${sample}`));
  };
  for (const row of engine.phases) addErrors(row.phase, row.errorSamples);
  if (engine.listWalk !== undefined) addErrors('list walk', engine.listWalk.errorSamples);
  if (engine.memberBatches !== undefined) addErrors('member batches', engine.memberBatches.errorSamples);
  if (engine.groupGets !== undefined) addErrors('group reads', engine.groupGets.errorSamples);
  if (errorBlocks.length > 0) out.push('', 'first errors (up to 3 per phase):', ...errorBlocks);
  if (engine.failure !== undefined) out.push('', `${engine.label.toUpperCase()} RUN FAILED: ${engine.failure}`);
  return out.join('\n');
}


function renderFloor(floor: FloorResult): string {
  const rates = floor.phases.map((row) => `${row.phase} ${formatInt(row.opsPerSec)}/s (p50 ${formatMs(row.p50Ms)} ms)`).join(', ');
  const idle = floor.memory.idle;
  const peak = floor.memory.beforeStop;
  const lines = [
    `stack floor (bench/floor-server.ts: bare Fastify 5 + better-sqlite3, the same user JSON, a bearer check and one prepared ` +
      `statement per request, same load): ${rates || 'nothing measured'}; RSS ${idle == null ? '–' : formatBytes(idle.rssBytes)} idle, ` +
      `peak ${peak == null ? '–' : formatBytes(peak.peakRssBytes)}`,
  ];
  if (floor.failure !== undefined) lines.push(`FLOOR RUN FAILED: ${floor.failure}`);
  for (const row of floor.phases) {
    for (const sample of row.errorSamples) lines.push(`floor error (${row.phase}): ${sample}`);
  }
  lines.push(...floor.notes.map((note) => `floor note: ${note}`));
  return lines.join('\n');
}

/** Every phase of each engine as ops/s and as a share of the floor's and the ceiling's ops/s, in one run. */
function renderStack(result: BenchResult): string | undefined {
  const engines = result.engines.filter((engine) => engine.stackRatios !== undefined && engine.stackRatios.length > 0);
  if (engines.length === 0) return undefined;
  const phases: { phase: string; concurrency: number; floorOpsPerSec?: number }[] = [];
  for (const engine of engines) {
    for (const row of engine.stackRatios!) {
      const known = phases.find((entry) => entry.phase === row.phase);
      if (known === undefined) phases.push({ phase: row.phase, concurrency: row.concurrency, floorOpsPerSec: row.floorOpsPerSec });
    }
  }
  const header = ['phase', 'conc.', 'floor ops/s'];
  for (const engine of engines) header.push(`${engine.label} ops/s`, `${engine.label} / floor`, `${engine.label} / ceiling`);
  header.push('other CPU floor / ' + engines.map((engine) => engine.label).join(' / '), 'issue 7 (SQLite)');
  const rows = phases.map((entry) => {
    const cells = [entry.phase, String(entry.concurrency), entry.floorOpsPerSec === undefined ? '–' : formatInt(entry.floorOpsPerSec)];
    let target = '';
    for (const engine of engines) {
      const row = engine.stackRatios!.find((candidate) => candidate.phase === entry.phase);
      cells.push(row === undefined ? '–' : formatInt(row.opsPerSec), formatRatio(row?.vsFloor), formatRatio(row?.vsCeiling));
      if (row?.target !== undefined) target = formatTarget(row.target);
    }
    const other = [
      formatPercent(engines.map((engine) => engine.stackRatios!.find((row) => row.phase === entry.phase)?.floorOtherCpuPct).find((value) => value !== undefined) ?? NaN),
      ...engines.map((engine) => formatPercent(engine.stackRatios!.find((row) => row.phase === entry.phase)?.otherCpuPct ?? NaN)),
    ];
    cells.push(other.join(' / '), target);
    return cells;
  });
  const ceiling = result.ceiling === undefined ? '–' : formatInt(result.ceiling.opsPerSec);
  return [
    `### Roster against the stack floor and the ceiling`,
    '',
    `Same run, same load. "/ floor": Roster's ops/s ÷ the stack floor's in the same phase (what Roster keeps of its stack's ` +
      `speed; issue 7 asks for ≥ 0.6× on SQLite's create, lookup, get and deactivate). "/ ceiling": ÷ the ceiling's ${ceiling} ops/s ` +
      `(concurrent phases only). The floor runs the user phases only. "other CPU": what other processes took while the floor's ` +
      `and Roster's phase ran (% of one core); where they differ much, the ratio is skewed by the machine, not the code.` +
      (result.earlierRuns !== undefined && result.earlierRuns.length > 0 ? ` This table is the last of ${result.settings.runs} runs; the medians follow.` : ''),
    '',
    markdownTable(header, rows),
  ].join('\n');
}

function formatLineValue(value: number, unit: TargetLine['unit']): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === 'MiB') return `${value.toFixed(1)} MiB`;
  if (unit === 'ms') return `${formatMs(value)} ms`;
  return formatInt(value);
}

function renderIssue7(result: BenchResult): string | undefined {
  const lines = result.issue7;
  if (lines === undefined || lines.length === 0) return undefined;
  const runs = result.settings.runs;
  const header = ['SQLite', ...(runs > 1 ? Array.from({ length: runs }, (_, i) => `run ${i + 1}`) : []), runs > 1 ? 'median' : 'measured', 'target'];
  const rows = lines.map((entry) => [
    entry.what,
    ...(runs > 1 ? entry.perRun.map((value) => formatLineValue(value, entry.unit)) : []),
    formatLineValue(entry.median, entry.unit),
    entry.target !== undefined ? formatTarget(entry.target) : (entry.note ?? ''),
  ]);
  const judged = lines.filter((entry) => entry.target !== undefined);
  const missed = judged.filter((entry) => !entry.target!.met);
  const out = [
    `### Issue 7 targets (SQLite${runs > 1 ? `, medians of ${runs} runs` : ', one run'})`,
    '',
    markdownTable(header, rows),
    '',
    `${judged.length - missed.length} of ${judged.length} judged targets met` +
      (missed.length > 0 ? ` — missed: ${missed.map((entry) => `${entry.what} (${formatLineValue(entry.median, entry.unit)})`).join('; ')}` : ''),
  ];
  const judgedPg = result.comparison.filter((row) => row.withinTwo !== undefined);
  if (judgedPg.length > 0) {
    const pgMissed = judgedPg.filter((row) => row.withinTwo === false);
    out.push(
      `PostgreSQL every phase ≥ 0.5× SQLite (last run): ${judgedPg.length - pgMissed.length} of ${judgedPg.length} ${pgMissed.length === 0 ? '✓' : '✗'}`,
    );
  }
  return out.join('\n');
}

export function renderReport(result: BenchResult): string {
  const { machine, settings } = result;
  const ran = { sqlite: result.engines.some((e) => e.engine === 'sqlite'), postgres: result.engines.some((e) => e.engine === 'postgres') };
  const engineNames = result.engines.map((engine) => engine.label).join(' and ') || 'nothing measured';
  const out: string[] = [
    `## Roster benchmark${settings.quick ? ' (quick)' : ''}: ${engineNames}`,
    '',
    `machine: ${machine.cpuModel} × ${machine.cpuCount}, ${formatBytes(machine.totalMemoryBytes)} RAM, ` +
      `Node ${machine.node} (${machine.platform}), ${machine.date}; load average ${machine.loadAverageAtStart.toFixed(2)} at start, ` +
      `${result.loadAverageAtEnd.toFixed(2)} at the end (above ~0.5 before the run, other processes were busy; see "other" CPU below)`,
    `settings: ${formatInt(settings.users)} users, concurrency ${settings.concurrency}, ${settings.phaseSeconds} s per timed phase, ` +
      `member batches at ${settings.memberSizes.map(formatInt).join(' / ')} members, ${settings.groupGetsWithMembers} with-members group reads` +
      (settings.runs > 1 ? `; the SQLite part (ceiling, floor, Roster) ${settings.runs} times` : ''),
  ];
  if (result.postgresUnavailable !== undefined) {
    out.push('', `**PostgreSQL not measured: ${result.postgresUnavailable}.**`);
  }
  const ceiling = result.ceiling;
  if (ceiling !== undefined) {
    out.push(
      '',
      `ceiling (a bare node:http server answering fixed JSON, same load, same cores): ${formatInt(ceiling.opsPerSec)} ops/s, ` +
        `p50 ${formatMs(ceiling.p50Ms)} ms, CPU server ${formatPercent(ceiling.serverCpuPct)} / bench ${formatPercent(ceiling.clientCpuPct)} ` +
        `— the most this load generator can drive here`,
    );
  }
  if (result.floor !== undefined) out.push('', renderFloor(result.floor));
  const stack = renderStack(result);
  if (stack !== undefined) out.push('', stack);
  const issue7 = renderIssue7(result);
  if (issue7 !== undefined) out.push('', issue7);
  if (ran.sqlite || ran.postgres) out.push('', renderComparison(result.comparison, ran, result.engines));
  const scaling = renderMemberScaling(result.engines);
  if (scaling !== undefined) out.push('', scaling);
  const twoNodes = renderTwoNodes(result);
  if (twoNodes !== undefined) out.push('', twoNodes);
  for (const engine of result.engines) out.push('', renderEngine(engine, settings));
  if (result.notes.length > 0) out.push('', ...result.notes.map((note) => `note: ${note}`));
  if (result.twoNodes !== undefined) {
    const blocks = result.twoNodes.comparisons.flatMap((c) =>
      [c.one, c.two]
        .filter((mode) => mode.errorSamples.length > 0)
        .flatMap((mode) => [`- two nodes, ${c.phase}, ${mode.nodes} node(s):`, ...mode.errorSamples.map((sample) => `    ${sample}`)]),
    );
    if (blocks.length > 0) out.push('', 'first errors of the two-node phase:', ...blocks);
  }
  if (result.failure !== undefined) out.push('', `BENCHMARK FAILED: ${result.failure}`);
  out.push('', `(benchmark took ${result.durationSeconds.toFixed(1)} s)`);
  return out.join('\n');
}
