// Issue 10's cost check alone, for iterating on it: the create phase on a fresh SQLite server with the
// request log off and no webhook, then on another with the request log on and one webhook endpoint on
// a local receiver (the same pair `npm run bench` runs after its report), VISIBILITY_ROUNDS times
// alternating, and the ratio of each pair, with the CPU per create of the server's main thread, its
// other threads (the delivery worker's among them) and this process. The receiver runs in a worker
// thread, as in bench/run.ts. PROFILE_DIR=<dir> runs the servers under `node --cpu-prof` into it.
//
//   npm run build && BENCH_USERS=10000 node --import tsx bench/dev/visibility.ts
//
// Not part of `npm run bench`.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createUsers, type PhaseContext } from '../phases.ts';
import { createScimTarget } from '../scim-client.ts';
import { startReceiver } from '../webhook-receiver.ts';
import { pickFreePort, readCpuSeconds, readMachineBusySeconds, runNodeCommand, startProcess } from '../server-process.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const users = Number(process.env.BENCH_USERS ?? '10000');
const rounds = Number(process.env.VISIBILITY_ROUNDS ?? '1');
const profileDir = process.env.PROFILE_DIR;
const only = process.env.VISIBILITY_ONLY; // 'plain' | 'both'

// As in bench/run.ts: the receiver in a worker thread, off the load generator's event loop.
const receiver = await startReceiver();
const receiverUrl = receiver.url;

/** CPU seconds of the server's main thread and of all its other threads (the delivery thread, GC, libuv). */
function threadCpu(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      if (Number(tid) === pid) main += seconds;
      else others += seconds;
    } catch {
      // the thread ended
    }
  }
  return { main, others };
}

async function createWith(label: string, extraEnv: NodeJS.ProcessEnv, webhook: boolean) {
  const dataDir = await mkdtemp(join(tmpdir(), 'roster-visibility-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ROSTER_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extraEnv };
  delete env.DATABASE_URL;
  const port = await pickFreePort();
  const server = await startProcess({
    name: `roster (${label})`,
    args: [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'bin/roster.js', 'serve'],
    cwd: repoRoot,
    env: { ...env, PORT: String(port), ...(webhook && process.env.VISIBILITY_SPLIT === '1' ? { ROSTER_DELIVERY_WORKER: 'off' } : {}) },
    port,
    readyPath: '/readyz',
    readyTimeoutMs: 60_000,
  });
  // VISIBILITY_SPLIT=1 (experiment): the server runs no worker; a second process on the same data runs it.
  const split = webhook && process.env.VISIBILITY_SPLIT === '1';
  let second: Awaited<ReturnType<typeof startProcess>> | undefined;
  if (split) {
    const port2 = await pickFreePort();
    second = await startProcess({ name: 'worker node', args: ['bin/roster.js', 'serve'], cwd: repoRoot, env: { ...env, PORT: String(port2) }, port: port2, readyPath: '/readyz', readyTimeoutMs: 60_000 });
  }
  const pool = new Pool(server.origin, { connections: 16, pipelining: 1 });
  try {
    const directory = JSON.parse(
      (await runNodeCommand({ args: ['bin/roster.js', 'directory', 'create', '--name', 'v', '--idp', 'okta', '--json'], cwd: repoRoot, env, timeoutMs: 60_000 })).trim().split('\n').at(-1)!,
    ) as { id: string; token: string };
    if (webhook) await runNodeCommand({ args: ['bin/roster.js', 'webhook', 'create', '--url', receiverUrl, '--json'], cwd: repoRoot, env, timeoutMs: 60_000 });
    const context: PhaseContext = {
      target: createScimTarget(pool, `/scim/v2/${directory.id}`, directory.token),
      latencies: new Float64Array(1_000_000),
      concurrency: 16,
      phaseMs: 1000,
      safetyMs: 600_000,
      cpu: () => ({ servers: [readCpuSeconds(server.pid)], database: null, machine: readMachineBusySeconds() }),
    };
    const before = await receiver.count();
    const cpu0 = threadCpu(server.pid);
    const client0 = process.cpuUsage();
    const row = await createUsers(context, label, 0, users, { indexes: [], ids: [] });
    const cpu1 = threadCpu(server.pid);
    const client = process.cpuUsage(client0);
    const during = (await receiver.count()) - before;
    const perCreate = (s: number) => Math.round((s * 1e6) / users);
    return { ...row, during, mainUs: perCreate(cpu1.main - cpu0.main), othersUs: perCreate(cpu1.others - cpu0.others), clientUs: perCreate((client.user + client.system) / 1e6) };
  } finally {
    await pool.close();
    await server.stop();
    await second?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  for (let r = 0; r < rounds; r++) {
    const plain = only === 'both' ? undefined : await createWith('plain', { ROSTER_REQUEST_LOG: process.env.VISIBILITY_PLAIN_LOG ?? 'off' }, false);
    const both = only === 'plain' ? undefined : await createWith('both', { ROSTER_REQUEST_LOG: process.env.VISIBILITY_BOTH_LOG ?? 'on' }, true);
    const line = (x: typeof plain) => (x ? `${Math.round(x.opsPerSec)}/s p50 ${x.p50Ms.toFixed(2)} errors ${x.errors} cpu µs/create main ${x.mainUs} others ${x.othersUs} client ${x.clientUs}` : '-');
    process.stdout.write(`plain ${line(plain)} | both ${line(both)} (${both?.during ?? 0} deliveries during) | ratio ${plain && both ? (both.opsPerSec / plain.opsPerSec).toFixed(2) : '-'}\n`);
  }
} finally {
  await receiver.close();
}
