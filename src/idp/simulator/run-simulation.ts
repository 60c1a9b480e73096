import { randomBytes } from 'node:crypto';
import { createSimClient } from './sim-client.ts';
import { createStepHandle, SIMULATED_IDPS, type ExpectedState, type ResolvedOptions, type SimContext, type SimStep, type SimulatedIdp } from './sim-context.ts';
import { StepRecorder, type SimulationReport, type StepReport } from './sim-report.ts';
import { entraSteps } from './entra-scenario.ts';
import { OKTA_STEPS } from './okta-scenario.ts';
import { ONELOGIN_STEPS } from './onelogin-scenario.ts';

export interface SimulationOptions {
  readonly idp: SimulatedIdp;
  /** The SCIM base URL as pasted into the IdP; for `entra-compliant`, `?aadOptscim062020` is added if missing. */
  readonly baseUrl: string;
  readonly token: string;
  readonly users: number;
  readonly groups: number;
  /** Members per group; defaults to min(users, 10). */
  readonly members?: number;
  /** Requests in flight at once (default 1, as an IdP's per-app queue). */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Called as work progresses: step `index` of `steps`, `done` of `total` units. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  readonly step: string;
  readonly index: number;
  readonly steps: number;
  readonly done: number;
  readonly total: number;
  /** Set when the step has finished. */
  readonly report?: StepReport;
}

export interface SimulationResult {
  readonly report: SimulationReport;
  /** What the run wrote and expects the server to hold now (users and groups it did not delete). */
  readonly expected: ExpectedState;
}

/** Bounds on a run: every loop in the simulator is bounded by these (and the import walk by its page cap). */
export const SIMULATION_LIMITS = { users: 100_000, groups: 10_000, members: 100_000, concurrency: 64 } as const;

const USER_AGENTS: Readonly<Record<SimulatedIdp, string | undefined>> = {
  okta: 'Okta SCIM Client 1.0.0',
  // Entra sometimes sends no User-Agent [I1]; OneLogin's is undocumented: neither is made up.
  entra: undefined,
  'entra-compliant': undefined,
  onelogin: undefined,
};

function stepsFor(idp: SimulatedIdp): readonly SimStep[] {
  if (idp === 'okta') return OKTA_STEPS;
  if (idp === 'onelogin') return ONELOGIN_STEPS;
  return entraSteps(idp === 'entra-compliant');
}

function checkCount(name: keyof typeof SIMULATION_LIMITS, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > SIMULATION_LIMITS[name]) {
    throw new RangeError(`${name} must be an integer from ${min} to ${SIMULATION_LIMITS[name]}, got ${value}`);
  }
  return value;
}

export function resolveOptions(options: SimulationOptions): ResolvedOptions {
  if (!(SIMULATED_IDPS as readonly string[]).includes(options.idp)) throw new RangeError(`idp must be one of ${SIMULATED_IDPS.join(', ')}`);
  const users = checkCount('users', options.users, 1);
  return {
    idp: options.idp,
    users,
    groups: checkCount('groups', options.groups, 0),
    members: Math.min(users, checkCount('members', options.members ?? Math.min(users, 10), 0)),
    concurrency: checkCount('concurrency', options.concurrency ?? 1, 1),
  };
}

/**
 * Provisions users and groups into any SCIM 2.0 server the way `idp` does (src/idp/simulator/*-scenario.ts),
 * checks every response the way that IdP would, and reports per step. Only standard SCIM endpoints
 * are called. Never throws for a server's misbehaviour: failed checks are counted in the report.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const resolved = resolveOptions(options);
  new URL(options.baseUrl); // a bad URL is the caller's error, reported before anything is sent
  const flag = options.idp === 'entra-compliant' && !/aadoptscim062020/i.test(options.baseUrl) ? 'aadOptscim062020' : undefined;
  const client = createSimClient({
    baseUrl: options.baseUrl,
    token: options.token,
    userAgent: USER_AGENTS[options.idp],
    extraQuery: flag,
    timeoutMs: options.timeoutMs ?? 30_000,
    connections: resolved.concurrency,
  });
  const expected: ExpectedState = { users: new Map(), groups: new Map() };
  const ctx: SimContext = { client, options: resolved, run: randomBytes(4).toString('hex'), expected };
  const steps = stepsFor(options.idp);
  const reports: StepReport[] = [];
  const started = performance.now();
  let aborted: string | undefined;
  try {
    for (const [index, step] of steps.entries()) {
      const recorder = new StepRecorder(step.name);
      const total = step.units(resolved);
      let done = 0;
      const progress = (report?: StepReport) => options.onProgress?.({ step: step.name, index, steps: steps.length, done, total, report });
      progress();
      await step.run(ctx, createStepHandle(client, recorder, () => (done = Math.min(total, done + 1), progress())));
      const report = recorder.finish();
      reports.push(report);
      done = total;
      progress(report);
      if (step.fatal && report.failures > 0) {
        aborted = `${step.name} failed; an IdP stops here`;
        break;
      }
    }
  } finally {
    await client.close();
  }
  const requests = reports.reduce((n, s) => n + s.requests, 0);
  const failures = reports.reduce((n, s) => n + s.failures, 0);
  const report: SimulationReport = {
    idp: options.idp,
    baseUrl: client.base,
    users: resolved.users,
    groups: resolved.groups,
    members: resolved.members,
    requests,
    failures,
    durationMs: Math.round(performance.now() - started),
    ok: failures === 0 && aborted === undefined,
    ...(aborted ? { aborted } : {}),
    steps: reports,
  };
  return { report, expected };
}
