// The engines side by side: every phase that ran on both, PostgreSQL's ops/s against SQLite's (issue 3
// asks for every phase on PostgreSQL within 2× of SQLite's ops/s, i.e. a ratio of at least 0.5).
import type { MemberBatchResult } from './member-batches.ts';
import type { Engine } from './options.ts';
import type { PhaseRow } from './report.ts';

/** PostgreSQL's ops/s must be at least this share of SQLite's ("within 2×"). */
export const WITHIN_TWO = 0.5;

export interface EngineNumbers {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly errors: number;
}

export interface ComparisonRow {
  readonly phase: string;
  /** Requests in flight (1 for the one-client phases). */
  readonly concurrency: number;
  readonly sqlite?: EngineNumbers;
  readonly postgres?: EngineNumbers;
  /** PostgreSQL ops/s ÷ SQLite ops/s, when both ran. */
  readonly ratio?: number;
  readonly withinTwo?: boolean;
}

interface Comparable {
  readonly phase: string;
  readonly concurrency: number;
  readonly numbers: EngineNumbers;
}

/** The member batches as rows: one client, so ops/s is batches per second of their summed latency. */
function memberRows(batches: MemberBatchResult | undefined): Comparable[] {
  if (batches === undefined) return [];
  return batches.sizes.flatMap((size) =>
    (['add', 'remove'] as const).map((kind) => {
      const timing = size[kind];
      return {
        phase: `member ${kind} ×100 (${size.members.toLocaleString('en-US')} members)`,
        concurrency: 1,
        numbers: {
          opsPerSec: timing.totalSeconds > 0 ? timing.batches / timing.totalSeconds : 0,
          p50Ms: timing.p50Ms,
          errors: timing.errors,
        },
      };
    }),
  );
}

/** An engine's phases in report order, the member batches before the group reads. */
function comparables(engine: { phases: readonly PhaseRow[]; memberBatches?: MemberBatchResult }): Comparable[] {
  const rows: Comparable[] = engine.phases.map((row) => ({
    phase: row.phase,
    concurrency: row.concurrency,
    numbers: { opsPerSec: row.opsPerSec, p50Ms: row.p50Ms, errors: row.errors },
  }));
  const groupReads = rows.findIndex((row) => row.phase.startsWith('GET group'));
  rows.splice(groupReads < 0 ? rows.length : groupReads, 0, ...memberRows(engine.memberBatches));
  return rows;
}

export function compareEngines(
  engines: readonly { engine: Engine; phases: readonly PhaseRow[]; memberBatches?: MemberBatchResult }[],
): ComparisonRow[] {
  const order: string[] = [];
  const byPhase = new Map<string, { concurrency: number; sqlite?: EngineNumbers; postgres?: EngineNumbers }>();
  for (const engine of engines) {
    for (const row of comparables(engine)) {
      let entry = byPhase.get(row.phase);
      if (entry === undefined) {
        entry = { concurrency: row.concurrency };
        byPhase.set(row.phase, entry);
        order.push(row.phase);
      }
      entry[engine.engine] = row.numbers;
    }
  }
  return order.map((phase) => {
    const entry = byPhase.get(phase)!;
    const { sqlite, postgres } = entry;
    const both = sqlite !== undefined && postgres !== undefined && sqlite.opsPerSec > 0;
    const ratio = both ? postgres.opsPerSec / sqlite.opsPerSec : undefined;
    return {
      phase,
      concurrency: entry.concurrency,
      sqlite,
      postgres,
      ratio,
      withinTwo: ratio === undefined ? undefined : ratio >= WITHIN_TWO,
    };
  });
}
