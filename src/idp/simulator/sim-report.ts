import type { SimResponse } from './sim-client.ts';

/** One step of a run, as printed: what the IdP did, how many requests, how many failed checks. */
export interface StepReport {
  readonly step: string;
  readonly requests: number;
  readonly failures: number;
  readonly p50Ms: number;
  readonly durationMs: number;
  /** The first failures, each naming the request and the check ("POST /Users: expected 201, got 500"). */
  readonly errors: readonly string[];
}

export interface SimulationReport {
  readonly idp: string;
  readonly baseUrl: string;
  readonly users: number;
  readonly groups: number;
  readonly members: number;
  readonly requests: number;
  readonly failures: number;
  readonly durationMs: number;
  readonly ok: boolean;
  /** Set when the run stopped early (e.g. the credentials were refused), with the reason. */
  readonly aborted?: string;
  readonly steps: readonly StepReport[];
}

/** Failure messages kept per step; the count goes on. */
const MAX_ERRORS_PER_STEP = 20;

/** Records one step's requests, latencies and failed checks. */
export class StepRecorder {
  readonly name: string;
  private readonly latencies: number[] = [];
  private readonly errors: string[] = [];
  private failureCount = 0;
  private readonly started = performance.now();

  constructor(name: string) {
    this.name = name;
  }

  request(res: SimResponse): void {
    this.latencies.push(res.ms);
  }

  fail(message: string): void {
    this.failureCount++;
    if (this.errors.length < MAX_ERRORS_PER_STEP) this.errors.push(message);
  }

  get failures(): number {
    return this.failureCount;
  }

  finish(): StepReport {
    return {
      step: this.name,
      requests: this.latencies.length,
      failures: this.failureCount,
      p50Ms: round(median(this.latencies)),
      durationMs: round(performance.now() - this.started),
      errors: [...this.errors],
    };
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The per-step table and the failures, as plain text for a terminal or a CI log. */
export function renderReport(report: SimulationReport): string {
  const rows = report.steps.map((s) => [s.step, String(s.requests), String(s.failures), s.p50Ms.toFixed(1)]);
  const head = ['step', 'requests', 'failures', 'p50 ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `roster simulate: ${report.idp} against ${report.baseUrl} (${report.users} users, ${report.groups} groups, ${report.members} members per group)`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ];
  for (const s of report.steps) for (const e of s.errors) out.push(`FAIL ${s.step}: ${e}`);
  if (report.aborted) out.push(`ABORTED: ${report.aborted}`);
  out.push(`${report.ok ? 'OK' : 'FAILED'}: ${report.requests} requests, ${report.failures} failures in ${(report.durationMs / 1000).toFixed(1)} s`);
  return out.join('\n') + '\n';
}
