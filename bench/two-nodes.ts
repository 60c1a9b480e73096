// The two-node phase (PostgreSQL only): a second Roster process on the same database, and the load
// generator spreading its requests over both nodes round-robin (request n goes to node n mod 2), the
// way a load balancer without affinity would. Create and lookup throughput are measured with one node
// and with two, at the same total concurrency (16 in flight), on the same database, in the order
// 1-2-2-1 (each mode twice, half the amount each time), so a drift in the machine's load during the
// phase — other processes, autovacuum — hits both modes alike.
//
// The ratio two nodes / one node can only grow where CPU is idle: every process of the benchmark (the
// nodes, PostgreSQL, the load generator) shares the machine's cores. So each mode records the CPU of
// every process, and the result carries the ratio the CPU allows (see cpuLimit below).
import { cpus } from 'node:os';
import type { CpuUsage } from './load.ts';
import { createUsers, lookupOperation, runLookups, type PhaseContext, type Population } from './phases.ts';
import { summarizeLatencies, type LatencySummary, type Target } from './report.ts';

export const TWO_NODE_TARGET = 1.6;

export interface ModeResult extends LatencySummary, CpuUsage {
  readonly nodes: 1 | 2;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly errorSamples: readonly string[];
}

export interface TwoNodeComparison {
  readonly phase: string;
  readonly one: ModeResult;
  readonly two: ModeResult;
  /** two.opsPerSec / one.opsPerSec */
  readonly ratio: number;
  readonly target: Target;
  /**
   * The most two nodes could reach on this machine if a request costs the CPU it cost with one node:
   * (cores × 100 % − what other processes took meanwhile) / (CPU of nodes + PostgreSQL + bench with
   * one node). Below 1.6 the target cannot be met on this machine whatever Roster does.
   */
  readonly cpuLimit: number;
  /** CPU (all benchmark processes, in core-ms) per request with one node and with two. */
  readonly cpuMsPerRequest: { readonly one: number; readonly two: number };
}

export interface TwoNodeResult {
  readonly usersPerMode: number;
  readonly lookupSecondsPerMode: number;
  readonly nodePids: readonly number[];
  readonly comparisons: TwoNodeComparison[];
  readonly explanation: string[];
}

/** One measured run: the row and a copy of its latencies (the shared buffer is reused). */
interface Run {
  readonly row: {
    requests: number;
    errors: number;
    seconds: number;
    errorSamples: readonly string[];
  } & CpuUsage;
  readonly latencies: Float64Array;
}

const CPU_KEYS = ['serverCpuPct', 'dbCpuPct', 'clientCpuPct', 'machineCpuPct', 'otherCpuPct'] as const;

/** Merges runs of one mode: ops/s over the summed time, CPU weighted by each run's time. */
function mergeRuns(nodes: 1 | 2, runs: readonly Run[]): ModeResult {
  const seconds = runs.reduce((sum, run) => sum + run.row.seconds, 0);
  const requests = runs.reduce((sum, run) => sum + run.row.requests, 0);
  const weighted = (pick: (run: Run) => number): number =>
    seconds > 0 ? runs.reduce((sum, run) => sum + pick(run) * run.row.seconds, 0) / seconds : NaN;
  const latencies = new Float64Array(runs.reduce((sum, run) => sum + run.latencies.length, 0));
  let offset = 0;
  for (const run of runs) {
    latencies.set(run.latencies, offset);
    offset += run.latencies.length;
  }
  const width = Math.max(...runs.map((run) => run.row.nodeCpuPcts.length));
  const cpu = Object.fromEntries(CPU_KEYS.map((key) => [key, weighted((run) => run.row[key])])) as Record<
    (typeof CPU_KEYS)[number],
    number
  >;
  return {
    nodes,
    requests,
    errors: runs.reduce((sum, run) => sum + run.row.errors, 0),
    seconds,
    opsPerSec: seconds > 0 ? requests / seconds : 0,
    errorSamples: runs.flatMap((run) => run.row.errorSamples).slice(0, 3),
    ...cpu,
    nodeCpuPcts: Array.from({ length: width }, (_, i) => weighted((run) => run.row.nodeCpuPcts[i] ?? NaN)),
    ...summarizeLatencies(latencies),
  };
}

