// Membership at scale, the way Okta pushes a big group: one group, members added 100 per PATCH (one
// `add` op with 100 values) and removed 100 per PATCH (one `remove` op per member, addressed by
// `members[value eq "…"]`), one request at a time. At each size the group is first filled (untimed per
// request), then 50 add batches and 50 remove batches are timed, alternately, so the group stays
// within 100 of the size: an add brings 100 users who were never members, a remove takes 100 members
// picked at random from the whole group (old and new), so no remove simply undoes the add before it.
import { createRandom, measureCpu, type CpuReader, type CpuUsage } from './load.ts';
import { summarizeLatencies, type LatencySummary } from './report.ts';
import {
  addMembersBody,
  createGroupBody,
  isSuccess,
  removeMembersBody,
  sendText,
  userName,
  type Member,
  type ScimTarget,
} from './scim-client.ts';
import type { Population } from './phases.ts';

export const BATCH_SIZE = 100;
export const TIMED_BATCHES = 50;
/** Users the timed add batches need beyond the group's size. */
export const EXTRA_MEMBERS = BATCH_SIZE * TIMED_BATCHES;
/** Give up on the member phase after this many failed requests rather than pile up errors. */
export const MAX_ERRORS = 20;

export interface BatchTiming extends LatencySummary, CpuUsage {
  readonly batches: number;
  /** Sum of the batches' latencies: `batches / totalSeconds` is the one-client rate. */
  readonly totalSeconds: number;
  readonly errors: number;
  /** Mean response body size: shows whether a PATCH answers 204, the group, or the group with members. */
  readonly meanResponseBytes: number;
}

export interface MemberBatchSize {
  readonly members: number;
  readonly fillSeconds: number;
  readonly fillBatches: number;
  readonly add: BatchTiming;
  readonly remove: BatchTiming;
}

export interface MemberBatchResult {
  readonly groupId: string;
  readonly sizes: MemberBatchSize[];
  readonly errors: number;
  readonly errorSamples: string[];
  /** How many members the group has at the end (as far as the benchmark's requests succeeded). */
  readonly finalMembers: number;
  /** Set when the phase stopped early. */
  readonly aborted?: string;
}

interface ErrorLog {
  count: number;
  readonly samples: string[];
}

function logError(log: ErrorLog, description: string): void {
  log.count += 1;
  if (log.samples.length < 3) log.samples.push(description);
}

function member(population: Population, position: number): Member {
  return { id: population.ids[position], display: userName(population.indexes[position]) };
}

/** Latencies, errors and response sizes of one kind of batch (add or remove) at one size. */
interface BatchRecorder {
  readonly latencies: Float64Array;
  count: number;
  errors: number;
  bytes: number;
}

function createRecorder(capacity: number): BatchRecorder {
  return { latencies: new Float64Array(capacity), count: 0, errors: 0, bytes: 0 };
}

/** Finishes one kind of batch; `cpu` covers the adds and removes together (they alternate). */
function finishRecorder(recorder: BatchRecorder, cpu: CpuUsage): BatchTiming {
  const latencies = recorder.latencies.subarray(0, recorder.count);
  const totalSeconds = latencies.reduce((sum, value) => sum + value, 0) / 1000;
  return {
    batches: recorder.count,
    totalSeconds,
    errors: recorder.errors,
    meanResponseBytes: recorder.count > 0 ? Math.round(recorder.bytes / recorder.count) : 0,
    serverCpuPct: cpu.serverCpuPct,
    nodeCpuPcts: cpu.nodeCpuPcts,
    dbCpuPct: cpu.dbCpuPct,
    clientCpuPct: cpu.clientCpuPct,
    machineCpuPct: cpu.machineCpuPct,
    otherCpuPct: cpu.otherCpuPct,
    ...summarizeLatencies(latencies),
  };
}

