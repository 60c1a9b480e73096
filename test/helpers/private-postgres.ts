import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './spawn-roster.ts';

/** The PostgreSQL server binaries of the machine's installed version, if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().pop();
  const dir = version && path.join(root, version, 'bin');
  return dir && existsSync(path.join(dir, 'initdb')) ? dir : undefined;
}

export interface PrivatePostgres {
  readonly url: string;
  restart(downMs: number): Promise<void>;
  stop(): void;
}

/**
 * A PostgreSQL server of its own (initdb into a temp folder, its own port), so a test can restart
 * it without disturbing the shared server other tests use. Runs as the `postgres` user when the
 * test runs as root, since PostgreSQL refuses to run as root.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const ctl = (...args: string[]) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', path.join(dir, 'log'), ...args]);
  const options = ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`];
  ctl('start', ...options);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs: number) {
      ctl('stop', '-m', 'fast');
      await new Promise((r) => setTimeout(r, downMs));
      ctl('start', ...options);
    },
    stop() {
      try {
        ctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