function ours(mode: ModeResult): number {
  return mode.serverCpuPct + (Number.isFinite(mode.dbCpuPct) ? mode.dbCpuPct : 0) + mode.clientCpuPct;
}

function compare(phase: string, one: ModeResult, two: ModeResult, cores: number): TwoNodeComparison {
  const ratio = one.opsPerSec > 0 ? two.opsPerSec / one.opsPerSec : NaN;
  const capacity = cores * 100 - (Number.isFinite(two.otherCpuPct) ? two.otherCpuPct : 0);
  return {
    phase,
    one,
    two,
    ratio,
    target: { text: `≥ ${TWO_NODE_TARGET}×`, met: ratio >= TWO_NODE_TARGET },
    cpuLimit: capacity / ours(one),
    cpuMsPerRequest: {
      one: (ours(one) * 10) / one.opsPerSec,
      two: (ours(two) * 10) / two.opsPerSec,
    },
  };
}

function pct(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} %` : '–';
}

/** Why the ratio is what it is, from the CPU numbers; printed under the table. */
function explain(comparisons: readonly TwoNodeComparison[], cores: number): string[] {
  const lines: string[] = [];
  for (const c of comparisons) {
    const { one, two } = c;
    const head = `${c.phase}: ${c.ratio.toFixed(2)}× ${c.target.met ? '✓' : '✗'}.`;
    const oneCpu =
      `With one node the benchmark's processes used ${pct(ours(one))} of the machine's ${cores * 100} % ` +
      `(node ${pct(one.serverCpuPct)}, PostgreSQL ${pct(one.dbCpuPct)}, load generator ${pct(one.clientCpuPct)}), ` +
      `${c.cpuMsPerRequest.one.toFixed(2)} core-ms per request; with two nodes ${pct(ours(two))} ` +
      `(nodes ${two.nodeCpuPcts.map(pct).join(' + ')}, PostgreSQL ${pct(two.dbCpuPct)}, load generator ${pct(two.clientCpuPct)}), ` +
      `${c.cpuMsPerRequest.two.toFixed(2)} core-ms per request, and other processes ${pct(two.otherCpuPct)} ` +
      `(machine busy ${pct(two.machineCpuPct)}).`;
    let verdict: string;
    if (c.target.met) {
      verdict = 'The second node added the throughput the target asks for.';
    } else if (c.cpuLimit < TWO_NODE_TARGET) {
      verdict =
        `CPU-bound: at one node's cost per request the ${cores} cores allow at most ≈ ${c.cpuLimit.toFixed(2)}× — ` +
        `1.6× would need ≈ ${pct(ours(one) * TWO_NODE_TARGET)} of CPU for these processes. ` +
        `A second node on the same cores adds no CPU; it only splits the same cores more ways. ` +
        `Measuring the scale-out needs nodes with cores of their own: nodes on other machines, or ≥ ${Math.ceil((ours(one) * TWO_NODE_TARGET + two.otherCpuPct) / 100)} cores at this background load.`;
    } else if (two.machineCpuPct >= cores * 100 * 0.9) {
      verdict =
        `The machine was saturated with two nodes (${pct(two.machineCpuPct)} busy) although one node's cost per request would allow ≈ ${c.cpuLimit.toFixed(2)}×: ` +
        `the cost per request rose with two nodes (more processes contending for ${cores} cores, more PostgreSQL connections).`;
    } else {
      verdict =
        `CPU was not exhausted (machine ${pct(two.machineCpuPct)} busy of ${cores * 100} %), so something else limits it: ` +
        `waiting on PostgreSQL (row locks, WAL flushes at commit) — compare the p50s.`;
    }
    const costRise = c.cpuMsPerRequest.two / c.cpuMsPerRequest.one - 1;
    if (!c.target.met && costRise > 0.1) {
      verdict +=
        ` Each request also cost ${Math.round(costRise * 100)} % more CPU with two nodes (two event loops and twice the ` +
        `PostgreSQL connections on the same cores: more context switches, less work done per wake-up), so the ` +
        `measured ratio stays below even that bound.`;
    }
    lines.push(`${head} ${oneCpu} ${verdict}`);
  }
  return lines;
}

