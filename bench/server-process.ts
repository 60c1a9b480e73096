// Child processes for the benchmark: the server under test and the ceiling server. Everything here is
// bounded by a deadline, so a server that never becomes ready or never exits fails the run instead of
// hanging it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const OUTPUT_TAIL_CHARS = 16_384;

export interface StartProcessOptions {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly readyPath: string;
  readonly readyTimeoutMs: number;
}

export interface StopResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** false when SIGTERM was not enough and the process had to be killed. */
  readonly graceful: boolean;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly origin: string;
  /** The last lines the process wrote to stdout and stderr. */
  outputTail(): string;
  stop(timeoutMs?: number): Promise<StopResult>;
}

/** Binds port 0 on the loopback interface, reads the port the kernel chose and releases it. */
export async function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Spawns `node <args>` and resolves once `GET <readyPath>` answers 200. */
export async function startProcess(options: StartProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new Error(`${options.name}: spawn failed`);
  }
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = waitForExit(child);
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const origin = `http://127.0.0.1:${options.port}`;
  const deadline = performance.now() + options.readyTimeoutMs;
  let lastProblem = 'not answering';
  for (;;) {
    if (hasExited) {
      throw new Error(`${options.name} exited before it was ready (${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready after ${options.readyTimeoutMs} ms (${lastProblem}):\n${tail}`);
    }
    try {
      const response = await request(origin + options.readyPath, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await response.body.dump();
      if (response.statusCode === 200) break;
      lastProblem = `${options.readyPath} answered ${response.statusCode}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(100);
  }

  const pid = child.pid;
  return {
    name: options.name,
    pid,
    port: options.port,
    origin,
    outputTail: () => tail,
    async stop(timeoutMs = 15_000): Promise<StopResult> {
      if (hasExited) {
        const { code, signal } = await exited;
        return { code, signal, graceful: true };
      }
      child.kill('SIGTERM');
      const first = await Promise.race([exited, sleep(timeoutMs, null, { ref: false })]);
      if (first !== null) return { ...first, graceful: true };
      child.kill('SIGKILL');
      const second = await Promise.race([exited, sleep(5_000, null, { ref: false })]);
      return { code: second?.code ?? null, signal: second?.signal ?? 'SIGKILL', graceful: false };
    },
  };
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

export interface RunCommandOptions {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Runs `node <args>` to completion and returns its stdout; a non-zero exit or a timeout throws. */
export async function runNodeCommand(options: RunCommandOptions): Promise<string> {
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  });
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    },
  );
  if (code !== 0) {
    throw new Error(`node ${options.args.join(' ')} failed (${code ?? signal}):\n${stderr}${stdout}`);
  }
  return stdout;
}

export interface MemoryUsage {
  /** VmRSS: resident set size now. */
  readonly rssBytes: number;
  /** VmHWM: the peak resident set size over the process's life. */
  readonly peakRssBytes: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status (Linux); null where /proc is not available. */
export function readMemoryUsage(pid: number): MemoryUsage | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  const peak = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  if (rss === null) return null;
  const rssBytes = Number(rss[1]) * 1024;
  return { rssBytes, peakRssBytes: peak === null ? rssBytes : Number(peak[1]) * 1024 };
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process (all its threads) from /proc/<pid>/stat; NaN without /proc. */
export function readCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Busy CPU seconds of the whole machine, all cores together, from the `cpu` line of /proc/stat
 * (everything but idle and iowait); NaN without /proc. With the per-process numbers it shows how
 * much CPU other processes took during a phase.
 */
export function readMachineBusySeconds(): number {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return NaN;
  }
  const line = stat.slice(0, stat.indexOf('\n'));
  if (!line.startsWith('cpu ')) return NaN;
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = ticks.reduce((sum, value) => sum + value, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  return busy / CLOCK_TICKS_PER_SECOND;
}

/** PostgreSQL's background processes, which work for every database (WAL writer, checkpointer, …). */
const POSTGRES_BACKGROUND =
  /^(checkpointer|background writer|walwriter|wal writer|autovacuum launcher|logical replication launcher|archiver|stats collector|walsender|walreceiver)/;

/**
 * CPU seconds, by pid, of the PostgreSQL processes that serve `database`: its backends (process titles
 * `postgres: <cluster>: <user> <database> <client> …`, found in /proc/<pid>/cmdline) plus the shared
 * background processes. Backends of other databases (other people's tests) are left out. Null without
 * /proc.
 */
export function readPostgresCpu(database: string): Map<number, number> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const byPid = new Map<number, number>();
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (!title.startsWith('postgres: ')) continue;
    // `postgres: 15/main: postgres roster_bench_123 127.0.0.1(5432) idle` (the cluster part is optional)
    const rest = title.replace(/\0+$/, '').replace(/^postgres: (?:[^:\s]+: )?/, '');
    const words = rest.split(' ');
    if (POSTGRES_BACKGROUND.test(rest) || words[1] === database || (words[0] === 'autovacuum' && words.includes(database))) {
      const pid = Number(entry);
      const seconds = readCpuSeconds(pid);
      if (Number.isFinite(seconds)) byPid.set(pid, seconds);
    }
  }
  return byPid;
}
