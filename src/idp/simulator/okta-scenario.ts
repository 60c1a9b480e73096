// Okta's provisioning, request by request, as ../shared/idp-requests.md documents it [O1, O2]:
// SCIM 2.0 app with header auth, OIN-style PATCH lifecycle, AIW-style GET+PUT profile updates,
// Group Push with the rename Okta sends before every membership update.
import { bodyOf, emptyList, echoes, idOf, listResponse, resource, scimJson, status, type Check } from './sim-checks.ts';
import { deactivationCount, forEachLimit, memberIndexes, q, range, type ExpectedGroup, type SimContext, type SimStep, type StepHandle } from './sim-context.ts';
import { importGroupsStep, importUsersStep } from './import-walk.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Okta accepts application/json as well as application/scim+json. */
const json: Check = scimJson(false);

const userName = (ctx: SimContext, i: number) => `sim.${ctx.run}.${i}@okta.local`;
const groupName = (ctx: SimContext, j: number) => `sim-${ctx.run} Group ${j}`;

function createBody(ctx: SimContext, i: number) {
  const name = userName(ctx, i);
  return {
    schemas: [USER],
    userName: name,
    name: { givenName: 'Test', familyName: `User${i}` },
    emails: [{ primary: true, value: name, type: 'work' }],
    displayName: `Test User${i}`,
    locale: 'en-US',
    externalId: `00u${ctx.run}${i.toString(36).padStart(6, '0')}`,
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
/** User PATCH answers 200 with the user or 204 [O1]. */
const patched = [status(200, 204), json];

async function setActive(ctx: SimContext, step: StepHandle, indexes: number[], active: boolean) {
  await forEachLimit(indexes, ctx.options.concurrency, async (i) => {
    const user = ctx.expected.users.get(i);
    step.tick();
    if (!user) return;
    const { ok } = await step.call('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', value: { active } }), [...patched, resource(user.id), echoes('active', active)].map(onlyIfBody));
    if (ok) user.values.active = active;
  });
}

/** A check that applies only when the server sent a body (PATCH may answer 204). */
function onlyIfBody(check: Check): Check {
  return (res) => (res.status === 204 ? [] : check(res));
}

/** Okta's rename, sent before every membership update too: `{"op":"replace","value":{"id","displayName"}}`. */
async function rename(step: StepHandle, group: ExpectedGroup, displayName: string) {
  const { ok } = await step.call('PATCH', `/Groups/${group.id}`, patchOp({ op: 'replace', value: { id: group.id, displayName } }), [status(200, 204), json]);
  if (ok) group.displayName = displayName;
  return ok;
}

const memberRef = (ctx: SimContext, i: number) => ({ value: ctx.expected.users.get(i)!.id, display: userName(ctx, i) });