export interface TwoNodeSetup {
  /** The context of the first node (its pool only). */
  readonly oneNode: PhaseContext;
  /** The same, with requests spread round-robin over both nodes. */
  readonly twoNodes: PhaseContext;
  readonly population: Population;
  /** userName indexes from here on are free. */
  readonly firstFreeIndex: number;
  readonly usersPerMode: number;
  readonly lookupMsPerMode: number;
  readonly nodePids: readonly number[];
  readonly progress: (text: string) => void;
}

/** Warms up the second node (untimed creates and lookups through it), then measures 1-2-2-1. */
export async function runTwoNodes(setup: TwoNodeSetup, warmUpSecond: PhaseContext): Promise<TwoNodeResult> {
  const { oneNode, twoNodes, population, progress } = setup;
  const cores = cpus().length;
  let nextIndex = setup.firstFreeIndex;
  const copy = (context: PhaseContext, requests: number): Float64Array => context.latencies.slice(0, requests);

  // The first node is warm from the phases before; the second starts cold. 500 creates and 0.5 s of
  // lookups through it alone, unrecorded (the users stay, outside the measured ranges).
  progress('two nodes: warm up the second node');
  const warmCreates = 500;
  await createUsers(warmUpSecond, 'warm-up', nextIndex, warmCreates, { indexes: [], ids: [] });
  nextIndex += warmCreates;
  await runLookups(
    { ...warmUpSecond, phaseMs: 500 },
    'warm-up',
    lookupOperation(warmUpSecond.target, population, 0x5eed0007, false),
    warmUpSecond.latencies.length,
  );

  const order: (1 | 2)[] = [1, 2, 2, 1];
  const contextFor = (nodes: 1 | 2): PhaseContext => (nodes === 1 ? oneNode : twoNodes);

  const createRuns: Record<1 | 2, Run[]> = { 1: [], 2: [] };
  const half = Math.max(1, Math.floor(setup.usersPerMode / 2));
  for (const nodes of order) {
    progress(`two nodes: create ${half} users through ${nodes === 1 ? 'one node' : 'two nodes'}`);
    const context = contextFor(nodes);
    const created: Population = { indexes: [], ids: [] };
    const row = await createUsers(context, 'create', nextIndex, half, created);
    nextIndex += half;
    createRuns[nodes].push({ row, latencies: copy(context, row.requests) });
    for (let i = 0; i < created.ids.length; i += 1) {
      population.indexes.push(created.indexes[i]);
      population.ids.push(created.ids[i]);
    }
  }

  const lookupRuns: Record<1 | 2, Run[]> = { 1: [], 2: [] };
  const halfMs = Math.max(500, Math.round(setup.lookupMsPerMode / 2));
  let seed = 0x5eed0010;
  for (const nodes of order) {
    progress(`two nodes: lookups through ${nodes === 1 ? 'one node' : 'two nodes'}`);
    const context = { ...contextFor(nodes), phaseMs: halfMs };
    seed += 1;
    const row = await runLookups(context, 'lookup', lookupOperation(context.target, population, seed, true), context.latencies.length);
    lookupRuns[nodes].push({ row, latencies: copy(context, row.requests) });
  }

  const comparisons = [
    compare('create users', mergeRuns(1, createRuns[1]), mergeRuns(2, createRuns[2]), cores),
    compare('lookup (userName eq)', mergeRuns(1, lookupRuns[1]), mergeRuns(2, lookupRuns[2]), cores),
  ];
  return {
    usersPerMode: half * 2,
    lookupSecondsPerMode: (halfMs * 2) / 1000,
    nodePids: setup.nodePids,
    comparisons,
    explanation: explain(comparisons, cores),
  };
}
