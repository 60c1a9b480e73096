import { Worker } from 'node:worker_threads';
import type { RosterConfig } from '../config/load-config.ts';
import type { OpsMetrics } from '../domain/ops/ops-metrics.ts';

export interface ThreadLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ThreadOptions {
  /** How much lower than the requests the thread runs (Linux nice increment; 0 keeps the same priority). */
  readonly niceness: number;
}

/** What the thread tells the server (delivery-thread.ts). */
export type ThreadMessage =
  | { kind: 'started' }
  | { kind: 'stopped' }
  | { kind: 'log'; level: 'info' | 'warn'; obj: object; msg: string }
  /** The worker's metrics since the last such message; `outboxLagSeconds` when it was measured. */
  | { kind: 'metrics'; delivered: number; failed: number; dead: number; outboxLagSeconds?: number };


/** A crashed thread is started again after this long, doubling up to the cap. */
const RESTART_MS = 1_000;
const RESTART_MAX_MS = 30_000;

/**
 * Runs the delivery worker (create-delivery-worker.ts) in a worker thread of `roster serve`, so the
 * sending (HTTP, signing, JSON) and the worker's own SQL never take the server's event loop: on the
 * server's loop, one webhook endpoint cost the SCIM create phase 45 % of its throughput (issue 10,
 * docs/benchmarks.md). The thread opens its own store connection and builds its own services with
 * createServices, as the server does: the worker stays behind the domain. On SQLite the second
 * connection reads beside the server's (WAL) and writes in its own short transactions; the server's
 * group commit waits for them without blocking its loop (group-commit.ts).
 *
 * A thread that dies unexpectedly is logged and started again; its claimed deliveries are sent again
 * once their leases end (at least once).
 */
export function startDeliveryThread(deps: { config: RosterConfig; log: ThreadLog; metrics?: OpsMetrics['delivery']; niceness?: number }) {
  const { config, log, metrics } = deps;
  const options: ThreadOptions = { niceness: deps.niceness ?? 10 };
  let worker: Worker | undefined;
  let stopping = false;
  let restartMs = RESTART_MS;
  let restartTimer: NodeJS.Timeout | undefined;

  function record(m: Extract<ThreadMessage, { kind: 'metrics' }>): void {
    if (!metrics) return;
    if (m.delivered > 0) metrics.webhookAttempts.inc({ result: 'delivered' }, m.delivered);
    if (m.failed > 0) metrics.webhookAttempts.inc({ result: 'failed' }, m.failed);
    if (m.dead > 0) metrics.webhookDeadLetters.inc({}, m.dead);
    if (m.outboxLagSeconds !== undefined) metrics.outboxLagSeconds.set({}, m.outboxLagSeconds);
  }

  function spawn(): Worker {
    const self = new URL(import.meta.url);
    const w = self.pathname.endsWith('.ts')
      ? // Running the TypeScript sources (bin/roster.js, tsx): module hooks do not reach a worker
        // thread on Node 20, so the thread loads its entry through tsx's own import.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(new URL('./delivery-thread.ts', self).href)}, ${JSON.stringify(self.href)}))`,
          { eval: true, workerData: { config, ...options } },
        )
      : new Worker(new URL('./delivery-thread.js', self), { workerData: { config, ...options } });
    w.on('message', (m: ThreadMessage) => {
      if (m.kind === 'log') log[m.level](m.obj, m.msg);
      else if (m.kind === 'metrics') record(m);
      else if (m.kind === 'started') restartMs = RESTART_MS;
    });
    w.on('error', (error) => log.error({ reason: error.message }, 'the delivery worker thread failed'));
    w.on('exit', (code) => {
      if (worker !== w || stopping) return;
      worker = undefined;
      log.warn({ code, restartInMs: restartMs }, 'the delivery worker thread exited; starting it again');
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) worker = spawn();
      }, restartMs);
      restartTimer.unref();
      restartMs = Math.min(restartMs * 2, RESTART_MAX_MS);
    });
    return w;
  }

  worker = spawn();

  return {
    /** Stops claiming, lets sends in flight finish (up to `graceMs`), records their outcomes, ends the thread. */
    async stop(graceMs = Math.min(config.webhooks.timeoutMs, 5_000)): Promise<void> {
      stopping = true;
      clearTimeout(restartTimer);
      const w = worker;
      worker = undefined;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ kind: 'stop', graceMs });
      const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs + 5_000).unref());
      if ((await Promise.race([exited, deadline])) === 'late') {
        log.warn({}, 'the delivery worker thread did not stop in time; its claims are sent again once their leases end');
        await w.terminate();
      }
    },
  };
}

export type DeliveryThread = ReturnType<typeof startDeliveryThread>;
