// OneLogin's SCIM provisioning. Its one documented departure from other clients is the lowercase
// group PATCH `{"op":"add","path":"members","value":[…]}` [I3]; the rest follows RFC 7644 shapes
// (lookup by userName, PATCH with a path, `members[value eq "…"]` removals), which is what this
// scenario sends. OneLogin accepts application/json as well as application/scim+json.
import { listResponse, scimJson, status } from './sim-checks.ts';
import { deactivationCount, memberIndexes, range, type SimContext, type SimStep } from './sim-context.ts';
import { createGroupsStep, createUsersStep, deleteStep, GROUP_SCHEMA, lookupUsersStep, patchGroupsStep, patchOp, patchUsersStep, USER_SCHEMA, type CreatedUser } from './common-steps.ts';
import { importGroupsStep, importUsersStep } from './import-walk.ts';

const STRICT = false;
const userName = (ctx: SimContext, i: number) => `sim.${ctx.run}.${i}@onelogin.example`;

function createUser(ctx: SimContext, i: number): CreatedUser {
  const name = userName(ctx, i);
  const externalId = `${ctx.run}${100000 + i}`;
  const body = {
    schemas: [USER_SCHEMA],
    userName: name,
    externalId,
    name: { givenName: 'One', familyName: `Login${i}` },
    emails: [{ value: name, type: 'work', primary: true }],
    active: true,
  };
  return { body, values: { userName: name, externalId, active: true, 'name.familyName': `Login${i}` } };
}

export const ONELOGIN_STEPS: readonly SimStep[] = [
  {
    name: 'test-credentials',
    fatal: true,
    units: () => 1,
    async run(_ctx, step) {
      await step.call('GET', '/Users?startIndex=1&count=1', undefined, [status(200), scimJson(STRICT), listResponse()]);
      step.tick();
    },
  },
  lookupUsersStep(STRICT, (ctx, i) => `userName eq "${userName(ctx, i)}"`),
  createUsersStep(STRICT, createUser),
  patchUsersStep('update-users', STRICT, (o) => range(o.users), (_ctx, user) => {
    const values = { 'name.familyName': `Login${user.index}-updated`, title: 'Engineer' };
    return {
      body: patchOp({ op: 'replace', path: 'name.familyName', value: values['name.familyName'] }, { op: 'replace', path: 'title', value: values.title }),
      values,
    };
  }),
  patchUsersStep('deactivate', STRICT, (o) => range(deactivationCount(o)), () => ({
    body: patchOp({ op: 'replace', path: 'active', value: false }),
    values: { active: false },
  })),
  patchUsersStep('reactivate', STRICT, (o) => range(Math.ceil(deactivationCount(o) / 2)), () => ({
    body: patchOp({ op: 'replace', path: 'active', value: true }),
    values: { active: true },
  })),
  createGroupsStep(STRICT, (ctx, j) => ({ schemas: [GROUP_SCHEMA], displayName: `sim-${ctx.run} Group ${j}` })),
  patchGroupsStep('add-members', STRICT, (ctx, group) => {
    const ids = memberIndexes(ctx.options, group.index).map((i) => ctx.expected.users.get(i)?.id).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return undefined;
    return { body: patchOp({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }), apply: () => ids.forEach((id) => group.members.add(id)) };
  }),
  patchGroupsStep('remove-members', STRICT, (_ctx, group) => {
    const id = [...group.members][0];
    if (id === undefined) return undefined;
    return { body: patchOp({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }), apply: () => group.members.delete(id) };
  }),
  patchGroupsStep('rename-groups', STRICT, (_ctx, group) => {
    const displayName = `${group.displayName} renamed`;
    return { body: patchOp({ op: 'replace', path: 'displayName', value: displayName }), apply: () => (group.displayName = displayName) };
  }),
  deleteStep('delete-user', STRICT, 'Users', (ctx) => createUser(ctx, ctx.options.users).body),
  importUsersStep(STRICT),
  importGroupsStep(STRICT),
];
