// Step builders shared by the Entra and OneLogin scenarios: the request shapes differ per IdP and
// are passed in; what is checked and recorded is the same.
import { emptyList, echoes, idOf, listResponse, resource, scimJson, status, type Check } from './sim-checks.ts';
import { forEachLimit, range, type ExpectedGroup, type ExpectedUser, type ResolvedOptions, type SimContext, type SimStep } from './sim-context.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** A check that applies only when the server sent a body (a PATCH may answer 204). */
export function onlyIfBody(check: Check): Check {
  return (res) => (res.status === 204 ? [] : check(res));
}

/** A user PATCH: 200 with the user, or 204. */
export function userPatched(strict: boolean, id: string, extra: Check[] = []): Check[] {
  return [status(200, 204), ...[scimJson(strict), resource(id), ...extra].map(onlyIfBody)];
}

export function lookupUsersStep(strict: boolean, filterFor: (ctx: SimContext, i: number) => string, query = ''): SimStep {
  return {
    name: 'lookup-before-create',
    units: (o) => o.users,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.users), ctx.options.concurrency, async (i) => {
        await step.call('GET', `/Users?${query}filter=${encodeURIComponent(filterFor(ctx, i))}`, undefined, [status(200), scimJson(strict), listResponse(), emptyList(false)]);
        step.tick();
      });
    },
  };
}

export interface CreatedUser {
  readonly body: Record<string, unknown>;
  /** What the server must hold afterwards (attribute path → value). */
  readonly values: Record<string, unknown>;
}

export function createUsersStep(strict: boolean, build: (ctx: SimContext, i: number) => CreatedUser): SimStep {
  return {
    name: 'create-users',
    units: (o) => o.users,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.users), ctx.options.concurrency, async (i) => {
        const { body, values } = build(ctx, i);
        const { res, ok } = await step.call('POST', '/Users', body, [status(201), scimJson(strict), resource(), echoes('userName', body.userName)]);
        step.tick();
        if (ok) ctx.expected.users.set(i, { index: i, id: idOf(res), values: { ...values } });
      });
    },
  };
}

/** One PATCH per user (of `indexes`), whose body and resulting values the IdP's dialect decides. */
export function patchUsersStep(
  name: string,
  strict: boolean,
  indexes: (o: ResolvedOptions) => number[],
  build: (ctx: SimContext, user: ExpectedUser) => { body: unknown; values: Record<string, unknown> } | undefined,
): SimStep {
  return {
    name,
    units: (o) => indexes(o).length,
    async run(ctx, step) {
      await forEachLimit(indexes(ctx.options), ctx.options.concurrency, async (i) => {
        step.tick();
        const user = ctx.expected.users.get(i);
        const patch = user && build(ctx, user);
        if (!user || !patch) return;
        const echo = Object.entries(patch.values).map(([path, value]) => echoes(path, value));
        const { ok } = await step.call('PATCH', `/Users/${user.id}`, patch.body, userPatched(strict, user.id, echo));
        if (ok) Object.assign(user.values, patch.values);
      });
    },
  };
}

export function createGroupsStep(strict: boolean, build: (ctx: SimContext, j: number) => Record<string, unknown>, lookup?: (displayName: string) => string): SimStep {
  return {
    name: 'create-groups',
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.groups), ctx.options.concurrency, async (j) => {
        step.tick();
        const body = build(ctx, j);
        const displayName = body.displayName as string;
        if (lookup) await step.call('GET', lookup(displayName), undefined, [status(200), scimJson(strict), listResponse(), emptyList(false)]);
        const { res, ok } = await step.call('POST', '/Groups', body, [status(201), scimJson(strict), resource(), echoes('displayName', displayName)]);
        if (ok) ctx.expected.groups.set(j, { index: j, id: idOf(res), displayName, members: new Set() });
      });
    },
  };
}

/** One PATCH per group; `build` returns the body and the change to apply to the expected group on success. */
export function patchGroupsStep(
  name: string,
  strict: boolean,
  build: (ctx: SimContext, group: ExpectedGroup) => { body: unknown; apply: () => void } | undefined,
): SimStep {
  return {
    name,
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit([...ctx.expected.groups.values()], ctx.options.concurrency, async (group) => {
        step.tick();
        const patch = build(ctx, group);
        if (!patch) return;
        // Entra expects 204 for group PATCH [E1]; 200 with the group is accepted too.
        const { ok } = await step.call('PATCH', `/Groups/${group.id}`, patch.body, [status(204, 200), onlyIfBody(scimJson(strict))]);
        if (ok) patch.apply();
      });
    },
  };
}

/** Creates one resource and deletes it: `DELETE` → 204, then `GET` → 404. */
export function deleteStep(name: string, strict: boolean, endpoint: 'Users' | 'Groups', build: (ctx: SimContext) => Record<string, unknown>): SimStep {
  return {
    name,
    units: () => 3,
    async run(ctx, step) {
      const created = await step.call('POST', `/${endpoint}`, build(ctx), [status(201), scimJson(strict), resource()]);
      step.tick();
      if (!created.ok) return;
      await step.call('DELETE', `/${endpoint}/${idOf(created.res)}`, undefined, [status(204)]);
      step.tick();
      await step.call('GET', `/${endpoint}/${idOf(created.res)}`, undefined, [status(404)]);
      step.tick();
    },
  };
}
