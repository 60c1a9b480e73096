import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPostgresStore } from '../src/store/postgres/create-postgres-store.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database each PostgreSQL test file clones, or '' when there is none. */
    pgTemplate: string;
    /** Why the PostgreSQL tests are skipped, when they are. */
    pgSkipReason: string;
    pgAdminUrl: string;
  }
}

export const PG_ADMIN_URL = process.env.ROSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function wanted(): string[] {
  return (process.env.DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Prepares one migrated template database for the run, so each test file gets a fresh database by
 * cloning it (`create database … template …`), which takes milliseconds. When PostgreSQL is wanted
 * but unreachable, the PostgreSQL tests are skipped and the run says so plainly.
 */
export default async function setup(project: TestProject) {
  project.provide('pgAdminUrl', PG_ADMIN_URL);
  project.provide('pgTemplate', '');
  project.provide('pgSkipReason', 'PostgreSQL tests not requested (DATABASES has no "postgres")');
  if (!wanted().includes('postgres')) return;

  const template = `roster_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `PostgreSQL unreachable at ${PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}); set ROSTER_TEST_PG_URL or start it`;
    // CI sets ROSTER_REQUIRE_POSTGRES: there, a missing database is a failure, not a skip.
    if (process.env.ROSTER_REQUIRE_POSTGRES) throw new Error(reason);
    process.stderr.write(`\n*** SKIPPING every PostgreSQL test: ${reason}\n\n`);
    project.provide('pgSkipReason', reason);
    return;
  }
  await admin.query(`drop database if exists ${template}`);
  // An ICU en-US collation (not the server's C.UTF-8 default): the suite then shows that results do
  // not depend on the database's locale. Servers without ICU get their default.
  const icu = (await admin.query("select 1 from pg_collation where collname = 'und-x-icu'")).rowCount;
  await admin.query(`create database ${template} template template0${icu ? " locale_provider icu icu_locale 'en-US'" : ''}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${template}`;
  const store = createPostgresStore({ connectionString: url.toString(), poolSize: 2, statementTimeoutMs: 30_000 });
  await store.migrate();
  await store.close();
  project.provide('pgTemplate', template);

  return async () => {
    const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'roster_t_${process.pid}_%'`);
    for (const { datname } of leftovers.rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}
