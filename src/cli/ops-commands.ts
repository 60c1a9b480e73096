import type { Command } from 'commander';
import { DomainError } from '../domain/domain-error.ts';
import { json, out, table, withServices } from './admin-commands.ts';

/** `--since 2h`, `--since 3d`, or an ISO 8601 date-time. */
function parseSince(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)\s*(m|h|d)$/i.exec(value.trim());
  if (relative) {
    const ms = Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2]!.toLowerCase() as 'm' | 'h' | 'd'];
    return new Date(Date.now() - ms).toISOString();
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new DomainError('request.invalid', `--since: "${value}" is neither a duration (30m, 2h, 7d) nor an ISO 8601 date-time`);
  return at.toISOString();
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new DomainError('request.invalid', '--limit: a whole number from 1 to 500');
  return n;
}

function checkStatus(value: string | undefined): string | undefined {
  if (value !== undefined && !/^(\d{3}|[1-5]xx|error)$/i.test(value)) throw new DomainError('request.invalid', '--status: a status (404), a class (4xx) or "error"');
  return value;
}

/** `roster requests`, `roster audit`, `roster directory status`: what the IdP did, what admins did, how a directory is doing. */
export function registerOpsCommands(program: Command) {
  program
    .command('requests <directoryId>')
    .description("a directory's SCIM request log, newest first (passwords redacted)")
    .option('--status <status>', 'a status (409), a class (4xx), or "error" (400 and above)')
    .option('--user <idOrUserName>', 'requests that touched this user (id or userName)')
    .option('--since <when>', 'a duration back from now (30m, 2h, 7d) or an ISO 8601 date-time')
    .option('--limit <n>', 'how many entries', '50')
    .option('--json', 'print the entries as JSON, with their bodies')
    .action((directoryId: string, opts: { status?: string; user?: string; since?: string; limit: string; json?: boolean }) =>
      withServices(async (s) => {
        const page = await s.requestLog.list(directoryId, { status: checkStatus(opts.status), user: opts.user, since: parseSince(opts.since), limit: parseLimit(opts.limit) });
        if (opts.json) return json(page.requests);
        table(
          page.requests.map((r) => ({
            at: r.at,
            method: r.method,
            path: r.path.replace(`/scim/${r.version}/${directoryId}`, '') || '/',
            status: r.status,
            ms: r.latencyMs.toFixed(1),
            rewrites: r.rewrites?.map((w) => w.quirk).join(',') ?? '',
            error: r.error ?? '',
          })),
        );
      }),
    );

  program
    .command('audit')
    .description('the audit log of admin actions, newest first: who, from where, what, before and after')
    .option('--directory <id>', "only actions on this directory, its tokens and attributes")
    .option('--actor <id>', 'only actions of this admin key id (or OS user, for the CLI)')
    .option('--action <action>', 'e.g. token.revoke, directory.update')
    .option('--since <when>', 'a duration back from now (30m, 2h, 7d) or an ISO 8601 date-time')
    .option('--limit <n>', 'how many entries', '50')
    .option('--json', 'print the entries as JSON, with before and after')
    .action((opts: { directory?: string; actor?: string; action?: string; since?: string; limit: string; json?: boolean }) =>
      withServices(async (s) => {
        const page = await s.audit.list({ directoryId: opts.directory, actorId: opts.actor, action: opts.action, since: parseSince(opts.since), limit: parseLimit(opts.limit) });
        if (opts.json) return json(page.entries);
        table(page.entries.map((e) => ({ at: e.at, actor: `${e.actor.type}:${e.actor.label ?? e.actor.id ?? ''}`, address: e.actor.address ?? '', action: e.action, target: `${e.targetType} ${e.targetId}` })));
      }),
    );

  const directory = program.commands.find((c) => c.name() === 'directory');
  if (!directory) throw new Error('register the directory commands before the ops commands');
  directory
    .command('status <id>')
    .description('users, groups and memberships synced, recent traffic and errors, token expiry')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withServices(async (s) => {
        const st = await s.provisioningStatus(id);
        if (opts.json) return json(st);
        out(`${st.directory.name} (${st.directory.idp}, ${st.directory.status})`);
        out(`synced        ${st.synced.users} users, ${st.synced.groups} groups, ${st.synced.memberships} memberships`);
        out(`last request  ${st.lastRequestAt ?? (st.requestLog === 'off' ? 'unknown (request log off)' : 'never')}`);
        out(`last hour     ${st.lastHour.requests} requests, ${st.lastHour.errors} errors`);
        out(`last day      ${st.lastDay.requests} requests, ${st.lastDay.errors} errors`);
        out('tokens');
        table(st.tokens.map((t) => ({ id: t.id, prefix: t.prefix, state: t.state, expires: t.expiresAt ?? 'never', lastUsed: t.lastUsedAt ?? '' })));
        if (st.recentErrors.length > 0) {
          out('recent errors (roster requests <id> --status error --json for the bodies)');
          table(st.recentErrors.map((r) => ({ at: r.at, method: r.method, path: r.path.replace(`/scim/${r.version}/${id}`, '') || '/', status: r.status, error: r.error ?? '', requestId: r.requestId })));
        }
      }),
    );
}
