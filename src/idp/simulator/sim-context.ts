import type { Check } from './sim-checks.ts';
import type { SimClient, SimResponse } from './sim-client.ts';
import type { StepRecorder } from './sim-report.ts';

export const SIMULATED_IDPS = ['okta', 'entra', 'entra-compliant', 'onelogin'] as const;
export type SimulatedIdp = (typeof SIMULATED_IDPS)[number];

/** What the simulator wrote and expects the server to hold at the end: the SCIM view of one user. */
export interface ExpectedUser {
  readonly index: number;
  readonly id: string;
  /** Attribute path (as `readPath` reads it) → the value last written. */
  readonly values: Record<string, unknown>;
}

export interface ExpectedGroup {
  readonly index: number;
  readonly id: string;
  displayName: string;
  /** Member user ids. */
  readonly members: Set<string>;
}

/** Users and groups the run created and did not delete, by index. */
export interface ExpectedState {
  readonly users: Map<number, ExpectedUser>;
  readonly groups: Map<number, ExpectedGroup>;
}

export interface ResolvedOptions {
  readonly idp: SimulatedIdp;
  readonly users: number;
  readonly groups: number;
  readonly members: number;
  readonly concurrency: number;
}

/** What a step's body works with. */
export interface SimContext {
  readonly client: SimClient;
  readonly options: ResolvedOptions;
  /** A short random tag in every name the run creates, so runs never collide (and lookups must find nothing). */
  readonly run: string;
  readonly expected: ExpectedState;
}

/** A step's handle: send a request and check the response, or count a unit of progress. */
export interface StepHandle {
  readonly recorder: StepRecorder;
  /** Sends one request, records its latency, runs the checks; `ok` is false when any check failed. */
  call(method: string, path: string, body: unknown, checks: readonly Check[]): Promise<{ res: SimResponse; ok: boolean }>;
  fail(message: string): void;
  tick(): void;
}

export interface SimStep {
  readonly name: string;
  /** Units of progress (users, groups, pages) the step will report. */
  units(options: ResolvedOptions): number;
  run(ctx: SimContext, step: StepHandle): Promise<void>;
  /** A failure here stops the run (an IdP stops when its credentials are refused). */
  readonly fatal?: boolean;
}

export function createStepHandle(client: SimClient, recorder: StepRecorder, tick: () => void): StepHandle {
  return {
    recorder,
    async call(method, path, body, checks) {
      const res = await client.send(method, path, body);
      recorder.request(res);
      const problems = checks.flatMap((check) => check(res));
      for (const problem of problems) recorder.fail(`${method} ${shorten(path)}: ${problem}`);
      return { res, ok: problems.length === 0 };
    },
    fail: (message) => recorder.fail(message),
    tick,
  };
}

function shorten(path: string): string {
  const decoded = (() => {
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  })();
  return decoded.length > 160 ? decoded.slice(0, 157) + '…' : decoded;
}

/** Runs `fn` over `items` with at most `limit` in flight; order of completion is free, the bound is not. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The users a group holds after its first membership push: M consecutive indexes from j*M. */
export function memberIndexes(options: ResolvedOptions, group: number, shift = 0): number[] {
  const { users, members } = options;
  const size = Math.min(members, users);
  return range(size).map((t) => (group * size + t + shift) % users);
}

/** How many users are deactivated (and half of them reactivated): a fifth, at least one when there are users. */
export function deactivationCount(options: ResolvedOptions): number {
  return options.users === 0 ? 0 : Math.max(1, Math.ceil(options.users / 5));
}

export const q = encodeURIComponent;
