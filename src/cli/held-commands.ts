import type { Command } from 'commander';
import { DomainError } from '../domain/domain-error.ts';
import { json, out, table, withServices } from './admin-commands.ts';
import { callOrgRoute } from './call-org-route.ts';
import { printChange } from './print-change.ts';

type Held = { id: string; directoryId: string; accountId: string; accountName: string | null; userId: string; action: string; status: string; at: string; decidedBy: string | null };

/** `roster held …`: deprovisions the mass-deprovision guard held for an admin's decision. */
export function registerHeldCommands(program: Command) {
  const held = program.command('held').description('deprovisions held by the mass-deprovision guard');
  held
    .command('list')
    .option('--directory <directoryId>', 'only this directory')
    .option('--status <status>', 'held (default) | approved | rejected | applied')
    .option('--limit <n>', 'at most this many (1 to 1000)')
    .option('--json', 'print JSON')
    .action((o: { directory?: string; status?: string; limit?: string; json?: boolean }) =>
      withServices(async (s) => {
        const body = (await callOrgRoute(s, 'GET', '/held', { query: { directoryId: o.directory, status: o.status, limit: o.limit } })) as { held: Held[] };
        if (o.json) return json(body);
        table(body.held.map((h) => ({ id: h.id, when: h.at, directory: h.directoryId, account: h.accountId, name: h.accountName ?? '', user: h.userId, action: h.action, status: h.status, decidedBy: h.decidedBy ?? '' })));
      }),
    );
  for (const verb of ['approve', 'reject'] as const) {
    held
      .command(`${verb} [ids...]`)
      .description(verb === 'approve' ? 'approve held deprovisions (by id, or --all), applied in the order held' : 'reject held deprovisions (by id, or --all): the accounts stay as they are')
      .option('--all', 'every held deprovision (of --directory, or of every directory)')
      .option('--directory <directoryId>', 'with --all: only this directory')
      .option('--json', 'print JSON')
      .action((ids: string[], o: { all?: boolean; directory?: string; json?: boolean }) =>
        withServices(async (s) => {
          if (Boolean(o.all) === ids.length > 0) throw new DomainError('request.invalid', `name the held deprovisions to ${verb}, or pass --all (not both)`);
          if (o.directory && !o.all) throw new DomainError('request.invalid', '--directory goes with --all');
          const body = (await callOrgRoute(s, 'POST', `/held/${verb}`, { body: o.all ? { all: true, directoryId: o.directory } : { ids } })) as { decided: number; applied?: number };
          if (o.json) return json(body);
          printChange(body, `${body.decided} held deprovisions ${verb === 'approve' ? `approved, ${body.applied ?? 0} applied` : 'rejected'}`);
        }),
      );
  }
}
