// The delivery worker's thread (start-delivery-thread.ts starts it): its own event loop, its own
// store connection, its own services built by the same composition as `roster serve`.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { RosterConfig } from '../config/load-config.ts';
import { createServices } from '../domain/create-services.ts';
import { openStore } from '../store/open-store.ts';
import { createDeliveryWorker } from './create-delivery-worker.ts';
import type { ThreadMessage, ThreadOptions } from './start-delivery-thread.ts';

const port = parentPort!;
const { config, niceness } = workerData as ThreadOptions & { config: RosterConfig };
const post = (message: ThreadMessage) => port.postMessage(message);
const log = {
  info: (obj: object, msg: string) => post({ kind: 'log', level: 'info', obj, msg }),
  warn: (obj: object, msg: string) => post({ kind: 'log', level: 'warn', obj, msg }),
};

/**
 * Linux schedules threads, and setpriority(2) on a thread id changes that thread alone: the sends run
 * behind the SCIM requests when the cores are busy and use what the requests leave. Elsewhere (no
 * /proc/thread-self) the thread keeps the process's priority.
 */
function lowerPriority(): void {
  if (niceness <= 0) return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), niceness);
  } catch {
    // not Linux, or not allowed: same priority as the requests
  }
}

lowerPriority();
/**
 * The worker's own PostgreSQL pool stays small: a round runs its steps one after another, with one
 * claim per endpoint beside the outcomes at most; the requests keep the configured pool to themselves.
 */
const POOL_SIZE = 4;

/**
 * The worker's metrics, relayed to the server's registry (the one `/metrics` renders): counts are
 * summed here and posted at most every METRICS_EVERY_MS, and once more when the thread stops.
 */
const METRICS_EVERY_MS = 500;
const pendingMetrics = { delivered: 0, failed: 0, dead: 0, outboxLagSeconds: undefined as number | undefined };
function postMetrics(): void {
  const m = pendingMetrics;
  if (m.delivered + m.failed + m.dead === 0 && m.outboxLagSeconds === undefined) return;
  post({ kind: 'metrics', delivered: m.delivered, failed: m.failed, dead: m.dead, ...(m.outboxLagSeconds === undefined ? {} : { outboxLagSeconds: m.outboxLagSeconds }) });
  Object.assign(pendingMetrics, { delivered: 0, failed: 0, dead: 0, outboxLagSeconds: undefined });
}
const metricsTimer = setInterval(postMetrics, METRICS_EVERY_MS);
metricsTimer.unref();
const metrics = {
  attempted: (result: 'delivered' | 'failed', count: number) => void (pendingMetrics[result] += count),
  deadLettered: (count: number) => void (pendingMetrics.dead += count),
  outboxLag: (seconds: number) => void (pendingMetrics.outboxLagSeconds = seconds),
};

// On SQLite the thread's connection also checkpoints the log, so the server's seldom has to (open-store.ts).
const store = await openStore(
  { ...config, postgres: { ...config.postgres, poolSize: Math.min(config.postgres.poolSize, POOL_SIZE) } },
  {
    onPoolError: (error) => log.warn({ reason: error.message }, 'a database connection of the delivery worker failed; the pool replaces it'),
    checkpointer: true,
    onCheckpointError: (error) => log.warn({ reason: error.message }, 'the SQLite log could not be checkpointed in the background; the server checkpoints it as it grows'),
  },
);
const worker = createDeliveryWorker({ services: createServices(config, store), settings: config.webhooks, log, metrics });
worker.start();
port.on('message', (message: { kind: 'stop'; graceMs?: number }) => {
  if (message.kind !== 'stop') return;
  void (async () => {
    await worker.stop(message.graceMs);
    clearInterval(metricsTimer);
    postMetrics();
    await store.close();
    post({ kind: 'stopped' });
    port.close();
  })();
});
post({ kind: 'started' });
