import type { Command } from 'commander';
import { loadConfig, type RosterConfig } from '../config/load-config.ts';
import { createServices, type Services } from '../domain/create-services.ts';
import { openStore } from '../store/open-store.ts';
import { CLI_ACTOR } from './cli-actor.ts';

/**
 * The admin commands work on the configured database directly, whether or not a server is running
 * (SQLite's busy timeout lets both write the same file).
 */
export async function withServices<T>(fn: (services: Services, config: RosterConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    await store.migrate();
    return await fn(createServices(config, store), config);
  } finally {
    await store.close();
  }
}

function scimBaseUrl(config: RosterConfig, directoryId: string): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const origin = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  return `${origin}/scim/v2/${directoryId}`;
}

export const out = (line: string): void => void process.stdout.write(line + '\n');
export const json = (value: unknown) => out(JSON.stringify(value));

export function table(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return out('(none)');
  const keys = Object.keys(rows[0]!);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k] ?? '').length)));
  out(keys.map((k, i) => k.padEnd(widths[i]!)).join('  '));
  for (const r of rows) out(keys.map((k, i) => String(r[k] ?? '').padEnd(widths[i]!)).join('  '));
}

export function registerMigrateCommand(program: Command) {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      withServices(async () => {
        out('migrations applied');
      }),
    );
}

export function registerBackupCommand(program: Command) {
  program
    .command('backup <file>')
    .description('copy the SQLite database to <file> while Roster runs (PostgreSQL: use pg_dump)')
    .action((file: string) =>
      withServices(async (s) => {
        await s.system.backup(file);
        out(`backup written to ${file}`);
      }),
    );
}

export function registerDirectoryCommands(program: Command) {
  const dir = program.command('directory').description('manage directories (one per IdP connection)');

  dir
    .command('create')
    .description('create a directory and print its SCIM base URL and first token (shown once)')
    .requiredOption('--name <name>', 'a name admins recognise, e.g. "Okta users"')
    .option('--idp <idp>', 'okta | entra | onelogin | jumpcloud | pingone | generic', 'generic')
    .option('--json', 'print {"id","name","idp","scimBaseUrl","token"} as JSON')
    .action((opts: { name: string; idp: string; json?: boolean }) =>
      withServices(async (s, config) => {
        const { directory, token } = await s.directories.create({ name: opts.name, idp: opts.idp }, CLI_ACTOR);
        const url = scimBaseUrl(config, directory.id);
        if (opts.json) return json({ id: directory.id, name: directory.name, idp: directory.idp, scimBaseUrl: url, token: token.token });
        out(`Directory "${directory.name}" (${directory.idp}) created: ${directory.id}`);
        out(`SCIM base URL:  ${url}`);
        out(`Bearer token:   ${token.token}`);
        out('The token is shown only this once; paste it into your IdP now.');
      }),
    );

  dir
    .command('list')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withServices(async (s, config) => {
        const list = (await s.directories.list()).map((d) => ({ ...d, scimBaseUrl: scimBaseUrl(config, d.id) }));
        if (opts.json) return json(list);
        table(list.map((d) => ({ id: d.id, name: d.name, idp: d.idp, status: d.status, created: d.createdAt })));
      }),
    );

  dir
    .command('show <id>')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withServices(async (s, config) => {
        const d = { ...(await s.directories.get(id)), scimBaseUrl: scimBaseUrl(config, id) };
        if (opts.json) return json(d);
        for (const [k, v] of Object.entries(d)) out(`${k.padEnd(12)} ${v}`);
      }),
    );

  for (const [name, status, text] of [
    ['pause', 'paused', 'its IdP gets 403 until it is resumed'],
    ['resume', 'active', 'its IdP can provision again'],
  ] as const) {
    dir
      .command(`${name} <id>`)
      .description(`${name} a directory: ${text}`)
      .action((id: string) =>
        withServices(async (s) => {
          await s.directories.update(id, { status }, CLI_ACTOR);
          out(`directory ${id} ${status}`);
        }),
      );
  }

  dir
    .command('update <id>')
    .description("change a directory's name, IdP, password sync or IP allow-list")
    .option('--name <name>')
    .option('--idp <idp>')
    .option('--password-mode <mode>', 'ignore (drop synced passwords) or store (keep a scrypt hash)')
    .option('--ip-allowlist <cidrs>', 'comma-separated CIDR ranges the IdP calls from, or "any"')
    .option('--json', 'print JSON')
    .action((id: string, opts: { name?: string; idp?: string; passwordMode?: string; ipAllowlist?: string; json?: boolean }) =>
      withServices(async (s) => {
        const ipAllowlist = opts.ipAllowlist === undefined ? undefined : opts.ipAllowlist === 'any' ? null : opts.ipAllowlist.split(',').map((c) => c.trim());
        const d = await s.directories.update(id, { name: opts.name, idp: opts.idp, passwordMode: opts.passwordMode, ipAllowlist }, CLI_ACTOR);
        if (opts.json) return json(d);
        out(`directory ${id} updated: idp ${d.idp}, passwords ${d.passwordMode}, allow-list ${d.ipAllowlist?.join(', ') ?? 'any address'}`);
      }),
    );

  dir
    .command('delete <id>')
    .description("delete a directory and all of its users, groups and memberships")
    .option('--yes', 'do not ask for confirmation')
    .action((id: string, opts: { yes?: boolean }) =>
      withServices(async (s) => {
        if (!opts.yes) {
          process.stderr.write('roster: deleting a directory removes all of its users and groups; add --yes to confirm\n');
          process.exitCode = 1;
          return;
        }
        await s.directories.remove(id, CLI_ACTOR);
        out(`directory ${id} deleted`);
      }),
    );
}

