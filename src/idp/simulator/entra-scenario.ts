// Microsoft Entra ID's provisioning, as ../shared/idp-requests.md documents it [E1, E2]: the default
// job (capitalized ops, "False" strings, `Remove` on members with a value list, the older create
// sample with nulls and a schema typo) or, with `aadOptscim062020` on the tenant URL, the compliant
// job (lowercase ops, booleans, pathless dotted keys, member removal by filter). Entra wants
// `Content-Type: application/scim+json` on every response.
import { randomUUID } from 'node:crypto';
import { bodyOf, emptyList, listResponse, resource, scimJson, singleMatch, status, type Check } from './sim-checks.ts';
import { deactivationCount, forEachLimit, memberIndexes, range, type SimContext, type SimStep } from './sim-context.ts';
import {
  createGroupsStep,
  createUsersStep,
  deleteStep,
  ENTERPRISE,
  GROUP_SCHEMA,
  lookupUsersStep,
  patchGroupsStep,
  patchOp,
  patchUsersStep,
  USER_SCHEMA,
  type CreatedUser,
} from './common-steps.ts';
import { importGroupsStep, importUsersStep } from './import-walk.ts';

const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const ENTERPRISE_TYPO = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';
const STRICT = true;

const userName = (ctx: SimContext, i: number) => `Test_User_${ctx.run}_${i}`;

/** The create body of the Entra tutorial [E1]; `older` adds the explicit nulls and the schema typo of its older sample. */
function createUser(ctx: SimContext, i: number, older: boolean): CreatedUser {
  const name = userName(ctx, i);
  const body: Record<string, unknown> = {
    schemas: [USER_SCHEMA, older ? ENTERPRISE_TYPO : ENTERPRISE],
    externalId: randomUUID(),
    userName: name,
    active: true,
    emails: [{ primary: true, type: 'work', value: `${name}@testuser.com` }],
    meta: { resourceType: 'User' },
    name: { formatted: `givenName${i} familyName${i}`, familyName: `familyName${i}`, givenName: `givenName${i}` },
    roles: [],
  };
  if (older) Object.assign(body, { addresses: null, phoneNumbers: null, title: null, manager: null });
  const values = { userName: name, externalId: body.externalId, active: true, 'name.familyName': `familyName${i}`, 'emails[type eq "work"].value': `${name}@testuser.com` };
  return { body, values };
}

