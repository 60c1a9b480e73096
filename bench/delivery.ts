// Delivery and feed throughput (issue 10): deliveries/s from the webhook worker to a local receiver,
// and events/s the feed serves to one reader in pages of 1,000, on SQLite and on PostgreSQL.
//
//   node --import tsx bench/delivery.ts [--events 20000] [--engines sqlite,postgres]
//
// Roster runs in this process (server and domain), its delivery worker in its own thread as `roster
// serve` runs it (src/delivery/start-delivery-thread.ts); the receiver runs in another worker thread
// (a bare node:http server answering 204), so it shares neither event loop. Events are
// seeded straight into the outbox (100 per transaction, each about its own user), then:
//   feed:       one reader walks GET /api/v1/events?limit=1000 from the start to the end;
//   deliveries: the worker starts with one endpoint owed every event; timed until the receiver has them all
//               (fan-out, claims, signing, HTTP and recording outcomes included).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { startDeliveryThread } from '../src/delivery/start-delivery-thread.ts';
import { createServices } from '../src/domain/create-services.ts';
import { createApp } from '../src/http/create-app.ts';
import { openStore } from '../src/store/open-store.ts';
import { createBenchDatabase, dropBenchDatabase } from './postgres.ts';
import { startReceiver } from './webhook-receiver.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const EVENTS = Number(option('events', '20000'));
const ENGINES = option('engines', 'sqlite,postgres').split(',');
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** CPU seconds of this process's threads by thread id (Linux); empty elsewhere. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // no /proc
  }
  return out;
}

async function run(engine: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-bench-delivery-'));
  const database = engine === 'postgres' ? await createBenchDatabase(PG_ADMIN_URL) : undefined;
  const config = loadConfig({ ROSTER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...(database ? { DATABASE_URL: database.url, ROSTER_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') } : {}) });
  const store = await openStore(config);
  await store.migrate();
  const services = createServices(config, store);
  const receiver = await startReceiver();
  try {
    const { directory } = await services.directories.create({ name: 'bench', idp: 'generic' });
    const hook = await services.webhooks.create({ url: receiver.url, directoryId: directory.id, eventTypes: ['user.created'] });
    const at = new Date().toISOString();
    const seedStart = performance.now();
    for (let i = 0; i < EVENTS; i += 100) {
      await store.write(async (q) => {
        for (let j = i; j < Math.min(i + 100, EVENTS); j++) {
          const id = randomUUID();
          await q.events.append({ id: randomUUID(), type: 'user.created', schemaVersion: 1, at, directoryId: directory.id, resourceType: 'User', resourceId: id, data: { id, userName: `user${j}@example.com`, active: true, name: { givenName: 'Bench', familyName: `User ${j}` }, emails: [{ value: `user${j}@example.com`, primary: true }] }, changed: null });
        }
      });
    }
    const seedMs = performance.now() - seedStart;
    const seqStart = performance.now();
    await services.events.sequence();
    const sequenceMs = performance.now() - seqStart;

    // Feed: one reader, pages of 1,000, over HTTP.
    const app = await createApp({ config, services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const key = (await services.adminKeys.create('bench')).key;
    const walk = async () => {
      let cursor: string | undefined;
      let read = 0;
      const t0 = performance.now();
      for (let pages = 0; pages < 10_000; pages++) {
        const res = await fetch(`${origin}/api/v1/events?limit=1000${cursor ? `&after=${cursor}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
        const body = (await res.json()) as { events: unknown[]; nextCursor: string; hasMore: boolean };
        read += body.events.length;
        cursor = body.nextCursor;
        if (!body.hasMore) break;
      }
      return { read, ms: performance.now() - t0 };
    };
    await walk(); // warm-up
    const feed = await walk();

    // Deliveries: the worker starts with the endpoint owed every event.
    const before = threadCpu();
    const t0 = performance.now();
    const worker = startDeliveryThread({ config, log: { info: () => undefined, warn: () => undefined, error: (obj, msg) => console.error(msg, obj) } });
    for (let i = 0; i < 100_000; i++) {
      if ((await receiver.count()) >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const deliveryMs = performance.now() - t0;
    // The threads that appeared with the worker's: its CPU per delivery, whatever else the machine runs.
    const threadSeconds = [...threadCpu()].filter(([tid]) => !before.has(tid)).reduce((sum, [, seconds]) => sum + seconds, 0);
    await worker.stop();
    const delivered = await receiver.count();
    await app.close();
    const pending = (await services.deliveries.list(hook.webhook.id, { status: 'pending', limit: 1 })).length;
    return {
      engine,
      events: EVENTS,
      seedPerSecond: Math.round(EVENTS / (seedMs / 1000)),
      sequencePerSecond: Math.round(EVENTS / (sequenceMs / 1000)),
      feedEventsPerSecond: Math.round(feed.read / (feed.ms / 1000)),
      feedRead: feed.read,
      deliveriesPerSecond: Math.round(delivered / (deliveryMs / 1000)),
      delivered,
      workerCpuUsPerDelivery: Math.round((threadSeconds * 1e6) / Math.max(1, delivered)),
      pendingAfter: pending,
    };
  } finally {
    await receiver.close();
    await store.close();
    if (database) await dropBenchDatabase(PG_ADMIN_URL, database.name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const engine of ENGINES) results.push(await run(engine));
console.log('| engine | events | feed events/s (1 reader, pages of 1,000) | deliveries/s (1 endpoint, concurrency ' + loadConfig({}).webhooks.concurrency + ') | sequencer events/s |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.engine} | ${r.events} | ${r.feedEventsPerSecond.toLocaleString('en')} | ${r.deliveriesPerSecond.toLocaleString('en')} (${r.delivered} delivered, ${r.workerCpuUsPerDelivery} µs of the worker thread's CPU each) | ${r.sequencePerSecond.toLocaleString('en')} |`);
console.log(JSON.stringify(results));
process.exit(0);
