import { loadConfig } from '../config/load-config.ts';
import { createServices } from '../domain/create-services.ts';
import { createApp } from '../http/create-app.ts';
import { openStore } from '../store/open-store.ts';

/**
 * `roster serve`: migrate, listen, and on SIGTERM/SIGINT stop accepting, let in-flight requests
 * finish (up to shutdownTimeoutMs), then close the database cleanly.
 */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const store = openStore(config);
  await store.migrate();
  const services = createServices(config, store);
  const app = await createApp({ config, services });
  await app.listen({ port: config.port, host: config.host });
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
      await app.close();
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