export function registerAttributeCommands(program: Command) {
  const attribute = program.command('attribute').description("manage a directory's custom User attributes (shown in its /Schemas)");
  attribute
    .command('add <directoryId>')
    .requiredOption('--name <name>', 'attribute name, e.g. costCenterCode')
    .option('--type <type>', 'string | boolean | integer | decimal | dateTime | reference', 'string')
    .option('--multi-valued', 'an array of values')
    .option('--case-exact', 'compare values case-sensitively in filters')
    .option('--description <text>', 'shown to the IdP admin', '')
    .action((directoryId: string, opts: { name: string; type: string; multiValued?: boolean; caseExact?: boolean; description: string }) =>
      withServices(async (s) => {
        const a = await s.directories.addAttribute(directoryId, { name: opts.name, type: opts.type, multiValued: !!opts.multiValued, caseExact: !!opts.caseExact, description: opts.description }, CLI_ACTOR);
        out(`attribute ${a.name} (${a.type}${a.multiValued ? ', multi-valued' : ''}) added`);
      }),
    );
  attribute
    .command('list <directoryId>')
    .option('--json', 'print JSON')
    .action((directoryId: string, opts: { json?: boolean }) =>
      withServices(async (s) => {
        const list = (await s.directories.get(directoryId)).customAttributes;
        if (opts.json) return json(list);
        table(list.map((a) => ({ name: a.name, type: a.type, multiValued: a.multiValued, caseExact: a.caseExact, description: a.description })));
      }),
    );
  attribute.command('remove <directoryId> <name>').action((directoryId: string, name: string) =>
    withServices(async (s) => {
      await s.directories.removeAttribute(directoryId, name, CLI_ACTOR);
      out(`attribute ${name} removed`);
    }),
  );
}

export function registerTokenCommands(program: Command) {
  const token = program.command('token').description("manage a directory's bearer tokens");

  token
    .command('create <directoryId>')
    .option('--label <label>', 'what the token is for')
    .option('--expires-at <iso>', 'an ISO 8601 date-time after which the token stops working')
    .option('--json', 'print JSON')
    .action((directoryId: string, opts: { label?: string; expiresAt?: string; json?: boolean }) =>
      withServices(async (s) => {
        const issued = await s.tokens.create(directoryId, { label: opts.label ?? null, expiresAt: opts.expiresAt ?? null }, CLI_ACTOR);
        if (opts.json) return json({ ...issued.view, token: issued.token });
        out(`Token ${issued.view.id}${issued.view.expiresAt ? ` (expires ${issued.view.expiresAt})` : ''}:`);
        out(issued.token);
        out('Shown only this once.');
      }),
    );

  token
    .command('list <directoryId>')
    .option('--json', 'print JSON')
    .action((directoryId: string, opts: { json?: boolean }) =>
      withServices(async (s) => {
        const list = await s.tokens.list(directoryId);
        if (opts.json) return json(list);
        table(list.map((t) => ({ id: t.id, prefix: t.prefix, state: t.state, expires: t.expiresAt, lastUsed: t.lastUsedAt, label: t.label })));
      }),
    );

  token
    .command('rotate <tokenId>')
    .description('issue a new token; the old one keeps working for the grace period')
    .option('--grace <seconds>', 'how long the old token stays valid', '3600')
    .option('--json', 'print JSON')
    .action((tokenId: string, opts: { grace: string; json?: boolean }) =>
      withServices(async (s) => {
        const issued = await s.tokens.rotate(tokenId, Number(opts.grace), CLI_ACTOR);
        if (opts.json) return json({ ...issued.view, token: issued.token });
        out(`New token ${issued.view.id} (the old one stops working in ${opts.grace} s):`);
        out(issued.token);
      }),
    );

  token
    .command('revoke <tokenId>')
    .action((tokenId: string) =>
      withServices(async (s) => {
        await s.tokens.revoke(tokenId, CLI_ACTOR);
        out(`token ${tokenId} revoked`);
      }),
    );
}

export function registerAdminKeyCommands(program: Command) {
  const key = program.command('admin-key').description('manage keys for the admin API (/api/v1)');
  key
    .command('create')
    .option('--label <label>', 'who or what uses the key')
    .option('--json', 'print JSON')
    .action((opts: { label?: string; json?: boolean }) =>
      withServices(async (s) => {
        const created = await s.adminKeys.create(opts.label ?? null, CLI_ACTOR);
        if (opts.json) return json({ ...created.view, key: created.key });
        out(`Admin key ${created.view.id} (shown once):`);
        out(created.key);
      }),
    );
  key
    .command('list')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withServices(async (s) => {
        const list = await s.adminKeys.list();
        if (opts.json) return json(list);
        table(list.map((k) => ({ id: k.id, prefix: k.prefix, label: k.label, revoked: k.revokedAt, lastUsed: k.lastUsedAt })));
      }),
    );
  key.command('revoke <id>').action((id: string) =>
    withServices(async (s) => {
      await s.adminKeys.revoke(id, CLI_ACTOR);
      out(`admin key ${id} revoked`);
    }),
  );
}
