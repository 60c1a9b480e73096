// Profiles Roster in one phase of the benchmark: starts `node --cpu-prof bin/roster.js serve` on SQLite
// in a fresh data directory, creates a directory and BENCH_USERS users (default 20,000), warms up, runs
// the phase (`lookup` or `get`, 16 in flight) for PROFILE_SECONDS (default 10), then stops the server
// with SIGTERM so it writes its .cpuprofile into PROFILE_DIR (default /tmp/prof). The profile also
// holds the start and the create phase: bench/dev/profile-summary.ts reads only its last seconds.
// PROFILE_SERVER=floor profiles the stack floor (bench/floor-server.ts) the same way instead.
//
//   node --import tsx bench/dev/profile-server.ts get   (or lookup, deactivate)
//   node --import tsx bench/dev/profile-summary.ts /tmp/prof/<file>.cpuprofile 10
//
// Not part of `npm run bench`; the profiles are not committed (*.cpuprofile is gitignored).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runLoad } from '../load.ts';
import { createUsers, lookupOperation, runDeactivate, runGetById, runLookups, type PhaseContext, type Population } from '../phases.ts';
import { createScimTarget } from '../scim-client.ts';
import { pickFreePort, readCpuSeconds, readMachineBusySeconds, runNodeCommand, startProcess } from '../server-process.ts';

const phase = process.argv[2];
if (phase !== 'lookup' && phase !== 'get' && phase !== 'deactivate') throw new Error('usage: profile-server.ts lookup|get|deactivate');
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const users = Number(process.env.BENCH_USERS ?? '20000');
const seconds = Number(process.env.PROFILE_SECONDS ?? '10');
const profileDir = process.env.PROFILE_DIR ?? '/tmp/prof';
const floor = process.env.PROFILE_SERVER === 'floor';
const FLOOR = { directory: 'floor', token: 'floor-bench-token' };

const dataDir = await mkdtemp(join(tmpdir(), 'roster-profile-'));
const env: NodeJS.ProcessEnv = { ...process.env, ROSTER_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
const port = await pickFreePort();
const server = await startProcess({
  name: 'roster (profiled)',
  args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...(floor ? ['--import', 'tsx', 'bench/floor-server.ts'] : ['bin/roster.js', 'serve'])],
  cwd: repoRoot,
  env: { ...env, PORT: String(port), FLOOR_DATA_DIR: dataDir, FLOOR_DIRECTORY: FLOOR.directory, FLOOR_TOKEN: FLOOR.token },
  port,
  readyPath: '/readyz',
  readyTimeoutMs: 60_000,
});
const pool = new Pool(server.origin, { connections: 16, pipelining: 1 });
try {
  const directory = floor
    ? { id: FLOOR.directory, token: FLOOR.token }
    : (JSON.parse(
        (await runNodeCommand({ args: ['bin/roster.js', 'directory', 'create', '--name', 'p', '--idp', 'okta', '--json'], cwd: repoRoot, env, timeoutMs: 60_000 }))
          .trim()
          .split('\n')
          .at(-1)!,
      ) as { id: string; token: string });
  const target = createScimTarget(pool, `/scim/v2/${directory.id}`, directory.token);
  const context: PhaseContext = {
    target,
    latencies: new Float64Array(1_000_000),
    concurrency: 16,
    phaseMs: seconds * 1000,
    safetyMs: 600_000,
    cpu: () => ({ servers: [readCpuSeconds(server.pid)], database: null, machine: readMachineBusySeconds() }),
  };
  const population: Population = { indexes: [], ids: [] };
  await createUsers(context, 'create users', 0, users, population);
  // Warm-up beyond the phase's own 0.5 s, so the profile's tail is steady state.
  const operation = lookupOperation(target, population, 0x5eed0001, true);
  await runLoad(operation, { concurrency: 16, durationMs: 2_000, maxRequests: 1_000_000, latencies: context.latencies, cpu: context.cpu });
  const started = performance.now();
  const row = phase === 'lookup' ? await runLookups(context, 'lookup', operation, 10_000_000) : phase === 'get' ? await runGetById(context, population) : await runDeactivate(context, population);
  process.stdout.write(
    `${phase}: ${Math.round(row.opsPerSec)} ops/s, p50 ${row.p50Ms.toFixed(2)} ms, errors ${row.errors}, server CPU ${Math.round(row.serverCpuPct)}%, ` +
      `phase ended ${((performance.now() - started) / 1000).toFixed(1)} s after it began (incl. 0.5 s warm-up)\n`,
  );
} finally {
  await pool.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.stdout.write(`profile written to ${profileDir} (server pid ${server.pid})\n`);
