import type { Command } from 'commander';
import { json, out, table, withServices } from './admin-commands.ts';
import { callOrgRoute } from './call-org-route.ts';
import { printChange } from './print-change.ts';

type Account = { id: string; userName: string | null; email: string | null; displayName: string | null; status: string; external: boolean };
const row = (a: Account) => ({ id: a.id, userName: a.userName ?? '', email: a.email ?? '', name: a.displayName ?? '', status: a.status, external: a.external ? 'yes' : '' });

/** Prints a page of rows and, when there is more, the cursor of the next page on stderr. */
export function printPage(body: { nextCursor: string | null }, rows: Record<string, unknown>[]): void {
  table(rows);
  if (body.nextCursor) process.stderr.write(`more: --cursor ${body.nextCursor}\n`);
}

/** `roster account …`: the organization's accounts, one per person. */
export function registerAccountCommands(program: Command) {
  const account = program.command('account').description('accounts: one per person, linked to the SCIM users of each directory');
  account
    .command('list')
    .description('accounts, filtered, a page at a time (the next cursor goes to stderr)')
    .option('--search <text>', 'in user name, email and display name')
    .option('--status <status>', 'active | deactivated')
    .option('--group <groupId>', 'members of this org group')
    .option('--app <appId>', 'accounts with access to this app')
    .option('--directory <directoryId>', 'accounts linked to a user of this directory')
    .option('--updated-since <time>', 'changed at or after this ISO 8601 time')
    .option('--limit <n>', 'accounts per page (1 to 1000)')
    .option('--cursor <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action((o: { search?: string; status?: string; group?: string; app?: string; directory?: string; updatedSince?: string; limit?: string; cursor?: string; json?: boolean }) =>
      withServices(async (s) => {
        const query = { search: o.search, status: o.status, groupId: o.group, appId: o.app, directoryId: o.directory, updatedSince: o.updatedSince, limit: o.limit, cursor: o.cursor };
        const body = (await callOrgRoute(s, 'GET', '/accounts', { query })) as { accounts: Account[]; nextCursor: string | null };
        if (o.json) return json(body);
        printPage(body, body.accounts.map(row));
      }),
    );
  account
    .command('show <id>')
    .description('one account with its links (SCIM users), groups (with why) and apps')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        const a = (await callOrgRoute(s, 'GET', '/accounts/:id', { params: { id } })) as Account & {
          links: { directoryId: string; userId: string; active: boolean; linkedBy: string }[];
          groups: { id: string; name: string; sources: string[] }[];
          apps: { id: string; name: string; status: string }[];
          custom: Record<string, string | null>;
        };
        if (o.json) return json(a);
        out(`Account ${a.id}: ${a.displayName ?? a.userName ?? ''} <${a.email ?? ''}> (${a.status}${a.external ? ', external' : ''})`);
        for (const [k, v] of Object.entries(a.custom ?? {})) out(`  ${k}: ${v ?? ''}`);
        out('Links:');
        for (const l of a.links) out(`  directory ${l.directoryId} user ${l.userId} (${l.active ? 'active' : 'inactive'}, linked by ${l.linkedBy})`);
        out('Groups:');
        for (const g of a.groups) out(`  ${g.name} (${g.id}) from ${g.sources.join(', ')}`);
        out('Apps:');
        for (const p of a.apps) out(`  ${p.name} (${p.id}) ${p.status}`);
      }),
    );
  account
    .command('explain <id>')
    .description('why the account has (or has not) an app: grant, group, mapping rule, directory and IdP group')
    .requiredOption('--app <appId>', 'the app')
    .option('--json', 'print JSON')
    .action((id: string, o: { app: string; json?: boolean }) =>
      withServices(async (s) => {
        const e = (await callOrgRoute(s, 'GET', '/accounts/:id/explain', { params: { id }, query: { app: o.app } })) as { summary: string[] };
        if (o.json) return json(e);
        for (const line of e.summary) out(line);
      }),
    );
  account
    .command('link <id>')
    .description("link a directory's user to this account by hand")
    .requiredOption('--directory <directoryId>', 'the directory')
    .requiredOption('--user <userId>', 'the SCIM id of the user in that directory')
    .option('--json', 'print JSON')
    .action((id: string, o: { directory: string; user: string; json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'POST', '/accounts/:id/links', { params: { id }, body: { directoryId: o.directory, userId: o.user } });
        if (o.json) return json(body);
        printChange(body, `User ${o.user} of directory ${o.directory} linked to account ${id}`);
      }),
    );
}
