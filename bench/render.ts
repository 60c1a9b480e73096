// The benchmark's printed report: machine, the phase table, the list walk, member batches, group
// reads, memory, notes and the first error bodies of each phase.
import type { GroupGetResult, MemberBatchResult } from './member-batches.ts';
import type { MachineInfo } from './options.ts';
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

export interface MemorySample {
  readonly users: number;
  readonly usage: MemoryUsage | null;
}

export interface BenchResult {
  readonly machine: MachineInfo;
  readonly settings: {
    readonly quick: boolean;
    readonly users: number;
    readonly phaseSeconds: number;
    readonly concurrency: number;
    readonly memberSizes: readonly number[];
    readonly server: string;
    readonly dataDir: string;
  };
  readonly phases: PhaseRow[];
  readonly listWalk?: ListWalkResult;
  readonly memberBatches?: MemberBatchResult;
  readonly groupGets?: GroupGetResult;
  readonly memory: { afterCreate?: MemorySample; atEnd?: MemorySample };
  readonly serverStop?: StopResult;
  readonly notes: string[];
  readonly failure?: string;
  readonly durationSeconds: number;
}

/** The bar for a 100-member batch, and how far larger groups may drift from the smallest. */
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

function renderMemberBatches(result: MemberBatchResult): string {
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
    formatPercent(size.add.serverCpuPct),
    formatInt(size.add.errors + size.remove.errors),
  ]);
  const table = markdownTable(
    ['members', 'fill batches', 'add p50 ms', 'add p95 ms', 'remove p50 ms', 'remove p95 ms', 'p50 vs first', 'PATCH response', 'server CPU', 'errors'],
    rows,
  );
  const lines = [
    `member batches (one group, 100 members per PATCH, one client; 50 adds and 50 removes alternating at each size):`,
    '',
    table,
  ];
  if (result.sizes.length > 0) {
    const worst = Math.max(...result.sizes.flatMap((size) => [size.add.p50Ms, size.remove.p50Ms]));
    const maxDrift = Math.max(
      ...result.sizes.flatMap((size) => [
        Math.abs(size.add.p50Ms - (base?.add.p50Ms ?? 0)) / (base?.add.p50Ms ?? 1),
        Math.abs(size.remove.p50Ms - (base?.remove.p50Ms ?? 0)) / (base?.remove.p50Ms ?? 1),
      ]),
    );
    lines.push(
      '',
      `batch targets: p50 ${formatTarget(atMost(worst, BATCH_P50_MS, ' ms'))} (worst ${formatMs(worst)} ms); ` +
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

function renderMemory(memory: BenchResult['memory']): string {
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
  return (
    `server RSS: ${describe(memory.afterCreate)} after the create phase; ${describe(end)} at the end` +
    (end?.usage != null ? ` (peak ${formatBytes(end.usage.peakRssBytes)})` : '') +
    target
  );
}

export function renderReport(result: BenchResult): string {
  const { machine, settings } = result;
  const out: string[] = [
    `## Roster benchmark${settings.quick ? ' (quick)' : ''}`,
    '',
    `machine: ${machine.cpuModel} × ${machine.cpuCount}, ${formatBytes(machine.totalMemoryBytes)} RAM, ` +
      `Node ${machine.node} (${machine.platform}), ${machine.date}, load average ${machine.loadAverageAtStart.toFixed(2)} at start`,
    `server: node ${settings.server} serve, data in ${settings.dataDir}; ${formatInt(settings.users)} users, ` +
      `concurrency ${settings.concurrency}, ${settings.phaseSeconds} s per timed phase`,
    '',
    phaseTable(result.phases),
  ];
  const ceiling = result.phases.find((row) => row.phase.startsWith('ceiling'));
  if (ceiling !== undefined) {
    out.push('', `(ceiling: a bare node:http server with a fixed JSON body under the same load, on the same cores)`);
  }
  if (result.listWalk !== undefined) out.push('', renderListWalk(result.listWalk));
  if (result.memberBatches !== undefined) out.push('', renderMemberBatches(result.memberBatches));
  if (result.groupGets !== undefined) out.push('', renderGroupGets(result.groupGets));
  out.push('', renderMemory(result.memory));
  if (result.serverStop !== undefined && !result.serverStop.graceful) {
    out.push('', `server did not stop within 15 s of SIGTERM and was killed`);
  }
  if (result.notes.length > 0) out.push('', ...result.notes.map((note) => `note: ${note}`));

  const errorBlocks: string[] = [];
  const addErrors = (phase: string, samples: readonly string[]): void => {
    if (samples.length > 0) errorBlocks.push(`- ${phase}:`, ...samples.map((sample) => `    ${sample}`));
  };
  for (const row of result.phases) addErrors(row.phase, row.errorSamples);
  if (result.listWalk !== undefined) addErrors('list walk', result.listWalk.errorSamples);
  if (result.memberBatches !== undefined) addErrors('member batches', result.memberBatches.errorSamples);
  if (result.groupGets !== undefined) addErrors('group reads', result.groupGets.errorSamples);
  if (errorBlocks.length > 0) out.push('', 'first errors (up to 3 per phase):', ...errorBlocks);
  if (result.failure !== undefined) out.push('', `BENCHMARK FAILED: ${result.failure}`);
  out.push('', `(benchmark took ${result.durationSeconds.toFixed(1)} s)`);
  return out.join('\n');
}