/** Sends one PATCH, timing it into `recorder` (when given); a failure goes to the log. */
async function sendBatch(
  target: ScimTarget,
  path: string,
  body: string,
  log: ErrorLog,
  recorder?: BatchRecorder,
): Promise<void> {
  const t0 = performance.now();
  const response = await sendText(target, 'PATCH', path, body);
  const elapsed = performance.now() - t0;
  const failed = !isSuccess(response.statusCode);
  if (failed) logError(log, `PATCH ${path} → ${response.statusCode} ${response.text.slice(0, 300)}`);
  if (recorder === undefined) return;
  recorder.latencies[recorder.count] = elapsed;
  recorder.count += 1;
  recorder.bytes += Buffer.byteLength(response.text);
  if (failed) recorder.errors += 1;
}

/**
 * Which population positions are in the group, as the benchmark asked for it: an unordered list with
 * O(1) add, remove and random pick.
 */
function createMembership(capacity: number) {
  const list = new Int32Array(capacity);
  const slot = new Int32Array(capacity).fill(-1);
  let count = 0;
  return {
    count: (): number => count,
    has: (position: number): boolean => slot[position] >= 0,
    add(position: number): void {
      if (slot[position] >= 0) return;
      slot[position] = count;
      list[count] = position;
      count += 1;
    },
    remove(position: number): void {
      const at = slot[position];
      if (at < 0) return;
      count -= 1;
      const last = list[count];
      list[at] = last;
      slot[last] = at;
      slot[position] = -1;
    },
    at: (index: number): number => list[index],
  };
}

/**
 * Measures add/remove batches at each size in `sizes` (ascending). Needs `max(sizes) + EXTRA_MEMBERS`
 * users in `population`.
 */
