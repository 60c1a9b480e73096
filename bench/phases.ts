// The user and group phases, in the order Okta drives a SCIM app: create, look up, read, import
// (list walk), deactivate, push groups. Each phase returns its row for the report.
import { createRandom, runLoad, type CpuReader, type Operation } from './load.ts';
import { summarizeLatencies, summarizeLoad, type LatencySummary, type PhaseRow } from './report.ts';
import {
  DEACTIVATE_BODY,
  DUMP_ALL,
  createGroupBody,
  createUserBody,
  describeFailure,
  isSuccess,
  userName,
  userNameFilterPath,
  type ScimTarget,
} from './scim-client.ts';

export interface PhaseContext {
  readonly target: ScimTarget;
  /** The shared latency buffer. */
  readonly latencies: Float64Array;
  readonly concurrency: number;
  /** Length of a time-bounded phase. */
  readonly phaseMs: number;
  /** Time limit of a count-bounded phase (so a stalled server cannot hang the run). */
  readonly safetyMs: number;
  /** CPU seconds the server(s), the database and the machine have used so far. */
  readonly cpu: CpuReader;
}

/** The users the server created: `indexes[k]` names them (userName, externalId), `ids[k]` is the SCIM id. */
export interface Population {
  readonly indexes: number[];
  readonly ids: string[];
}

/** Every 64th response of a read phase is parsed and checked, the rest only drained. */
const CHECK_EVERY_MASK = 63;
/** Read phases first run this long, unrecorded, so the JIT of client and server is warm. */
const WARMUP_MS = 500;

function readId(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { id?: unknown };
    return typeof parsed.id === 'string' && parsed.id.length > 0 ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * POSTs users `firstIndex … firstIndex+count-1` and appends the ones created to `population`.
 * Used by the timed create phase and, untimed, to top up users for the member batches.
 */
export async function createUsers(
  context: PhaseContext,
  phase: string,
  firstIndex: number,
  count: number,
  population: Population,
): Promise<PhaseRow> {
  const { target } = context;
  const path = `${target.basePath}/Users`;
  const ids: (string | undefined)[] = new Array(count);
  const operation: Operation = async (i) => {
    const response = await target.pool.request({
      method: 'POST',
      path,
      headers: target.writeHeaders,
      body: createUserBody(firstIndex + i),
    });
    if (!isSuccess(response.statusCode)) return describeFailure(`POST ${path}`, response.statusCode, response.body);
    const text = await response.body.text();
    const id = readId(text);
    if (id === undefined) return `POST ${path} → ${response.statusCode} without an id: ${text.slice(0, 300)}`;
    ids[i] = id;
    return true;
  };
  const result = await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: context.safetyMs,
    maxRequests: count,
    latencies: context.latencies,
    cpu: context.cpu,
  });
  for (let i = 0; i < count; i += 1) {
    const id = ids[i];
    if (id !== undefined) {
      population.indexes.push(firstIndex + i);
      population.ids.push(id);
    }
  }
  return summarizeLoad(phase, result);
}

async function warmUp(context: PhaseContext, operation: Operation): Promise<void> {
  await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: WARMUP_MS,
    maxRequests: context.latencies.length,
    latencies: context.latencies,
    cpu: context.cpu,
  });
}

/**
 * `GET /Users?filter=userName eq "…"` for random users. Also the ceiling phase's operation: the
 * ceiling server answers every path with a one-user ListResponse.
 */
export function lookupOperation(
  target: ScimTarget,
  population: Population,
  seed: number,
  verify: boolean,
): Operation {
  const random = createRandom(seed);
  const size = population.indexes.length;
  return async (i) => {
    const index = population.indexes[random(size)];
    const path = userNameFilterPath(target.basePath, index);
    const response = await target.pool.request({ method: 'GET', path, headers: target.readHeaders });
    if (!isSuccess(response.statusCode)) return describeFailure(`GET ${path}`, response.statusCode, response.body);
    if (!verify || (i & CHECK_EVERY_MASK) !== 0) {
      await response.body.dump(DUMP_ALL);
      return true;
    }
    const text = await response.body.text();
    try {
      const list = JSON.parse(text) as { totalResults?: unknown; Resources?: { userName?: unknown }[] };
      const found = list.Resources?.[0]?.userName;
      if (list.totalResults === 1 && typeof found === 'string' && found.toLowerCase() === userName(index)) return true;
    } catch {
      // reported below
    }
    return `GET ${path} → ${response.statusCode} but not exactly that user: ${text.slice(0, 300)}`;
  };
}

export async function runLookups(
  context: PhaseContext,
  phase: string,
  operation: Operation,
  maxRequests: number,
): Promise<PhaseRow> {
  await warmUp(context, operation);
  const result = await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: context.phaseMs,
    maxRequests,
    latencies: context.latencies,
    cpu: context.cpu,
  });
  return summarizeLoad(phase, result);
}

/** `GET /Users/{id}` for random users. */
export async function runGetById(context: PhaseContext, population: Population): Promise<PhaseRow> {
  const { target } = context;
  const random = createRandom(0x5eed0002);
  const size = population.ids.length;
  const operation: Operation = async (i) => {
    const id = population.ids[random(size)];
    const path = `${target.basePath}/Users/${id}`;
    const response = await target.pool.request({ method: 'GET', path, headers: target.readHeaders });
    if (!isSuccess(response.statusCode)) return describeFailure(`GET ${path}`, response.statusCode, response.body);
    if ((i & CHECK_EVERY_MASK) !== 0) {
      await response.body.dump(DUMP_ALL);
      return true;
    }
    const text = await response.body.text();
    return readId(text) === id ? true : `GET ${path} → ${response.statusCode} with another id: ${text.slice(0, 300)}`;
  };
  await warmUp(context, operation);
  const result = await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: context.phaseMs,
    maxRequests: context.latencies.length,
    latencies: context.latencies,
    cpu: context.cpu,
  });
  return summarizeLoad('get user by id', result);
}

