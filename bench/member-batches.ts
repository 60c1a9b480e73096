// Membership at scale, the way Okta pushes a big group: one group, members added 100 per PATCH (one
// `add` op with 100 values) and removed 100 per PATCH (one `remove` op per member, addressed by
// `members[value eq "…"]`), one request at a time. At each size the group is first filled (untimed per
// request), then 50 add batches of new members and 50 remove batches of those same members (in another
// order) are timed, so the group is back at the size when the next one starts.
import { createRandom } from './load.ts';
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
const MAX_ERRORS = 20;

export interface BatchTiming extends LatencySummary {
  readonly batches: number;
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

/** Sends the bodies one at a time and times each; failures go to the log. */
async function timeBatches(
  target: ScimTarget,
  path: string,
  bodies: readonly string[],
  log: ErrorLog,
): Promise<BatchTiming> {
  const latencies = new Float64Array(bodies.length);
  let errors = 0;
  let bytes = 0;
  for (let b = 0; b < bodies.length; b += 1) {
    const t0 = performance.now();
    const response = await sendText(target, 'PATCH', path, bodies[b]);
    latencies[b] = performance.now() - t0;
    bytes += Buffer.byteLength(response.text);
    if (!isSuccess(response.statusCode)) {
      errors += 1;
      logError(log, `PATCH ${path} → ${response.statusCode} ${response.text.slice(0, 300)}`);
    }
  }
  return {
    batches: bodies.length,
    errors,
    meanResponseBytes: bodies.length > 0 ? Math.round(bytes / bodies.length) : 0,
    ...summarizeLatencies(latencies),
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
    return { groupId, sizes: [], errors: log.count, errorSamples: log.samples, aborted: 'could not create the group' };
  }
  const path = `${target.basePath}/Groups/${groupId}`;
  const random = createRandom(0x5eed0005);
  const results: MemberBatchSize[] = [];
  let filled = 0; // the group holds population members [0, filled)

  for (const size of sizes) {
    // Fill: batches of 100 until the group has `size` members; bounded by (size - filled) / 100.
    const fillStarted = performance.now();
    let fillBatches = 0;
    while (filled < size && log.count < MAX_ERRORS && performance.now() < deadline) {
      const end = Math.min(size, filled + BATCH_SIZE);
      const members: Member[] = [];
      for (let p = filled; p < end; p += 1) members.push(member(population, p));
      const response = await sendText(target, 'PATCH', path, addMembersBody(members));
      fillBatches += 1;
      if (!isSuccess(response.statusCode)) {
        logError(log, `PATCH ${path} (fill) → ${response.statusCode} ${response.text.slice(0, 300)}`);
      }
      filled = end;
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    if (log.count >= MAX_ERRORS) {
      return { groupId, sizes: results, errors: log.count, errorSamples: log.samples, aborted: `${MAX_ERRORS} errors while filling to ${size}` };
    }
    if (filled < size) {
      const reached = `${overBudget} while filling to ${size} (at ${filled} after ${fillSeconds.toFixed(0)} s)`;
      return { groupId, sizes: results, errors: log.count, errorSamples: log.samples, aborted: reached };
    }

    // The timed batches: 50 adds of new members [size, size + 5000), then 50 removes of the same
    // members, shuffled so a remove batch is not an add batch undone. Bodies are built beforehand.
    const added: Member[] = [];
    for (let p = size; p < size + EXTRA_MEMBERS; p += 1) added.push(member(population, p));
    const addBodies: string[] = [];
    for (let b = 0; b < TIMED_BATCHES; b += 1) {
      addBodies.push(addMembersBody(added.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)));
    }
    const removeIds = added.map((m) => m.id);
    for (let k = removeIds.length - 1; k > 0; k -= 1) {
      const j = random(k + 1);
      [removeIds[k], removeIds[j]] = [removeIds[j], removeIds[k]];
    }
    const removeBodies: string[] = [];
    for (let b = 0; b < TIMED_BATCHES; b += 1) {
      removeBodies.push(removeMembersBody(removeIds.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)));
    }
    const add = await timeBatches(target, path, addBodies, log);
    const remove = await timeBatches(target, path, removeBodies, log);
    results.push({ members: size, fillSeconds, fillBatches, add, remove });
    if (log.count >= MAX_ERRORS) {
      return { groupId, sizes: results, errors: log.count, errorSamples: log.samples, aborted: `${MAX_ERRORS} errors at ${size}` };
    }
    if (performance.now() > deadline && size !== sizes.at(-1)) {
      return { groupId, sizes: results, errors: log.count, errorSamples: log.samples, aborted: `${overBudget} after ${size}` };
    }
  }
  return { groupId, sizes: results, errors: log.count, errorSamples: log.samples };
}

export interface GroupReadTiming extends LatencySummary {
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
): Promise<GroupGetResult> {
  const log: ErrorLog = { count: 0, samples: [] };
  const path = `${target.basePath}/Groups/${groupId}`;

  const time = async (
    url: string,
    count: number,
    check: (text: string) => string | undefined,
  ): Promise<GroupReadTiming> => {
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
  };

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
