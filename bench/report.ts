// Turning load results into numbers (ops/s, percentiles) and numbers into Markdown.
import type { CpuUsage, LoadResult } from './load.ts';

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface Target {
  /** What the issue asks for, in words: "≥ 2,000/s", "≤ 5 ms". */
  readonly text: string;
  readonly met: boolean;
}

export interface PhaseRow extends LatencySummary, CpuUsage {
  readonly phase: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly errorSamples: readonly string[];
  readonly target?: Target;
}

/** Sorts the latencies in place (they are a scratch view) and reads nearest-rank percentiles. */
export function summarizeLatencies(latencies: Float64Array): LatencySummary {
  if (latencies.length === 0) return { p50Ms: NaN, p95Ms: NaN, p99Ms: NaN, maxMs: NaN };
  latencies.sort();
  return {
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1],
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function summarizeLoad(phase: string, result: LoadResult): PhaseRow {
  const seconds = result.elapsedMs / 1000;
  return {
    phase,
    concurrency: result.concurrency,
    requests: result.requests,
    errors: result.errors,
    seconds,
    opsPerSec: seconds > 0 ? result.requests / seconds : 0,
    errorSamples: result.errorSamples,
    ...result.cpu,
    ...summarizeLatencies(result.latencies),
  };
}

export function cpuPercent(cpuSeconds: number, wallSeconds: number): number {
  return wallSeconds > 0 ? (cpuSeconds / wallSeconds) * 100 : NaN;
}

export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)}%` : '–';
}

export function atLeast(value: number, minimum: number, unit: string): Target {
  return { text: `≥ ${formatInt(minimum)}${unit}`, met: value >= minimum };
}

export function atMost(value: number, maximum: number, unit: string): Target {
  return { text: `≤ ${formatNumber(maximum)}${unit}`, met: value <= maximum };
}

export function formatInt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** Milliseconds with the precision that matters at their size. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? formatInt(value) : String(value);
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatTarget(target: Target | undefined): string {
  if (target === undefined) return '';
  return `${target.text} ${target.met ? '✓' : '✗'}`;
}

/** A Markdown table with the first column left-aligned and the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length), 3),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** `server / bench`, or `server / db / bench` when the database runs in its own processes. */
export function formatCpu(usage: CpuUsage, withDatabase: boolean): string {
  return withDatabase
    ? `${formatPercent(usage.serverCpuPct)} / ${formatPercent(usage.dbCpuPct)} / ${formatPercent(usage.clientCpuPct)}`
    : `${formatPercent(usage.serverCpuPct)} / ${formatPercent(usage.clientCpuPct)}`;
}

export function phaseTable(rows: readonly PhaseRow[], withDatabase = false): string {
  return markdownTable(
    [
      'phase',
      'conc.',
      'requests',
      'ops/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      withDatabase ? 'CPU server / PG / bench' : 'CPU server / bench',
      'machine / other',
      'target',
    ],
    rows.map((row) => [
      row.phase,
      String(row.concurrency),
      formatInt(row.requests),
      formatInt(row.opsPerSec),
      formatMs(row.p50Ms),
      formatMs(row.p95Ms),
      formatMs(row.p99Ms),
      formatInt(row.errors),
      formatCpu(row, withDatabase),
      `${formatPercent(row.machineCpuPct)} / ${formatPercent(row.otherCpuPct)}`,
      formatTarget(row.target),
    ]),
  );
}

/** Rounds every float in a result to a few digits so the JSON stays readable. */
export function roundForJson(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return Number.isInteger(value) ? value : Math.round(value * 1000) / 1000;
  }
  if (Array.isArray(value)) return value.map(roundForJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundForJson(inner)]));
  }
  return value;
}
