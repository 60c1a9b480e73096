import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DomainError } from '../domain/domain-error.ts';
import { json, out, table, withServices } from './admin-commands.ts';
import { callOrgRoute } from './call-org-route.ts';
import { printChange } from './print-change.ts';
import { createProgressLine } from './progress-line.ts';

const preview = (o: { preview?: boolean }) => ({ preview: o.preview ? 'true' : undefined });

/** `roster domain …`: the organization's domains (accounts with their emails are internal and link by email). */
export function registerDomainCommands(program: Command) {
  const domain = program.command('domain').description("the organization's domains");
  domain
    .command('list')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/domains')) as { domains: { domain: string }[] };
        if (o.json) return json(body);
        table(body.domains.map((d) => ({ ...d })));
      }),
    );
  for (const [verb, method, path] of [['add', 'POST', '/domains'], ['remove', 'DELETE', '/domains/:domain']] as const) {
    domain
      .command(`${verb} <domain>`)
      .description(`${verb}s a domain; every directory is reconciled`)
      .option('--preview', 'only say which accounts would change; write nothing')
      .option('--json', 'print JSON')
      .action((name: string, o: { preview?: boolean; json?: boolean }) =>
        withServices(async (s) => {
          const body = await callOrgRoute(s, method, path, { params: { domain: name }, body: method === 'POST' ? { domain: name } : undefined, query: preview(o) });
          if (o.json) return json(body);
          printChange(body, `Domain ${name}: ${verb === 'add' ? 'added' : 'removed'}`);
        }),
      );
  }
}

function readRules(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DomainError('rules.invalid', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('rules.invalid', `${file} is not JSON: ${(error as Error).message}`);
  }
}

/** `roster rules …`: a directory's attribute mapping, sync settings, group mapping and guard (docs/rules.md). */
export function registerRulesCommands(program: Command) {
  const rules = program.command('rules').description("a directory's rules: attribute mapping, sync settings, group mapping, mass-deprovision guard");
  rules
    .command('show <directoryId>')
    .description('print the rules and their version (0: the IdP defaults) as JSON')
    .option('--json', 'print JSON (the rules are JSON either way)')
    .action((directoryId: string, o: { json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'GET', '/directories/:id/rules', { params: { id: directoryId } });
        out(JSON.stringify(body, null, o.json ? undefined : 2));
      }),
    );
  rules
    .command('set <directoryId>')
    .description('replace the parts of the rules the file names (attributes, sync, groups, guard) and reconcile the directory')
    .requiredOption('--file <file>', 'a JSON file with some of: attributes, sync, groups, guard')
    .option('--preview', 'only say which accounts would change; write nothing')
    .option('--json', 'print JSON')
    .action((directoryId: string, o: { file: string; preview?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const body = await callOrgRoute(s, 'PATCH', '/directories/:id/rules', { params: { id: directoryId }, body: readRules(o.file), query: preview(o) });
        if (o.json) return json(body);
        printChange(body, `Rules of directory ${directoryId} saved (version ${(body as { version?: number }).version})`);
      }),
    );
  rules
    .command('defaults')
    .description("an IdP profile's default rules, as a starting point for `rules set`")
    .requiredOption('--idp <idp>', 'okta | entra | onelogin | jumpcloud | pingone | generic')
    .option('--json', 'print compact JSON')
    .action((o: { idp: string; json?: boolean }) =>
      withServices(async (s) => {
        out(JSON.stringify(await callOrgRoute(s, 'GET', '/rules/defaults', { query: { idp: o.idp } }), null, o.json ? undefined : 2));
      }),
    );
  rules
    .command('reconcile [directoryId]')
    .description('recompute the organization layer of a directory (or of every directory) from what its IdP wrote; progress on stderr')
    .option('--json', 'print JSON')
    .action((directoryId: string | undefined, o: { json?: boolean }) =>
      withServices(async (s) => {
        const total = directoryId === undefined ? undefined : (await s.provisioningStatus(directoryId)).synced.users;
        const progress = createProgressLine(process.stderr, total);
        const result = await s.rules.reconcile(directoryId, (done, phase) => progress.update(done, phase));
        progress.finish(result.accounts);
        if (o.json) return json(result);
        out(`Reconciled ${result.accounts} accounts${directoryId ? ` of directory ${directoryId}` : ''}`);
      }),
    );
}
