import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';

export type EngineName = 'sqlite' | 'postgres';

/** The engines this run covers: `DATABASES=sqlite,postgres` (the default), or one of them. */
export const ENGINES: EngineName[] = (process.env.DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is EngineName => s === 'sqlite' || s === 'postgres');

/**
 * Runs a suite once per engine (STYLE: the same tests on every engine). A PostgreSQL suite that
 * cannot run is skipped with the reason in its name, never silently.
 */
export function describeEachEngine(name: string, suite: (engine: EngineName) => void): void {
  for (const engine of ENGINES) {
    if (engine === 'postgres' && !inject('pgTemplate')) {
      describe.skip(`${name} [postgres: skipped, ${inject('pgSkipReason')}]`, () => suite(engine));
    } else {
      describe(`${name} [${engine}]`, () => suite(engine));
    }
  }
}

/** A fresh PostgreSQL database cloned from the migrated template (or empty); `drop` removes it. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject('pgTemplate');
  if (!template) throw new Error(`PostgreSQL is not available: ${inject('pgSkipReason')}`);
  const adminUrl = inject('pgAdminUrl');
  const name = `roster_t_${template.split('_').pop()}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${options.empty ? 'template0' : template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
