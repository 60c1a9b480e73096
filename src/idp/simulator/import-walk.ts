import { bodyOf, listResponse, readPath, resource, sameValue, scimJson, status } from './sim-checks.ts';
import type { ExpectedGroup, SimContext, SimStep, StepHandle } from './sim-context.ts';

const PAGE = 100;
/** A walk stops after this many pages whatever the server claims (10 million resources). */
const MAX_PAGES = 100_000;

/**
 * Okta's import [O1]: `GET /{endpoint}?startIndex=1&count=100`, then startIndex += 100 until
 * `totalResults` (the other scenarios walk the same way to check what the server holds). Every page must be a proper ListResponse; `totalResults` must not move during the
 * walk; no id may come twice (stable ordering) and every resource the run wrote must come once.
 * Returns the resources of this run, by id.
 */
async function walk(ctx: SimContext, step: StepHandle, endpoint: 'Users' | 'Groups', ours: ReadonlySet<string>, strictType: boolean) {
  const seen = new Set<string>();
  const found = new Map<string, Record<string, unknown>>();
  let startIndex = 1;
  let total: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { res, ok } = await step.call('GET', `/${endpoint}?startIndex=${startIndex}&count=${PAGE}`, undefined, [status(200), scimJson(strictType), listResponse()]);
    step.tick();
    if (!ok) return found;
    const body = bodyOf(res) as { totalResults: number; Resources: Array<Record<string, unknown>> };
    if (total !== undefined && body.totalResults !== total) step.fail(`${endpoint}: totalResults changed from ${total} to ${body.totalResults} during the walk`);
    total = body.totalResults;
    for (const item of body.Resources) {
      const id = item.id as string;
      if (seen.has(id)) step.fail(`${endpoint}: id ${id} came twice (paging is not stable)`);
      seen.add(id);
      if (ours.has(id)) found.set(id, item);
    }
    // Okta moves on by the count it asked for, not by what came back: a short page skips resources.
    if (body.Resources.length < PAGE && startIndex + body.Resources.length <= total) {
      step.fail(`${endpoint}: ${body.Resources.length} resources at startIndex ${startIndex} with totalResults ${total}; Okta pages by startIndex += ${PAGE} and would skip some`);
      if (body.Resources.length === 0) break;
    }
    startIndex += PAGE;
    if (startIndex > total) break;
  }
  if (total !== undefined && seen.size !== total) step.fail(`${endpoint}: the walk saw ${seen.size} distinct ids, totalResults says ${total}`);
  for (const id of ours) if (!found.has(id)) step.fail(`${endpoint}: ${id}, written by this run, is missing from the import`);
  return found;
}

export function importUsersStep(strictType: boolean): SimStep {
  return {
    name: 'import-users',
    units: (o) => Math.ceil(o.users / PAGE) + 1,
    async run(ctx, step) {
      const expected = [...ctx.expected.users.values()];
      const found = await walk(ctx, step, 'Users', new Set(expected.map((u) => u.id)), strictType);
      // Okta compares what it imports with what it pushed.
      for (const user of expected) {
        const got = found.get(user.id);
        if (!got) continue;
        for (const [path, value] of Object.entries(user.values)) {
          const actual = readPath(got, path);
          if (!sameValue(actual, value)) step.fail(`Users/${user.id}: "${path}" is ${JSON.stringify(actual)}, pushed ${JSON.stringify(value)}`);
        }
      }
    },
  };
}

function memberIds(group: Record<string, unknown>): string[] | undefined {
  const members = group.members;
  if (members === undefined) return undefined;
  if (members === null) return [];
  return Array.isArray(members) ? members.map((m) => (m as { value?: unknown })?.value).filter((v): v is string => typeof v === 'string') : [];
}

function compareGroup(step: StepHandle, group: ExpectedGroup, got: Record<string, unknown>, ids: readonly string[]): void {
  if (got.displayName !== group.displayName) step.fail(`Groups/${group.id}: displayName is ${JSON.stringify(got.displayName)}, pushed ${JSON.stringify(group.displayName)}`);
  const actual = new Set(ids);
  const missing = [...group.members].filter((id) => !actual.has(id));
  const extra = [...actual].filter((id) => !group.members.has(id));
  if (missing.length > 0 || extra.length > 0 || ids.length !== actual.size) {
    step.fail(`Groups/${group.id}: members differ (missing ${missing.length}, unexpected ${extra.length}, duplicated ${ids.length - actual.size})`);
  }
}

export function importGroupsStep(strictType: boolean): SimStep {
  return {
    name: 'import-groups',
    units: (o) => Math.ceil(o.groups / PAGE) + 1 + o.groups,
    async run(ctx, step) {
      const expected = [...ctx.expected.groups.values()];
      const found = await walk(ctx, step, 'Groups', new Set(expected.map((g) => g.id)), strictType);
      for (const group of expected) {
        const got = found.get(group.id);
        if (!got) continue;
        let ids = memberIds(got);
        if (ids === undefined) {
          // A list may leave members out; the group itself must have them (absent there: none).
          const { res, ok } = await step.call('GET', `/Groups/${group.id}`, undefined, [status(200), scimJson(strictType), resource(group.id)]);
          if (!ok) continue;
          ids = memberIds(bodyOf(res)) ?? [];
        }
        step.tick();
        compareGroup(step, group, got, ids);
      }
    },
  };
}