export function entraSteps(compliant: boolean): SimStep[] {
  const Op = (op: 'Add' | 'Replace' | 'Remove') => (compliant ? op.toLowerCase() : op);
  const disabled = deactivationCount;
  return [
    {
      // Test Connection: a filter on a random GUID must answer 200 with an empty list [E1].
      name: 'test-connection',
      fatal: true,
      units: () => 2,
      async run(_ctx, step) {
        const filter = encodeURIComponent(`userName eq "${randomUUID()}"`);
        await step.call('GET', `/Users?filter=${filter}`, undefined, [status(200), scimJson(STRICT), listResponse(), emptyList(false)]);
        step.tick();
        // Gallery apps read the schemas on save [E1]: a ListResponse.
        await step.call('GET', '/Schemas', undefined, [status(200), scimJson(STRICT), listResponse({ startIndex: false })]);
        step.tick();
      },
    },
    lookupUsersStep(STRICT, (ctx, i) => `userName eq "${userName(ctx, i)}"`),
    createUsersStep(STRICT, (ctx, i) => createUser(ctx, i, !compliant && i % 2 === 1)),
    {
      // Entra matches on the configured attribute; its docs show externalId unquoted [E1, I6].
      name: 'lookup-by-external-id',
      units: (o) => o.users,
      async run(ctx, step) {
        await forEachLimit([...ctx.expected.users.values()], ctx.options.concurrency, async (user) => {
          const filter = encodeURIComponent(`externalId eq ${user.values.externalId as string}`);
          await step.call('GET', `/Users?filter=${filter}`, undefined, [status(200), scimJson(STRICT), listResponse(), singleMatch(user.id)]);
          step.tick();
        });
      },
    },
    patchUsersStep('update-users', STRICT, (o) => range(o.users), (_ctx, user) => {
      const i = user.index;
      if (compliant) {
        // The compliant job's multi-attribute replace: pathless, dotted and URN-qualified keys [E2].
        const values = { displayName: `Bjfe${i}`, 'name.givenName': `Kkom${i}`, 'name.familyName': `Unua${i}`, [`${ENTERPRISE}:employeeNumber`]: `Aklq${i}` };
        return { body: patchOp({ op: 'replace', value: values }), values };
      }
      const email = `updatedEmail${i}@microsoft.com`;
      return {
        body: patchOp(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
          { op: 'Replace', path: 'name.familyName', value: `updatedFamilyName${i}` },
          { op: 'Add', path: 'nickName', value: 'Babs' },
          { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: `E${i}` },
        ),
        values: { 'emails[type eq "work"].value': email, 'name.familyName': `updatedFamilyName${i}`, nickName: 'Babs', [`${ENTERPRISE}:employeeNumber`]: `E${i}` },
      };
    }),
    patchUsersStep('set-manager', STRICT, (o) => range(o.users).slice(1), (ctx, user) => {
      const manager = ctx.expected.users.get(0);
      if (!manager) return undefined;
      // The tutorial's one-element array [E1]; some tenants send the bare id string [G2].
      const asString = !compliant && user.index % 2 === 1;
      const value = asString ? manager.id : [{ $ref: `${ctx.client.base}/Users/${manager.id}`, value: manager.id }];
      return { body: patchOp({ op: Op(asString ? 'Replace' : 'Add'), path: 'manager', value }), values: { [`${ENTERPRISE}:manager.value`]: manager.id } };
    }),
    patchUsersStep('disable', STRICT, (o) => range(disabled(o)), (_ctx, user) => {
      // Default job: the string "False" per the compliance article, boolean false in the tutorial's sample [E1, E2].
      const value = compliant ? false : user.index % 2 === 0 ? 'False' : false;
      return { body: patchOp({ op: Op('Replace'), path: 'active', value }), values: { active: false } };
    }),
    patchUsersStep('enable', STRICT, (o) => range(Math.ceil(disabled(o) / 2)), () => ({
      body: patchOp({ op: Op('Replace'), path: 'active', value: compliant ? true : 'True' }),
      values: { active: true },
    })),
    createGroupsStep(
      STRICT,
      (ctx, j) => ({ schemas: [GROUP_SCHEMA, ADSCIM_GROUP], externalId: randomUUID(), displayName: `sim-${ctx.run} Group ${j}`, meta: { resourceType: 'Group' } }),
      (displayName) => `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`,
    ),
    patchGroupsStep('add-members', STRICT, (ctx, group) => {
      const ids = memberIndexes(ctx.options, group.index).map((i) => ctx.expected.users.get(i)?.id).filter((id): id is string => id !== undefined);
      if (ids.length === 0) return undefined;
      return { body: patchOp({ op: Op('Add'), path: 'members', value: ids.map((value) => ({ $ref: null, value })) }), apply: () => ids.forEach((id) => group.members.add(id)) };
    }),
    patchGroupsStep('remove-members', STRICT, (_ctx, group) => {
      const id = [...group.members][0];
      if (id === undefined) return undefined;
      const op = compliant ? { op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` } : { op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] };
      return { body: patchOp(op), apply: () => group.members.delete(id) };
    }),
    patchGroupsStep('rename-groups', STRICT, (_ctx, group) => {
      const displayName = `${group.displayName} updatedDisplayName`;
      return { body: patchOp({ op: Op('Replace'), path: 'displayName', value: displayName }), apply: () => (group.displayName = displayName) };
    }),
    {
      name: 'get-groups',
      units: (o) => o.groups,
      async run(ctx, step) {
        await forEachLimit([...ctx.expected.groups.values()], ctx.options.concurrency, async (group) => {
          const noMembers: Check = (res) => ('members' in bodyOf(res) ? ['excludedAttributes=members, yet "members" came back'] : []);
          await step.call('GET', `/Groups/${group.id}?excludedAttributes=members`, undefined, [status(200), scimJson(STRICT), resource(group.id), noMembers]);
          step.tick();
        });
      },
    },
    // Hard delete, 30 days after a soft delete [E2, E3]; the run's own users and groups stay.
    deleteStep('delete-user', STRICT, 'Users', (ctx) => createUser(ctx, ctx.options.users, false).body),
    deleteStep('delete-group', STRICT, 'Groups', (ctx) => ({ schemas: [GROUP_SCHEMA, ADSCIM_GROUP], externalId: randomUUID(), displayName: `sim-${ctx.run} deleted`, meta: { resourceType: 'Group' } })),
    importUsersStep(STRICT),
    importGroupsStep(STRICT),
  ];
}
