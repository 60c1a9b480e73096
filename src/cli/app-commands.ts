import type { Command } from 'commander';
import { json, out, table, withServices } from './admin-commands.ts';
import { printPage } from './account-commands.ts';
import { callOrgRoute } from './call-org-route.ts';
import { printChange } from './print-change.ts';

type App = { id: string; name: string; kind: string; seatLimit: number | null; grantedGroups: string[]; seatsUsed: number; queued: number };
const row = (a: App) => ({ id: a.id, name: a.name, kind: a.kind, seats: `${a.seatsUsed}/${a.seatLimit ?? '∞'}`, queued: a.queued, groups: a.grantedGroups.join(',') });

/** `--seat-limit 50` or `none`; anything else goes to the schema as it is, which names the field. */
const seatLimit = (v: string | undefined) => (v === undefined ? undefined : v === 'none' ? null : /^\d+$/.test(v) ? Number(v) : v);
const preview = (o: { preview?: boolean }) => ({ preview: o.preview ? 'true' : undefined });

/** `roster app …`: the apps, their grants to org groups, access and read-API keys. */
export function registerAppCommands(program: Command) {
  const app = program.command('app').description('apps (products): granted to org groups, read through the read API with app keys');
  app
    .command('list')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/apps')) as { apps: App[] };
        if (o.json) return json(body);
        table(body.apps.map(row));
      }),
    );
  app
    .command('show <id>')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        const a = (await callOrgRoute(s, 'GET', '/apps/:id', { params: { id } })) as App;
        if (o.json) return json(a);
        table([row(a)]);
      }),
    );
  app
    .command('create')
    .requiredOption('--name <name>', 'the app name')
    .option('--kind <kind>', 'wiki | issue_tracker | code_host | other', 'other')
    .option('--seat-limit <n>', 'at most this many accounts have access; the rest wait in a queue')
    .option('--json', 'print JSON')
    .action((o: { name: string; kind: string; seatLimit?: string; json?: boolean }) =>
      withServices(async (s) => {
        const a = (await callOrgRoute(s, 'POST', '/apps', { body: { name: o.name, kind: o.kind, seatLimit: seatLimit(o.seatLimit) } })) as App;
        if (o.json) return json(a);
        out(`App "${a.name}" created: ${a.id}`);
      }),
    );
  app
    .command('update <id>')
    .option('--name <name>')
    .option('--kind <kind>', 'wiki | issue_tracker | code_host | other')
    .option('--seat-limit <n>', 'a number, or none (a raised limit seats the queue)')
    .option('--json', 'print JSON')
    .action((id: string, o: { name?: string; kind?: string; seatLimit?: string; json?: boolean }) =>
      withServices(async (s) => {
        const a = (await callOrgRoute(s, 'PATCH', '/apps/:id', { params: { id }, body: { name: o.name, kind: o.kind, seatLimit: seatLimit(o.seatLimit) } })) as App;
        if (o.json) return json(a);
        out(`App "${a.name}" updated`);
      }),
    );
  app
    .command('delete <id>')
    .description('delete an app; its access is revoked')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        await callOrgRoute(s, 'DELETE', '/apps/:id', { params: { id } });
        if (o.json) return json({ deleted: id });
        out(`App ${id} deleted`);
      }),
    );
  app
    .command('grant <appId> <groupId>')
    .description('grant the app to an org group')
    .option('--preview', 'only list who would gain the app; write nothing')
    .option('--json', 'print JSON')
    .action((appId: string, groupId: string, o: { preview?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'POST', '/apps/:id/grants', { params: { id: appId }, body: { groupId }, query: preview(o) });
        if (o.json) return json(body);
        printChange(body, `App ${appId} granted to group ${groupId}`);
      }),
    );
  app
    .command('ungrant <appId> <groupId>')
    .description("remove a group's grant")
    .option('--preview', 'only list who would lose the app; write nothing')
    .option('--json', 'print JSON')
    .action((appId: string, groupId: string, o: { preview?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'DELETE', '/apps/:id/grants/:groupId', { params: { id: appId, groupId }, query: preview(o) });
        if (o.json) return json(body);
        printChange(body, `Grant of app ${appId} to group ${groupId} removed`);
      }),
    );
  app
    .command('access <appId>')
    .description('accounts with the app (or waiting for a seat), a page at a time (the next cursor goes to stderr)')
    .option('--status <status>', 'granted | queued')
    .option('--updated-since <time>', 'changed at or after this ISO 8601 time')
    .option('--limit <n>', 'accounts per page (1 to 1000)')
    .option('--cursor <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action((appId: string, o: { status?: string; updatedSince?: string; limit?: string; cursor?: string; json?: boolean }) =>
      withServices(async (s) => {
        const query = { status: o.status, updatedSince: o.updatedSince, limit: o.limit, cursor: o.cursor };
        const body = (await callOrgRoute(s, 'GET', '/apps/:id/access', { params: { id: appId }, query })) as {
          access: { id: string; userName: string | null; email: string | null; access: { status: string; since: string } }[];
          nextCursor: string | null;
        };
        if (o.json) return json(body);
        printPage(body, body.access.map((a) => ({ id: a.id, userName: a.userName ?? '', email: a.email ?? '', access: a.access.status, since: a.access.since })));
      }),
    );

  const key = app.command('key').description("an app's keys for the read API (/api/v1/app)");
  key
    .command('create <appId>')
    .description('create a read-API key; printed once')
    .option('--label <label>', 'what the key is for')
    .option('--json', 'print JSON')
    .action((appId: string, o: { label?: string; json?: boolean }) =>
      withServices(async (s) => {
        const k = (await callOrgRoute(s, 'POST', '/apps/:id/keys', { params: { id: appId }, body: { label: o.label } })) as { id: string; key: string };
        if (o.json) return json(k);
        out(`Key ${k.id} created for app ${appId}`);
        out(`App key: ${k.key}`);
        out('The key is shown only this once; the app sends it as "Authorization: Bearer <key>" to /api/v1/app.');
      }),
    );
  key
    .command('list <appId>')
    .option('--json', 'print JSON')
    .action((appId: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/apps/:id/keys', { params: { id: appId } })) as { keys: { id: string; prefix: string; label: string | null; createdAt: string; revokedAt: string | null }[] };
        if (o.json) return json(body);
        table(body.keys.map((k) => ({ id: k.id, prefix: k.prefix, label: k.label ?? '', created: k.createdAt, revoked: k.revokedAt ?? '' })));
      }),
    );
  key
    .command('revoke <appId> <keyId>')
    .option('--json', 'print JSON')
    .action((appId: string, keyId: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        await callOrgRoute(s, 'DELETE', '/apps/:id/keys/:keyId', { params: { id: appId, keyId } });
        if (o.json) return json({ revoked: keyId });
        out(`Key ${keyId} revoked`);
      }),
    );
}