export async function runMemberBatches(
  target: ScimTarget,
  population: Population,
  sizes: readonly number[],
  budgetMs: number,
  cpuReader: CpuReader,
): Promise<MemberBatchResult> {
  const log: ErrorLog = { count: 0, samples: [] };
  const deadline = performance.now() + budgetMs;
  const overBudget = `over the ${Math.round(budgetMs / 1000)} s budget of this phase`;
  const created = await sendText(target, 'POST', `${target.basePath}/Groups`, createGroupBody('bench-big-group'));
  let groupId = '';
  try {
    groupId = String((JSON.parse(created.text) as { id?: unknown }).id ?? '');
  } catch {
    // reported below
  }
  if (!isSuccess(created.statusCode) || groupId === '') {
    logError(log, `POST /Groups → ${created.statusCode} ${created.text.slice(0, 300)}`);
    return { groupId, sizes: [], errors: log.count, errorSamples: log.samples, finalMembers: 0, aborted: 'could not create the group' };
  }
  const path = `${target.basePath}/Groups/${groupId}`;
  const random = createRandom(0x5eed0005);
  const available = population.ids.length;
  const membership = createMembership(available);
  const results: MemberBatchSize[] = [];
  const stop = (aborted: string): MemberBatchResult => ({
    groupId,
    sizes: results,
    errors: log.count,
    errorSamples: log.samples,
    finalMembers: membership.count(),
    aborted,
  });
  const idsOf = (positions: readonly number[]): string[] => positions.map((p) => population.ids[p]);
  const membersOf = (positions: readonly number[]): Member[] => positions.map((p) => member(population, p));

  for (const size of sizes) {
    // Fill: the first non-members, 100 per PATCH, until the group has `size` members. Bounded: `scan`
    // only grows, and every round adds at least one member or ends the loop.
    const fillStarted = performance.now();
    let fillBatches = 0;
    let scan = 0;
    while (membership.count() < size && log.count < MAX_ERRORS && performance.now() < deadline) {
      const batch: number[] = [];
      while (batch.length < BATCH_SIZE && membership.count() + batch.length < size && scan < available) {
        if (!membership.has(scan)) batch.push(scan);
        scan += 1;
      }
      if (batch.length === 0) break;
      await sendBatch(target, path, addMembersBody(membersOf(batch)), log);
      for (const position of batch) membership.add(position);
      fillBatches += 1;
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    if (log.count >= MAX_ERRORS) return stop(`${MAX_ERRORS} errors while filling to ${size}`);
    if (membership.count() < size) {
      return stop(`${overBudget} while filling to ${size} (at ${membership.count()} after ${fillSeconds.toFixed(0)} s)`);
    }

    // Timed: add 100 users who were never members (positions after the fill), then remove 100 random
    // members; the bodies are built before the clock starts.
    const adds = createRecorder(TIMED_BATCHES);
    const removes = createRecorder(TIMED_BATCHES);
    let cursor = scan;
    const cpu = await measureCpu(cpuReader, async () => {
      for (let b = 0; b < TIMED_BATCHES && log.count < MAX_ERRORS; b += 1) {
        const added: number[] = [];
        while (added.length < BATCH_SIZE && cursor < available) {
          if (!membership.has(cursor)) added.push(cursor);
          cursor += 1;
        }
        await sendBatch(target, path, addMembersBody(membersOf(added)), log, adds);
        for (const position of added) membership.add(position);

        const removed: number[] = [];
        for (let k = 0; k < BATCH_SIZE && membership.count() > 0; k += 1) {
          const position = membership.at(random(membership.count()));
          membership.remove(position);
          removed.push(position);
        }
        await sendBatch(target, path, removeMembersBody(idsOf(removed)), log, removes);
      }
      return {};
    });
    results.push({
      members: size,
      fillSeconds,
      fillBatches,
      add: finishRecorder(adds, cpu),
      remove: finishRecorder(removes, cpu),
    });
    if (log.count >= MAX_ERRORS) return stop(`${MAX_ERRORS} errors at ${size}`);
    if (performance.now() > deadline && size !== sizes.at(-1)) return stop(`${overBudget} after ${size}`);
  }
  return { groupId, sizes: results, errors: log.count, errorSamples: log.samples, finalMembers: membership.count() };
}

export interface GroupReadTiming extends LatencySummary, CpuUsage {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly responseBytes: number;
}

export interface GroupGetResult {
  readonly members: number;
  readonly withoutMembers: GroupReadTiming;
  readonly withMembers: GroupReadTiming & { readonly membersReturned: number };
  readonly errorSamples: string[];
}

/**
 * `GET /Groups/{id}?excludedAttributes=members` (Entra's read) and `GET /Groups/{id}` with every
 * member, one at a time, at the group's final size. Checks that the first returns no members and the
 * second all of them.
 */
export async function runGroupGets(
  target: ScimTarget,
  groupId: string,
  members: number,
  withoutCount: number,
  withCount: number,
  cpuReader: CpuReader,
): Promise<GroupGetResult> {
  const log: ErrorLog = { count: 0, samples: [] };
  const path = `${target.basePath}/Groups/${groupId}`;

  const time = async (
    url: string,
    count: number,
    check: (text: string) => string | undefined,
  ): Promise<GroupReadTiming> => measureCpu(cpuReader, async () => {
    const latencies = new Float64Array(count);
    let errors = 0;
    let bytes = 0;
    const started = performance.now();
    for (let r = 0; r < count; r += 1) {
      const t0 = performance.now();
      const response = await sendText(target, 'GET', url);
      latencies[r] = performance.now() - t0;
      bytes = Buffer.byteLength(response.text);
      let problem: string | undefined;
      if (!isSuccess(response.statusCode)) {
        problem = `→ ${response.statusCode} ${response.text.slice(0, 300)}`;
      } else {
        try {
          problem = check(response.text);
        } catch {
          problem = `→ ${response.statusCode} not JSON: ${response.text.slice(0, 300)}`;
        }
      }
      if (problem !== undefined) {
        errors += 1;
        logError(log, `GET ${url} ${problem}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return { requests: count, seconds, errors, responseBytes: bytes, ...summarizeLatencies(latencies) };
  });

  const membersIn = (text: string): number => {
    const group = JSON.parse(text) as { members?: unknown };
    return Array.isArray(group.members) ? group.members.length : 0;
  };

  const withoutMembers = await time(`${path}?excludedAttributes=members`, withoutCount, (text) => {
    const count = membersIn(text);
    return count === 0 ? undefined : `returned ${count} members despite excludedAttributes=members`;
  });
  let membersReturned = -1;
  const withMembersTiming = await time(path, withCount, (text) => {
    membersReturned = membersIn(text);
    return membersReturned === members ? undefined : `returned ${membersReturned} members, expected ${members}`;
  });
  return {
    members,
    withoutMembers,
    withMembers: { ...withMembersTiming, membersReturned },
    errorSamples: log.samples,
  };
}
