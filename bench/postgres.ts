// The PostgreSQL side of the benchmark: a fresh database per run (created through the `pg` package on
// the admin database, dropped at the end), and the URL the Roster nodes get as DATABASE_URL.
import pg from 'pg';

/** How long to wait for PostgreSQL before reporting it unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface BenchDatabase {
  readonly name: string;
  /** DATABASE_URL for the Roster nodes and the CLI. */
  readonly url: string;
  /** Where it lives, for the report, without credentials: `127.0.0.1:5432/roster_bench_123`. */
  readonly where: string;
  /** The server's version string (`PostgreSQL 15.20`). */
  readonly version: string;
  readonly settings: Readonly<Record<string, string>>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client whose server goes away emits 'error'; unheard it would end the benchmark.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with its path (the database) replaced. */
function urlFor(adminUrl: string, database: string): URL {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url;
}

/**
 * Creates `roster_bench_<pid>` (dropping a leftover of that name first). Throws when PostgreSQL is
 * unreachable or refuses; the caller reports that and carries on with SQLite.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `roster_bench_${process.pid}`;
  return withAdmin(adminUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
    const version = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
    const settings = await client.query<{ name: string; setting: string }>(
      `select name, current_setting(name) as setting
         from unnest(array['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync']) as name`,
    );
    const url = urlFor(adminUrl, name);
    return {
      name,
      url: url.toString(),
      where: `${url.hostname}:${url.port || '5432'}/${name}`,
      version: `PostgreSQL ${version.rows[0]?.v ?? '?'}`,
      settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
    };
  });
}

/** `drop database … with (force)`; errors are returned, not thrown, so cleanup never masks a result. */
export async function dropBenchDatabase(adminUrl: string, name: string): Promise<string | undefined> {
  try {
    await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    return undefined;
  } catch (error) {
    return `could not drop database ${name}: ${(error as Error).message}`;
  }
}

/** The admin URL without a password, for messages. */
export function describeUrl(adminUrl: string): string {
  try {
    const url = new URL(adminUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable BENCH_PG_URL)';
  }
}