export const OKTA_STEPS: readonly SimStep[] = [
  {
    name: 'test-credentials',
    fatal: true,
    units: () => 2,
    async run(_ctx, step) {
      await step.call('GET', '/Users?startIndex=1&count=2', undefined, [status(200), json, listResponse()]);
      step.tick();
      await step.call('GET', '/Groups?count=100&startIndex=1', undefined, [status(200), json, listResponse()]);
      step.tick();
    },
  },
  {
    name: 'lookup-before-create',
    units: (o) => o.users,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.users), ctx.options.concurrency, async (i) => {
        const filter = q(`userName eq "${userName(ctx, i)}"`);
        await step.call('GET', `/Users?filter=${filter}&startIndex=1&count=100`, undefined, [status(200, 404), onlyIf200(json), onlyIf200(listResponse()), emptyList(true)]);
        step.tick();
      });
    },
  },
  {
    name: 'create-users',
    units: (o) => o.users,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.users), ctx.options.concurrency, async (i) => {
        const body = createBody(ctx, i);
        const { res, ok } = await step.call('POST', '/Users', body, [status(201), json, resource(), echoes('userName', body.userName)]);
        step.tick();
        if (!ok) return;
        const values = { userName: body.userName, externalId: body.externalId, active: true, 'name.familyName': body.name.familyName, displayName: body.displayName, 'emails[type eq "work"].value': body.userName };
        ctx.expected.users.set(i, { index: i, id: idOf(res), values });
      });
    },
  },
  {
    name: 'update-users',
    units: (o) => o.users,
    async run(ctx, step) {
      await forEachLimit([...ctx.expected.users.keys()], ctx.options.concurrency, async (i) => {
        const user = ctx.expected.users.get(i)!;
        step.tick();
        const got = await step.call('GET', `/Users/${user.id}`, undefined, [status(200), json, resource(user.id)]);
        if (!got.ok) return;
        // Okta PUTs back the full body it read (id, meta, groups included) with its changes [O1].
        const familyName = `User${i}-updated`;
        const displayName = `Test User${i} updated`;
        const read = bodyOf(got.res);
        const body = { ...read, name: { ...(read.name as object | undefined), familyName }, displayName };
        const { ok } = await step.call('PUT', `/Users/${user.id}`, body, [status(200), json, resource(user.id), echoes('name.familyName', familyName)]);
        if (ok) Object.assign(user.values, { 'name.familyName': familyName, displayName });
      });
    },
  },
  {
    name: 'deactivate',
    units: (o) => deactivationCount(o),
    run: (ctx, step) => setActive(ctx, step, range(deactivationCount(ctx.options)), false),
  },
  {
    name: 'reactivate',
    units: (o) => Math.ceil(deactivationCount(o) / 2),
    run: (ctx, step) => setActive(ctx, step, range(Math.ceil(deactivationCount(ctx.options) / 2)), true),
  },
  {
    name: 'push-groups',
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit(range(ctx.options.groups), ctx.options.concurrency, async (j) => {
        const displayName = groupName(ctx, j);
        const { res, ok } = await step.call('POST', '/Groups', { schemas: [GROUP], displayName, members: [] }, [status(201), json, resource(), echoes('displayName', displayName)]);
        step.tick();
        if (ok) ctx.expected.groups.set(j, { index: j, id: idOf(res), displayName, members: new Set() });
      });
    },
  },
  {
    name: 'membership-delta',
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit([...ctx.expected.groups.values()], ctx.options.concurrency, async (group) => {
        step.tick();
        const first = memberIndexes(ctx.options, group.index).filter((i) => ctx.expected.users.has(i));
        if (first.length === 0 || !(await rename(step, group, group.displayName))) return;
        const add = patchOp({ op: 'add', path: 'members', value: first.map((i) => memberRef(ctx, i)) });
        if (!(await step.call('PATCH', `/Groups/${group.id}`, add, [status(200, 204), json])).ok) return;
        for (const i of first) group.members.add(ctx.expected.users.get(i)!.id);
        // The delta Okta sends when one user leaves the pushed group and another joins it.
        const joiner = (group.index * first.length + first.length) % ctx.options.users;
        const leaver = ctx.expected.users.get(first[0]!)!.id;
        if (!ctx.expected.users.has(joiner) || group.members.has(ctx.expected.users.get(joiner)!.id)) return;
        if (!(await rename(step, group, group.displayName))) return;
        const delta = patchOp({ op: 'remove', path: `members[value eq ${JSON.stringify(leaver)}]` }, { op: 'add', path: 'members', value: [memberRef(ctx, joiner)] });
        if (!(await step.call('PATCH', `/Groups/${group.id}`, delta, [status(200, 204), json])).ok) return;
        group.members.delete(leaver);
        group.members.add(ctx.expected.users.get(joiner)!.id);
      });
    },
  },
  {
    name: 'rename-groups',
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit([...ctx.expected.groups.values()], ctx.options.concurrency, async (group) => {
        step.tick();
        await rename(step, group, `${groupName(ctx, group.index)} (renamed)`);
      });
    },
  },
  {
    name: 'full-push',
    units: (o) => o.groups,
    async run(ctx, step) {
      await forEachLimit([...ctx.expected.groups.values()], ctx.options.concurrency, async (group) => {
        step.tick();
        const next = memberIndexes(ctx.options, group.index, 1).filter((i) => ctx.expected.users.has(i));
        if (!(await rename(step, group, group.displayName))) return;
        const body = patchOp({ op: 'replace', path: 'members', value: next.map((i) => memberRef(ctx, i)) });
        if (!(await step.call('PATCH', `/Groups/${group.id}`, body, [status(200, 204), json])).ok) return;
        group.members.clear();
        for (const i of next) group.members.add(ctx.expected.users.get(i)!.id);
      });
    },
  },
  {
    name: 'unlink-group',
    units: () => 3,
    async run(ctx, step) {
      const displayName = `sim-${ctx.run} unlinked`;
      const created = await step.call('POST', '/Groups', { schemas: [GROUP], displayName, members: [] }, [status(201), json, resource()]);
      step.tick();
      if (!created.ok) return;
      await step.call('DELETE', `/Groups/${idOf(created.res)}`, undefined, [status(204)]);
      step.tick();
      await step.call('GET', `/Groups/${idOf(created.res)}`, undefined, [status(404)]);
      step.tick();
    },
  },
  importUsersStep(false),
  importGroupsStep(false),
];

function onlyIf200(check: Check): Check {
  return (res) => (res.status === 200 ? check(res) : []);
}
