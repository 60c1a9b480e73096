import type { Command } from 'commander';
import { json, out, withServices } from './admin-commands.ts';
import { printPage } from './account-commands.ts';
import { callOrgRoute } from './call-org-route.ts';
import { printChange } from './print-change.ts';

type Group = { id: string; name: string; description: string | null; syncedBy: string | null; defaultKind: string | null; memberCount: number };
const row = (g: Group) => ({ id: g.id, name: g.name, members: g.memberCount, syncedBy: g.syncedBy ?? '', default: g.defaultKind ?? '' });

/** `roster group …`: org groups, their members and default groups. */
export function registerGroupCommands(program: Command) {
  const group = program.command('group').description('org groups: synced from directories by their group mapping, or made by hand');
  group
    .command('list')
    .option('--search <text>', 'in the name')
    .option('--limit <n>', 'groups per page (1 to 1000)')
    .option('--cursor <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action((o: { search?: string; limit?: string; cursor?: string; json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/org-groups', { query: { search: o.search, limit: o.limit, cursor: o.cursor } })) as { groups: Group[]; nextCursor: string | null };
        if (o.json) return json(body);
        printPage(body, body.groups.map(row));
      }),
    );
  group
    .command('show <id>')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        const g = (await callOrgRoute(s, 'GET', '/org-groups/:id', { params: { id } })) as Group;
        if (o.json) return json(g);
        out(`Group "${g.name}" (${g.id}): ${g.memberCount} members${g.syncedBy ? `, synced by directory ${g.syncedBy}` : ''}${g.defaultKind ? `, default group (${g.defaultKind})` : ''}`);
        if (g.description) out(g.description);
      }),
    );
  group
    .command('create')
    .requiredOption('--name <name>', 'the group name')
    .option('--description <text>')
    .option('--json', 'print JSON')
    .action((o: { name: string; description?: string; json?: boolean }) =>
      withServices(async (s) => {
        const g = (await callOrgRoute(s, 'POST', '/org-groups', { body: { name: o.name, description: o.description } })) as Group;
        if (o.json) return json(g);
        out(`Group "${g.name}" created: ${g.id}`);
      }),
    );
  group
    .command('delete <id>')
    .description('delete a group no directory syncs')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        await callOrgRoute(s, 'DELETE', '/org-groups/:id', { params: { id } });
        if (o.json) return json({ deleted: id });
        out(`Group ${id} deleted`);
      }),
    );
  group
    .command('members <id>')
    .description("a group's members, a page at a time (the next cursor goes to stderr)")
    .option('--limit <n>', 'members per page (1 to 1000)')
    .option('--cursor <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action((id: string, o: { limit?: string; cursor?: string; json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/org-groups/:id/members', { params: { id }, query: { limit: o.limit, cursor: o.cursor } })) as {
          members: { id: string; userName: string | null; email: string | null; status: string }[];
          nextCursor: string | null;
        };
        if (o.json) return json(body);
        printPage(body, body.members.map((m) => ({ id: m.id, userName: m.userName ?? '', email: m.email ?? '', status: m.status })));
      }),
    );
  for (const [verb, path, done] of [['add-members', '/org-groups/:id/members', 'added to'], ['remove-members', '/org-groups/:id/members/remove', 'removed from']] as const) {
    group
      .command(`${verb} <id> <accountIds...>`)
      .description(verb === 'add-members' ? 'add accounts to the group by hand' : 'remove accounts an admin added by hand (a membership from the IdP stays)')
      .option('--json', 'print JSON')
      .action((id: string, accountIds: string[], o: { json?: boolean }) =>
        withServices(async (s) => {
          const body = await callOrgRoute(s, 'POST', path, { params: { id }, body: { accountIds } });
          if (o.json) return json(body);
          printChange(body, `${accountIds.length} accounts ${done} group ${id}`);
        }),
      );
  }
  group
    .command('set-default <id> <kind>')
    .description('new: every new account joins the group; all: every account is in it; none: an ordinary group. A synced group cannot be one')
    .option('--preview', 'only say which accounts would join or leave; write nothing')
    .option('--json', 'print JSON')
    .action((id: string, kind: string, o: { preview?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'PUT', '/org-groups/:id/default', { params: { id }, body: { kind: kind === 'none' ? null : kind }, query: { preview: o.preview ? 'true' : undefined } });
        if (o.json) return json(body);
        printChange(body, `Group ${id}: default ${kind}`);
      }),
    );
}