export interface ListWalkResult extends LatencySummary {
  readonly pages: number;
  readonly usersListed: number;
  readonly uniqueIds: number;
  readonly totalResults: number;
  readonly seconds: number;
  readonly usersPerSec: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
}

const PAGE_SIZE = 100;

/**
 * Okta's import: `GET /Users?startIndex=1&count=100`, then startIndex += 100 until totalResults,
 * one request at a time. Counts distinct ids to show the order is stable across pages.
 */
export async function runListWalk(context: PhaseContext, expectedUsers: number): Promise<ListWalkResult> {
  const { target, latencies } = context;
  const maxPages = Math.ceil(expectedUsers / PAGE_SIZE) * 2 + 10;
  const seen = new Set<string>();
  const errorSamples: string[] = [];
  let errors = 0;
  let pages = 0;
  let listed = 0;
  let totalResults = -1;
  let startIndex = 1;
  const started = performance.now();
  // Bounded by maxPages; ends early at totalResults, an empty page or an error.
  while (pages < maxPages && (totalResults < 0 || startIndex <= totalResults)) {
    const path = `${target.basePath}/Users?startIndex=${startIndex}&count=${PAGE_SIZE}`;
    const t0 = performance.now();
    const response = await target.pool.request({ method: 'GET', path, headers: target.readHeaders });
    const text = await response.body.text();
    latencies[pages] = performance.now() - t0;
    pages += 1;
    let resources: { id?: unknown }[] = [];
    let problem: string | undefined;
    if (!isSuccess(response.statusCode)) {
      problem = `GET ${path} → ${response.statusCode} ${text.slice(0, 300)}`;
    } else {
      try {
        const list = JSON.parse(text) as { totalResults?: unknown; Resources?: { id?: unknown }[] };
        if (typeof list.totalResults === 'number') totalResults = list.totalResults;
        resources = Array.isArray(list.Resources) ? list.Resources : [];
        if (typeof list.totalResults !== 'number') problem = `GET ${path}: no numeric totalResults`;
        else if (resources.length === 0 && startIndex <= totalResults) problem = `GET ${path}: empty page before the end`;
      } catch {
        problem = `GET ${path} → ${response.statusCode} not JSON: ${text.slice(0, 300)}`;
      }
    }
    if (problem !== undefined) {
      errors += 1;
      if (errorSamples.length < 3) errorSamples.push(problem);
      break;
    }
    for (const resource of resources) {
      if (typeof resource.id === 'string') seen.add(resource.id);
    }
    listed += resources.length;
    startIndex += PAGE_SIZE;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    pages,
    usersListed: listed,
    uniqueIds: seen.size,
    totalResults,
    seconds,
    usersPerSec: seconds > 0 ? listed / seconds : 0,
    errors,
    errorSamples,
    ...summarizeLatencies(latencies.subarray(0, pages)),
  };
}

function greatestCommonDivisor(a: number, b: number): number {
  // Euclid; terminates in O(log min(a, b)) steps.
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The smallest stride ≥ 7 that visits every one of `size` users once when stepping modulo `size`. */
function coprimeStride(size: number): number {
  for (let stride = 7; stride < size; stride += 1) {
    if (greatestCommonDivisor(stride, size) === 1) return stride;
  }
  return 1;
}

/**
 * Okta's deactivation (`PATCH` `active: false`) of every k-th user (k coprime to the population, so
 * no user is deactivated twice), for the phase length or one pass over the users.
 */
export async function runDeactivate(context: PhaseContext, population: Population): Promise<PhaseRow> {
  const { target } = context;
  const size = population.ids.length;
  const stride = coprimeStride(size);
  const operation: Operation = async (i) => {
    const path = `${target.basePath}/Users/${population.ids[(i * stride) % size]}`;
    const response = await target.pool.request({
      method: 'PATCH',
      path,
      headers: target.writeHeaders,
      body: DEACTIVATE_BODY,
    });
    if (!isSuccess(response.statusCode)) return describeFailure(`PATCH ${path}`, response.statusCode, response.body);
    if ((i & CHECK_EVERY_MASK) !== 0 || response.statusCode === 204) {
      await response.body.dump(DUMP_ALL);
      return true;
    }
    const text = await response.body.text();
    return /"active"\s*:\s*false/.test(text) ? true : `PATCH ${path} → ${response.statusCode} still active: ${text.slice(0, 300)}`;
  };
  const result = await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: context.phaseMs,
    maxRequests: size,
    latencies: context.latencies,
    cpu: context.cpu,
  });
  return summarizeLoad('deactivate (PATCH active=false)', result);
}

/** Okta's group push: `POST /Groups` with no members. */
export async function runCreateGroups(context: PhaseContext, count: number): Promise<PhaseRow> {
  const { target } = context;
  const path = `${target.basePath}/Groups`;
  const operation: Operation = async (i) => {
    const response = await target.pool.request({
      method: 'POST',
      path,
      headers: target.writeHeaders,
      body: createGroupBody(`bench-group-${i}`),
    });
    if (!isSuccess(response.statusCode)) return describeFailure(`POST ${path}`, response.statusCode, response.body);
    const text = await response.body.text();
    return readId(text) !== undefined ? true : `POST ${path} → ${response.statusCode} without an id: ${text.slice(0, 300)}`;
  };
  const result = await runLoad(operation, {
    concurrency: context.concurrency,
    durationMs: context.safetyMs,
    maxRequests: count,
    latencies: context.latencies,
    cpu: context.cpu,
  });
  return summarizeLoad(`create groups`, result);
}
