import { sql, type Compilable } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, type EngineName } from '../../test/helpers/engines.ts';
import { parseAttrPath, parseScimFilter } from '../scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import { ENT, openFixtureDatabase, type FixtureDatabase } from './compile-filter.fixtures.ts';
import { compileFilter, compileSortKey } from './compile-filter.ts';

interface ExpectedSql {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** The SQL each engine's hooks compile a query to (as kysely's own tests assert it, per dialect). */
function testSql(query: Compilable, engine: EngineName, expected: Readonly<Record<EngineName, ExpectedSql>>): void {
  const { sql: text, parameters } = query.compile();
  expect({ sql: text, parameters }).toEqual(expected[engine]);
}

/** `where` clauses below are the part after this prefix. */
const prefix = (table: string) => `select "id" from "${table}" where `;

/** SQLite reads with json_extract/json_each and the Unicode `scim_lower`; PostgreSQL with #>/#>> and ICU lower(). */
const sqliteLower = (expr: string) => `scim_lower(${expr})`;
const pgLower = (expr: string) => `(lower((${expr}) collate "und-x-icu") collate "C")`;
const pgElements = (first: number) =>
  `json_array_elements(case when json_typeof(("users"."resource" #> $${first}::text[])) = 'array' then ("users"."resource" #> $${first + 1}::text[]) else '[]'::json end) with ordinality as "scim_el"(value, ord)`;
const sqliteElements = `json_each("users"."resource", ?) as "scim_el" where typeof("scim_el"."key") = 'integer'`;
const sqliteMember = (key = '?') => `(case when "scim_el"."type" = 'object' then json_extract("scim_el"."value", ${key}) end)`;
const pgMember = (n: number) => `(case when json_typeof("scim_el"."value") = 'object' then "scim_el"."value" ->> $${n} end)`;
const booleanOf = (text: string) => `(case lower(${text}) when 'true' then 1 when '1' then 1 when 'false' then 0 when '0' then 0 end)`;

