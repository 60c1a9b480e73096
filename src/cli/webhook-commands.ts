import type { Command } from 'commander';
import type { DeliveryStatus } from '../domain/records.ts';
import { json, out, table, withServices } from './admin-commands.ts';

const list = (value: string | undefined): string[] | null | undefined => (value === undefined ? undefined : value === 'all' ? null : value.split(',').map((s) => s.trim()).filter(Boolean));

/** `roster events`: the ordered event feed, as the admin API's `GET /api/v1/events` serves it. */
export function registerEventCommands(program: Command) {
  program
    .command('events')
    .description('print the event feed in commit order (JSON lines with --json); the next cursor goes to stderr')
    .option('--after <cursor>', 'start after this cursor (from an earlier run); default: the oldest event kept')
    .option('--limit <n>', 'events per page (1 to 1000)', '100')
    .option('--types <types>', 'comma-separated event types, e.g. user.created,user.deleted')
    .option('--directory <id>', 'only the events of this directory')
    .option('--follow', 'keep polling for new events (Ctrl-C to stop)')
    .option('--json', 'print each event as one JSON line')
    .action((opts: { after?: string; limit: string; types?: string; directory?: string; follow?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        let after = opts.after;
        for (;;) {
          const page = await s.events.page({ after, limit: Number(opts.limit), types: list(opts.types) ?? undefined, directoryId: opts.directory });
          for (const e of page.events) {
            if (opts.json) json(e);
            else out(`${e.at}  ${e.type.padEnd(26)}  ${e.resourceType}/${e.resourceId}${e.directoryId ? `  directory ${e.directoryId}` : ''}`);
          }
          after = page.nextCursor;
          if (page.hasMore) continue;
          process.stderr.write(`next cursor: ${after}\n`);
          if (!opts.follow) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
}

/** `roster webhook …`: the endpoints Roster sends signed events to (docs/webhooks.md). */
export function registerWebhookCommands(program: Command) {
  const hook = program.command('webhook').description('manage webhook endpoints and their deliveries');

  hook
    .command('create')
    .description('add an endpoint; prints its signing secret (shown once)')
    .requiredOption('--url <url>', 'where events are POSTed (http:// or https://)')
    .option('--event-types <types>', 'comma-separated event types (default: every type)')
    .option('--directory <id>', 'only the events of this directory')
    .option('--description <text>', 'what the endpoint is')
    .option('--secret <secret>', 'a signing secret of your own (at least 16 characters); generated otherwise')
    .option('--disabled', 'create it disabled')
    .option('--json', 'print JSON')
    .action((o: { url: string; eventTypes?: string; directory?: string; description?: string; secret?: string; disabled?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const { webhook, secret } = await s.webhooks.create({ url: o.url, eventTypes: list(o.eventTypes), directoryId: o.directory, description: o.description, secret: o.secret, enabled: !o.disabled });
        if (o.json) return json({ ...webhook, secret });
        out(`Webhook ${webhook.id} created for ${webhook.url}`);
        out(`Signing secret: ${secret}`);
        out('The secret is shown only this once; verify the Roster-Signature header with it (docs/webhooks.md).');
      }),
    );

  hook
    .command('list')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withServices(async (s) => {
        const hooks = await s.webhooks.list();
        if (o.json) return json(hooks);
        table(hooks.map((h) => ({ id: h.id, url: h.url, enabled: h.enabled, eventTypes: h.eventTypes?.join(',') ?? 'all', directory: h.directoryId ?? 'all' })));
      }),
    );

  hook
    .command('update <id>')
    .option('--url <url>')
    .option('--event-types <types>', 'comma-separated event types, or "all"')
    .option('--directory <id>', 'a directory id, or "all"')
    .option('--description <text>')
    .option('--enable')
    .option('--disable')
    .option('--rotate-secret', 'replace the signing secret; prints the new one (shown once)')
    .option('--json', 'print JSON')
    .action((id: string, o: { url?: string; eventTypes?: string; directory?: string; description?: string; enable?: boolean; disable?: boolean; rotateSecret?: boolean; json?: boolean }) =>
      withServices(async (s) => {
        const directoryId = o.directory === undefined ? undefined : o.directory === 'all' ? null : o.directory;
        const enabled = o.enable ? true : o.disable ? false : undefined;
        const { webhook, secret } = await s.webhooks.update(id, { url: o.url, eventTypes: list(o.eventTypes), directoryId, description: o.description, enabled, rotateSecret: o.rotateSecret });
        if (o.json) return json({ ...webhook, ...(secret ? { secret } : {}) });
        out(`Webhook ${webhook.id} updated`);
        if (secret) out(`New signing secret: ${secret} (shown only this once)`);
      }),
    );

  hook.command('delete <id>').action((id: string) =>
    withServices(async (s) => {
      await s.webhooks.remove(id);
      out(`Webhook ${id} deleted`);
    }),
  );

  hook
    .command('deliveries <id>')
    .description("an endpoint's deliveries, newest first")
    .option('--status <status>', 'pending | delivered | dead')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((id: string, o: { status?: DeliveryStatus; limit: string; json?: boolean }) =>
      withServices(async (s) => {
        const deliveries = await s.deliveries.list(id, { status: o.status, limit: Number(o.limit) });
        if (o.json) return json(deliveries);
        table(deliveries.map((d) => ({ id: d.id, event: d.eventId, status: d.status, attempts: d.attempts, next: d.nextAttemptAt ?? '', last: d.lastError ?? d.lastStatus ?? '' })));
      }),
    );

  hook
    .command('redeliver <id>')
    .description('send dead-lettered deliveries again: one with --delivery, otherwise all of the endpoint')
    .option('--delivery <deliveryId>')
    .action((id: string, o: { delivery?: string }) =>
      withServices(async (s) => {
        const { redelivered } = await s.deliveries.redeliver(id, o.delivery);
        out(`${redelivered} deliveries queued again`);
      }),
    );
}
