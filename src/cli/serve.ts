import { pino, type Logger } from 'pino';
import { loadConfig, type RosterConfig } from '../config/load-config.ts';
import { createDeliveryWorker } from '../delivery/create-delivery-worker.ts';
import { createServices } from '../domain/create-services.ts';
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
  const services = createServices(config, store);
  const app = await createApp({ config, services });
  await app.listen({ port: config.port, host: config.host });
  // Webhook deliveries and the feed's sequencer run beside the server (ROSTER_DELIVERY_WORKER=off: not on this node).
  const worker = config.webhooks.worker === 'on' ? createDeliveryWorker({ services, settings: config.webhooks, log: app.log.child({ component: 'delivery' }) }) : undefined;
  worker?.start();
  if ((await services.adminKeys.count()) === 0) {
    app.log.info('no admin key yet: create one with `npx roster admin-key create` to use the admin API at /api/v1');
  }

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
