import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../../test/helpers/engines.ts';
import cases from '../scim/filter/parse-filter.cases.json' with { type: 'json' };
import { parseAttrPath, parseScimFilter } from '../scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import { CUSTOM, customUserType, seedFilterFixtures } from './compile-filter.fixtures.ts';
import { compileFilter, compileSortKey } from './compile-filter.ts';
import type { Database } from './database.ts';
import { postgresTypes } from './postgres/create-postgres-store.ts';
import { postgresJsonHooks } from './postgres/postgres-json-hooks.ts';

/**
 * The filter fixtures run on SQLite in compile-filter.test.ts; here the same filters, over the same
 * seeded directory, must give the same ids on PostgreSQL (issue: filters behave exactly alike).
 */
const available = ENGINES.includes('postgres') && inject('pgTemplate') !== '';

describe.skipIf(!available)(`compileFilter on PostgreSQL${available ? '' : ` [skipped: ${inject('pgSkipReason')}]`}`, () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: created.url, max: 2, types: postgresTypes }) }) });
    await seedFilterFixtures(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  async function selectIds(type: ResourceTypeDef, filter: string): Promise<string[]> {
    const where = compileFilter(parseScimFilter(filter), { type, hooks: postgresJsonHooks });
    const table = type.name === 'Group' ? 'groups' : 'users';
    const rows = await db.selectFrom(table as 'users').select('id').where('directory_id', '=', 'd1').where(where).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  const rows = cases.filters.filter((c) => !('error' in c && c.error)).map((c) => [`${c.type}: ${c.filter}`, c] as const);
  it.each(rows)('%s', async (_, c) => {
    expect(await selectIds(c.type === 'Group' ? groupResourceType : userResourceType, c.filter)).toEqual(c.ids);
  });

  it('compares typed extension attributes numerically and case-exactly', async () => {
    expect(await selectIds(customUserType, `${CUSTOM}:level gt 5`)).toEqual(['u2']);
    expect(await selectIds(customUserType, `${CUSTOM}:level le 3`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:badges[code eq "AbC"]`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:badges[code eq "abc"]`)).toEqual([]);
  });

  it('sorts by a JSON sub-attribute and by userName like SQLite does', async () => {
    const order = async (path: string, descending = false) => {
      const key = compileSortKey(userResourceType, parseAttrPath(path), { hooks: postgresJsonHooks, table: 'users' });
      const rows = await db.selectFrom('users').select('id').where('directory_id', '=', 'd1').orderBy(key as never, descending ? 'desc' : 'asc').orderBy('seq').execute();
      return rows.map((r) => r.id);
    };
    const byName = await order('userName');
    expect(byName[0]).toBe('u1');
    expect(await order('userName', true)).toEqual([...byName].reverse());
    expect((await order('name.familyName')).slice(0, 2)).toEqual(['u5', 'u1']);
  });
});
