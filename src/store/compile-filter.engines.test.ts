import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.ts';
import { errorOf } from '../../test/helpers/error-of.ts';
import cases from '../scim/filter/parse-filter.cases.json' with { type: 'json' };
import { parseAttrPath, parseScimFilter } from '../scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import { CUSTOM, customUserType, openFixtureDatabase, type FixtureDatabase } from './compile-filter.fixtures.ts';
import { compileFilter, compileSortKey, type SqlJsonHooks } from './compile-filter.ts';
import { createListQueries } from './kysely/list-queries.ts';
import { createStatementCache } from './kysely/prepared.ts';
import { createSqliteJsonHooks } from './sqlite/sqlite-json-hooks.ts';

/**
 * Every filter fixture (src/scim/filter/parse-filter.cases.json) and every sort, run on each engine
 * against the same seeded directory: the same filter must select the same ids, and the same sort
 * give the same order, on SQLite and on PostgreSQL. The compiled SQL is asserted in
 * compile-filter.sql.test.ts.
 */
describeEachEngine('compileFilter', (engine) => {
  let fixture: FixtureDatabase;
  beforeAll(async () => {
    fixture = await openFixtureDatabase(engine);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function selectIds(type: ResourceTypeDef, filter: string, hooks: SqlJsonHooks = fixture.hooks): Promise<string[]> {
    const where = compileFilter(parseScimFilter(filter), { type, hooks });
    const table = type.name === 'Group' ? 'groups' : 'users';
    const rows = await fixture.db.selectFrom(table as 'users').select('id').where('directory_id', '=', 'd1').where(where).orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  const rows = cases.filters.map((c) => [`${c.type}: ${c.filter}`, c] as const);
  it.each(rows)('%s', async (_, c) => {
    const type = c.type === 'Group' ? groupResourceType : userResourceType;
    if ('error' in c && c.error) {
      const [scimType, detail] = [c.error.slice(0, c.error.indexOf(':')), c.error.slice(c.error.indexOf(':') + 1)];
      const error = errorOf(() => compileFilter(parseScimFilter(c.filter), { type, hooks: fixture.hooks }));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe(scimType);
      expect(error.message).toContain(detail);
      return;
    }
    expect(await selectIds(type, c.filter)).toEqual(c.ids);
  });

  it('compares integers numerically', async () => {
    expect(await selectIds(customUserType, `${CUSTOM}:level gt 5`)).toEqual(['u2']);
    expect(await selectIds(customUserType, `${CUSTOM}:level le 3`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:level pr`)).toEqual(['u1', 'u2']);
  });

  it('rejects a string for an integer attribute', () => {
    const error = errorOf(() => compileFilter(parseScimFilter(`${CUSTOM}:level eq "3"`), { type: customUserType, hooks: fixture.hooks }));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toContain('is an integer');
  });

  it('keeps caseExact sub-attributes case-sensitive, co included', async () => {
    expect(await selectIds(customUserType, `${CUSTOM}:badges[code eq "AbC"]`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:badges[code eq "abc"]`)).toEqual([]);
    expect(await selectIds(customUserType, `${CUSTOM}:badges.code co "bC"`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:badges.code co "bc"`)).toEqual([]);
    expect(await selectIds(customUserType, `${CUSTOM}:badges[rank ge 2 and code sw "A"]`)).toEqual(['u1']);
  });

  it('treats GLOB and LIKE metacharacters in caseExact values literally', async () => {
    expect(await selectIds(userResourceType, 'externalId sw "00a"')).toEqual(['u3']);
    for (const filter of ['externalId co "*"', 'externalId sw "00[a]"', 'externalId sw "00?a"', 'externalId co "%"', 'externalId sw "00_a"']) {
      expect(await selectIds(userResourceType, filter), filter).toEqual([]);
    }
  });

  it('lowercases the way JavaScript lowercases the filter value', async () => {
    const text = 'ÖLAF ØRSTED İSTANBUL ΟΔΥΣΣΕΥΣ';
    const row = await sql<{ lowered: string }>`select ${fixture.hooks.lower(sql.val(text))} as lowered`.execute(fixture.db);
    expect(row.rows[0]?.lowered).toBe(text.toLowerCase());
    expect(await selectIds(userResourceType, 'displayName eq "ÖLAF ørsted"')).toEqual(['u7']);
    expect(await selectIds(userResourceType, 'displayName sw "öl"')).toEqual(['u7']);
  });

  it('checks the table matches the resource type', () => {
    expect(() => compileFilter(parseScimFilter('title pr'), { type: userResourceType, hooks: fixture.hooks, table: 'groups' })).toThrow(/not 'groups'/);
  });

  if (engine === 'sqlite') {
    it('folds ASCII only without a registered Unicode lower function', async () => {
      expect(await selectIds(userResourceType, 'displayName eq "ölaf ørsted"', createSqliteJsonHooks())).toEqual([]);
    });

    it('validates its options when built', () => {
      expect(() => createSqliteJsonHooks({ lowerFunction: 'lower); drop table users; --' })).toThrow('Invalid SQL function name');
    });
  }
});

/**
 * Sorting through the list query itself, so NULL placement is the one the API gives: RFC 7644
 * §3.4.2.3 puts resources without the value last when ascending and first when descending, on
 * both engines. Ties (and NULLs among themselves) follow `seq`, descending with the sort.
 */
describeEachEngine('compileSortKey', (engine) => {
  let fixture: FixtureDatabase;
  beforeAll(async () => {
    fixture = await openFixtureDatabase(engine);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const statements = createStatementCache();
  async function sorted(type: ResourceTypeDef, sortBy: string, descending = false): Promise<string[]> {
    const queries = createListQueries(fixture.db, fixture.hooks, (db, key, build, args) => statements(db, key, build, args));
    const options = { directoryId: 'd1', type, sortBy: parseAttrPath(sortBy), descending, offset: 0, limit: 100 };
    const rows = await queries.list(type.name === 'Group' ? 'groups' : 'users', options);
    return rows.map((r) => r.id);
  }

  it('sorts userName case-insensitively through the lowercased column', async () => {
    expect(await sorted(userResourceType, 'userName')).toEqual(['u1', 'u3', 'u6', 'u2', 'u8', 'u4', 'u5', 'u7']);
    expect(await sorted(userResourceType, 'userName', true)).toEqual(['u7', 'u5', 'u4', 'u8', 'u2', 'u6', 'u3', 'u1']);
  });

  it('sorts by timestamps and JSON sub-attributes, missing values last ascending and first descending', async () => {
    expect(await sorted(userResourceType, 'meta.lastModified')).toEqual(['u6', 'u3', 'u8', 'u1', 'u2', 'u7', 'u4', 'u5']);
    expect(await sorted(userResourceType, 'name.familyName')).toEqual(['u5', 'u1', 'u2', 'u4', 'u3', 'u6', 'u7', 'u8']);
    expect(await sorted(userResourceType, 'name.familyName', true)).toEqual(['u8', 'u7', 'u6', 'u3', 'u4', 'u2', 'u1', 'u5']);
  });

  it('places a missing boolean like any missing value', async () => {
    expect(await sorted(userResourceType, 'active')).toEqual(['u3', 'u1', 'u2', 'u4', 'u6', 'u7', 'u8', 'u5']);
    expect(await sorted(userResourceType, 'active', true)).toEqual(['u5', 'u8', 'u7', 'u6', 'u4', 'u2', 'u1', 'u3']);
  });

  it('sorts integers numerically, not as text', async () => {
    expect(await sorted(customUserType, `${CUSTOM}:level`)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(await sorted(customUserType, `${CUSTOM}:level`, true)).toEqual(['u8', 'u7', 'u6', 'u5', 'u4', 'u3', 'u2', 'u1']);
  });

  it('sorts a multi-valued attribute by its primary value, else its first', async () => {
    expect(await sorted(userResourceType, 'emails')).toEqual(['u1', 'u3', 'u2', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(await sorted(userResourceType, 'emails.type')).toEqual(['u3', 'u1', 'u2', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(await sorted(userResourceType, 'emails.type', true)).toEqual(['u8', 'u7', 'u6', 'u5', 'u4', 'u2', 'u1', 'u3']);
  });

  it('sorts groups by displayName and by first member', async () => {
    expect(await sorted(groupResourceType, 'displayName')).toEqual(['g4', 'g5', 'g3', 'g2', 'g1']);
    expect(await sorted(groupResourceType, 'members.value')).toEqual(['g1', 'g4', 'g2', 'g3', 'g5']);
    expect(await sorted(groupResourceType, 'members.value', true)).toEqual(['g5', 'g3', 'g2', 'g4', 'g1']);
  });

  it('keeps insertion order for an attribute every resource shares', async () => {
    expect(await sorted(userResourceType, 'meta.resourceType')).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
  });

  it('rejects unknown and unsortable attributes with invalidFilter', () => {
    for (const path of ['foo', 'name', 'password', 'groups.display']) {
      expect(errorOf(() => compileSortKey(userResourceType, parseAttrPath(path), { hooks: fixture.hooks })).scimType).toBe('invalidFilter');
    }
  });
});