describeEachEngine('compileFilter: SQL text', (engine) => {
  let fixture: FixtureDatabase;
  beforeAll(async () => {
    fixture = await openFixtureDatabase(engine);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** Asserts the WHERE clause `filter` compiles to on this engine, then runs it in directory d1. */
  async function testFilter(filter: string, type: ResourceTypeDef, expected: Readonly<Record<EngineName, ExpectedSql>>): Promise<string[]> {
    const table = type.name === 'Group' ? 'groups' : 'users';
    const where = compileFilter(parseScimFilter(filter), { type, hooks: fixture.hooks });
    const query = fixture.db.selectFrom(table as 'users').select('id').where(where);
    testSql(query, engine, {
      sqlite: { ...expected.sqlite, sql: prefix(table) + expected.sqlite.sql },
      postgres: { ...expected.postgres, sql: prefix(table) + expected.postgres.sql },
    });
    const rows = await query.where('directory_id', '=', 'd1').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  it('compares userName through the lowercased, indexed column', async () => {
    expect(await testFilter('userName eq "BJensen"', userResourceType, {
      sqlite: { sql: '"users"."user_name_lower" = ?', parameters: ['bjensen'] },
      postgres: { sql: '"users"."user_name_lower" = $1', parameters: ['bjensen'] },
    })).toEqual(['u1']);
  });

  it('compares externalId exactly and keeps NULL out of the result', async () => {
    expect(await testFilter('externalId eq jyoung', userResourceType, {
      sqlite: { sql: '("users"."external_id" is not null and "users"."external_id" = ?)', parameters: ['jyoung'] },
      postgres: { sql: '("users"."external_id" is not null and "users"."external_id" = $1)', parameters: ['jyoung'] },
    })).toEqual(['u5']);
  });

  it('escapes %, _ and the escape character in co', async () => {
    expect(await testFilter('displayName co "50%_off\\\\"', userResourceType, {
      sqlite: {
        sql: `("users"."display_name" is not null and ${sqliteLower('"users"."display_name"')} like ? escape '\\')`, parameters: ['%50\\%\\_off\\\\%'],
      },
      postgres: {
        sql: `("users"."display_name" is not null and ${pgLower('"users"."display_name"')} like $1 escape '\\')`, parameters: ['%50\\%\\_off\\\\%'],
      },
    })).toEqual([]);
  });

  it('matches caseExact substrings with GLOB on SQLite and LIKE on PostgreSQL', async () => {
    expect(await testFilter('externalId sw "EXT"', userResourceType, {
      sqlite: { sql: '("users"."external_id" is not null and "users"."external_id" glob ?)', parameters: ['EXT*'] },
      postgres: { sql: `("users"."external_id" is not null and ("users"."external_id" like $1 escape '\\'))`, parameters: ['EXT%'] },
    })).toEqual(['u2']);
  });

  it('normalises dateTimes and maps meta.lastModified to updated_at', async () => {
    expect(await testFilter('meta.lastModified gt "2011-05-13T04:42:34Z"', userResourceType, {
      sqlite: { sql: '"users"."updated_at" > ?', parameters: ['2011-05-13T04:42:34.000Z'] },
      postgres: { sql: '"users"."updated_at" > $1', parameters: ['2011-05-13T04:42:34.000Z'] },
    })).toEqual(['u2', 'u4', 'u5', 'u7']);
  });

  it('compares Entra\'s quoted boolean with the integer column', async () => {
    expect(await testFilter('active eq "False"', userResourceType, {
      sqlite: { sql: '("users"."active" is not null and "users"."active" = ?)', parameters: [0] },
      postgres: { sql: '("users"."active" is not null and "users"."active" = $1)', parameters: [0] },
    })).toEqual(['u3']);
  });

  it('reads extension attributes under their URN key, as a bound path', async () => {
    expect(await testFilter(`${ENT}:employeeNumber eq "7"`, userResourceType, {
      sqlite: { sql: `coalesce(${sqliteLower('json_extract("users"."resource", ?)')} = ?, 1 = 0)`, parameters: [`$."${ENT}"."employeeNumber"`, '7'] },
      postgres: { sql: `coalesce(${pgLower('("users"."resource" #>> $1::text[])')} = $2, 1 = 0)`, parameters: [[ENT, 'employeeNumber'], '7'] },
    })).toEqual(['u5']);
  });

  it('reads a complex attribute as its JSON text, so an empty object is not present', async () => {
    expect(await testFilter('name pr', userResourceType, {
      sqlite: { sql: `coalesce(json_extract("users"."resource", ?) not in ('', '{}', '[]'), 1 = 0)`, parameters: ['$."name"'] },
      postgres: { sql: `coalesce(("users"."resource" #>> $1::text[]) not in ('', '{}', '[]'), 1 = 0)`, parameters: [['name']] },
    })).toEqual(['u1', 'u2', 'u4', 'u5']);
  });

  it('compiles a value filter to EXISTS over the JSON array', async () => {
    expect(await testFilter('emails[type eq "work" and value co "@example.com"]', userResourceType, {
      sqlite: {
        sql: `exists (select 1 from ${sqliteElements} and ((coalesce(${sqliteLower(sqliteMember())} = ?, 1 = 0) and coalesce(${sqliteLower(sqliteMember())} like ? escape '\\', 1 = 0))))`,
        parameters: ['$."emails"', '$."type"', 'work', '$."value"', '%@example.com%'],
      },
      postgres: {
        sql: `exists (select 1 from ${pgElements(1)} where (coalesce(${pgLower(pgMember(3))} = $4, 1 = 0) and coalesce(${pgLower(pgMember(5))} like $6 escape '\\', 1 = 0)))`,
        parameters: [['emails'], ['emails'], 'type', 'work', 'value', '%@example.com%'],
      },
    })).toEqual(['u1']);
  });

  it('reads JSON booleans and Entra\'s stored "True" alike, as 1/0', async () => {
    expect(await testFilter('emails[primary eq "True"]', userResourceType, {
      sqlite: {
        sql: `exists (select 1 from ${sqliteElements} and (coalesce(${booleanOf(sqliteMember())} = ?, 1 = 0)))`,
        parameters: ['$."emails"', '$."primary"', 1],
      },
      postgres: {
        sql: `exists (select 1 from ${pgElements(1)} where coalesce(${booleanOf(pgMember(3))} = $4, 1 = 0))`,
        parameters: [['emails'], ['emails'], 'primary', 1],
      },
    })).toEqual(['u1', 'u3', 'u4', 'u5']);
  });

  it('compiles not, flattened or-lists and membership EXISTS', async () => {
    const body = (p: (n: number) => string) =>
      `(not (coalesce("groups"."external_id" not in (''), 1 = 0)) or exists (select 1 from "group_members" as scim_gm where "scim_gm"."group_id" = "groups"."id" and ("scim_gm"."member_id" = ${p(1)})) or "groups"."display_name_lower" like ${p(2)} escape '\\')`;
    expect(await testFilter('not (externalId pr) or members eq "u1" or displayName sw "A_"', groupResourceType, {
      sqlite: { sql: body(() => '?'), parameters: ['u1', 'a\\_%'] },
      postgres: { sql: body((n) => `$${n}`), parameters: ['u1', 'a\\_%'] },
    })).toEqual(['g1', 'g2', 'g4', 'g5']);
  });

  it('accepts both the ETag and the bare form of meta.version', async () => {
    expect(await testFilter('meta.version eq "W/\\"3\\""', userResourceType, {
      sqlite: { sql: '"users"."version" = ?', parameters: [3] },
      postgres: { sql: '"users"."version" = $1', parameters: [3] },
    })).toEqual(['u1']);
    expect(await testFilter('meta.version ge 2', userResourceType, {
      sqlite: { sql: '"users"."version" >= ?', parameters: [2] },
      postgres: { sql: '"users"."version" >= $1', parameters: [2] },
    })).toEqual(['u1']);
  });

  it('sorts a JSON sub-attribute lowercased, missing values placed explicitly', () => {
    const key = compileSortKey(userResourceType, parseAttrPath('name.familyName'), { hooks: fixture.hooks });
    // The ORDER BY list-queries.ts writes for an ascending sort (see the NULL placement note there).
    const query = fixture.db.selectFrom('users').select('id').orderBy(sql`${key}`, (ob) => ob.asc().nullsLast());
    testSql(query, engine, {
      sqlite: { sql: `select "id" from "users" order by ${sqliteLower('json_extract("users"."resource", ?)')} asc nulls last`, parameters: ['$."name"."familyName"'] },
      postgres: { sql: `select "id" from "users" order by ${pgLower('("users"."resource" #>> $1::text[])')} asc nulls last`, parameters: [['name', 'familyName']] },
    });
  });
});
