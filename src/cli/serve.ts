import { pino, type Logger } from 'pino';
import { loadConfig, type RosterConfig } from '../config/load-config.ts';
import type { FastifyBaseLogger } from 'fastify';
import { startDeliveryThread } from '../delivery/start-delivery-thread.ts';
import { createServices, type Services } from '../domain/create-services.ts';
import { createApp } from '../http/create-app.ts';
import { openStore } from '../store/open-store.ts';
import { StoreUnavailableError } from '../store/store-errors.ts';
import type { Store } from '../store/store.ts';

/**
 * Applies migrations, waiting for the database with capped exponential backoff: a node started
 * before its database (or during a failover) says so clearly and keeps trying instead of
 * crash-looping.
 */
async function migrateWhenReachable(store: Store, config: RosterConfig, log: Logger): Promise<void> {
  for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 30_000)) {
    try {
      const applied = await store.migrate();
      if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
      return;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const where = config.databaseUrl ? new URL(config.databaseUrl).host : config.databasePath;
      log.warn({ database: where, retryInMs: delayMs, reason: (error.cause as Error)?.message }, 'database unreachable; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * What `roster serve` does every `opsIntervalMs` (an hour) and once at start: warn of tokens about to
 * expire (an event and a log line, once per token and threshold) and purge the request log past its
 * retention. Each node runs it; the warnings table makes a second node's check a no-op.
 */
function startPeriodicOps(services: Services, config: RosterConfig, log: FastifyBaseLogger): NodeJS.Timeout {
  const run = async () => {
    try {
      for (const w of await services.checkTokenExpiry()) {
        log.warn({ directoryId: w.directoryId, tokenId: w.tokenId, prefix: w.prefix, expiresAt: w.expiresAt, thresholdDays: w.thresholdDays }, `SCIM token expires within ${w.thresholdDays} day${w.thresholdDays === 1 ? '' : 's'}; rotate it`);
      }
      const purged = await services.requestLog.purge();
      if (purged > 0) log.info({ purged, retentionDays: config.requestLogRetentionDays }, 'request log entries past their retention deleted');
    } catch (error) {
      log.warn({ reason: (error as Error)?.message }, 'periodic token expiry check or request log purge failed; retrying at the next interval');
    }
  };
  void run();
  const timer = setInterval(() => void run(), config.opsIntervalMs);
  timer.unref();
  return timer;
}

/** Where people reach this server: ROSTER_PUBLIC_URL, else the address it listens on. */
function listeningOrigin(config: RosterConfig, app: { server: { address(): unknown } }): string {
  if (config.publicUrl) return config.publicUrl;
  const address = app.server.address() as { port: number } | null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? config.port}`;
}

/**
 * `roster serve`: migrate, listen, and on SIGTERM/SIGINT stop accepting, let in-flight requests
 * finish (up to shutdownTimeoutMs), then close the database cleanly.
 */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const store = await openStore(config, {
    onPoolError: (error) => log.warn({ reason: error.message }, 'a database connection failed; the pool replaces it'),
    onNoIcu: () =>
      log.warn("PostgreSQL has no ICU collation 'und-x-icu': case-insensitive filters use the database's lower(), which may fold a few non-ASCII characters differently from SQLite"),
  });
  await migrateWhenReachable(store, config, log);
  const services = createServices(config, store, {
    onRequestLogError: (error, dropped) => log.warn({ reason: (error as Error)?.message, dropped }, 'request log entries could not be written'),
  });
  // Directories that held users before the organization layer existed get their accounts now, once.
  const reconciled = await services.rules.reconcilePending();
  if (reconciled.length > 0) log.info({ directories: reconciled }, 'organization layer: accounts made for users that had none');
  const app = await createApp({ config, services });
  // First run: a one-time link that creates the first owner (issued on each start while no admin exists).
  // Issued before listening and logged as soon as the port is known, so the link is in the log by the
  // time /readyz answers: a script that waits for readiness then reads the log finds it.
  const setupToken = await services.adminSetup.issue();
  const noAdminKey = (await services.adminKeys.count()) === 0;
  await app.listen({ port: config.port, host: config.host });
  if (setupToken) {
    app.log.info(`no admin account yet: open ${listeningOrigin(config, app)}/setup#token=${setupToken} within 24 hours to create the first owner (single use), or run \`roster admin create --email you@example.com --role owner\``);
  }
  if (noAdminKey) {
    app.log.info('no admin key yet: create one with `npx roster admin-key create` to use the admin API at /api/v1');
  }
  // Webhook deliveries and the feed's sequencer run in a thread beside the server (start-delivery-thread.ts;
  // ROSTER_DELIVERY_WORKER=off: not on this node).
  const worker = config.webhooks.worker === 'on' ? startDeliveryThread({ config, log: app.log.child({ component: 'delivery' }), metrics: services.metrics.delivery }) : undefined;
  if (config.rateLimitPerSecond > 0) {
    app.log.info({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst ?? Math.max(1, Math.ceil(config.rateLimitPerSecond)) }, 'SCIM rate limit on: per directory, per node; over it, 429 with Retry-After');
  }
  const ops = startPeriodicOps(services, config, app.log);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      clearInterval(ops);
      await Promise.all([app.close(), worker?.stop()]);
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
