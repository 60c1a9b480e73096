import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Expression, type SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cases from '../scim/filter/parse-filter.cases.json' with { type: 'json' };
import { parseAttrPath, parseScimFilter } from '../scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import { compileFilter, compileSortKey, type SqlJsonHooks } from './compile-filter.ts';
import { createSqliteJsonHooks, sqliteJsonHooks } from './sqlite/sqlite-json-hooks.ts';
import type { Database } from './database.ts';
import { up } from './migrations/001-initial.ts';
import { CUSTOM, customUserType, ENT, seedFilterFixtures } from './compile-filter.fixtures.ts';
import { errorOf } from '../../test/helpers/error-of.ts';

let dir: string;
let raw: SqliteDatabase.Database;
let db: Kysely<Database>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-compile-filter-'));
  raw = new SqliteDatabase(join(dir, 'test.db'));
  // What a connection would register to get Unicode case folding (see SqliteJsonHooksOptions.lowerFunction).
  raw.function('scim_lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s) as string);
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  await up(db, { engine: 'sqlite' });
  await seedFilterFixtures(db);
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function typeOf(name: string): ResourceTypeDef {
  return name === 'Group' ? groupResourceType : userResourceType;
}

async function selectIds(type: ResourceTypeDef, filter: string, hooks: SqlJsonHooks = sqliteJsonHooks): Promise<string[]> {
  const where = compileFilter(parseScimFilter(filter), { type, hooks });
  const table = type.name === 'Group' ? 'groups' : 'users';
  const rows = await db.selectFrom(table as 'users').select('id').where('directory_id', '=', 'd1').where(where).orderBy('id').execute();
  return rows.map((r) => r.id);
}

function compiled(filter: string, type: ResourceTypeDef = userResourceType) {
  const where: Expression<SqlBool> = compileFilter(parseScimFilter(filter), { type, hooks: sqliteJsonHooks });
  const query = db.selectFrom(type.name === 'Group' ? 'groups' : 'users').select('id').where(where).compile();
  return { sql: query.sql.replace(/^select "id" from "(users|groups)" where /, ''), parameters: query.parameters };
}


describe('compileFilter: SQL text', () => {
  it('compares userName through the lowercased, indexed column', () => {
    expect(compiled('userName eq "BJensen"')).toEqual({ sql: '"users"."user_name_lower" = ?', parameters: ['bjensen'] });
  });

  it('compares externalId exactly and keeps NULL out of the result', () => {
    expect(compiled('externalId eq jyoung')).toEqual({
      sql: '("users"."external_id" is not null and "users"."external_id" = ?)', parameters: ['jyoung'],
    });
  });

  it('escapes %, _ and the escape character in co', () => {
    expect(compiled('displayName co "50%_off\\\\"')).toEqual({
      sql: `("users"."display_name" is not null and lower("users"."display_name") like ? escape '\\')`, parameters: ['%50\\%\\_off\\\\%'],
    });
  });

  it('normalises dateTimes and maps meta.lastModified to updated_at', () => {
    expect(compiled('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual({
      sql: '"users"."updated_at" > ?', parameters: ['2011-05-13T04:42:34.000Z'],
    });
  });

  it('reads extension attributes under their URN key, as a bound path', () => {
    expect(compiled(`${ENT}:employeeNumber eq "7"`)).toEqual({
      sql: 'coalesce(lower(json_extract("users"."resource", ?)) = ?, 1 = 0)', parameters: [`$."${ENT}"."employeeNumber"`, '7'],
    });
  });

  it('compiles a value filter to EXISTS over the JSON array', () => {
    const element = (key: string) => `(case when "scim_el"."type" = 'object' then json_extract("scim_el"."value", ?) end)`;
    expect(compiled('emails[type eq "work" and value co "@example.com"]')).toEqual({
      sql: `exists (select 1 from json_each("users"."resource", ?) as "scim_el" where typeof("scim_el"."key") = 'integer' and ((coalesce(lower(${element('type')}) = ?, 1 = 0) and coalesce(lower(${element('value')}) like ? escape '\\', 1 = 0))))`,
      parameters: ['$."emails"', '$."type"', 'work', '$."value"', '%@example.com%'],
    });
  });

  it('compiles not, flattened or-lists and membership EXISTS', () => {
    expect(compiled('not (externalId pr) or members eq "u1" or displayName sw "A_"', groupResourceType)).toEqual({
      sql: '(not (coalesce("groups"."external_id" not in (\'\'), 1 = 0)) or exists (select 1 from "group_members" as scim_gm where "scim_gm"."group_id" = "groups"."id" and ("scim_gm"."member_id" = ?)) or "groups"."display_name_lower" like ? escape \'\\\')',
      parameters: ['u1', 'a\\_%'],
    });
  });

  it('accepts both the ETag and the bare form of meta.version', () => {
    expect(compiled('meta.version eq "W/\\"12\\""')).toEqual({ sql: '"users"."version" = ?', parameters: [12] });
    expect(compiled('meta.version ge 12')).toEqual({ sql: '"users"."version" >= ?', parameters: [12] });
  });
});

describe('compileFilter: every fixture filter against SQLite', () => {
  const rows = cases.filters.map((c) => [`${c.type}: ${c.filter}`, c] as const);
  it.each(rows)('%s', async (_, c) => {
    const type = typeOf(c.type);
    if ('error' in c && c.error) {
      const [scimType, detail] = [c.error.slice(0, c.error.indexOf(':')), c.error.slice(c.error.indexOf(':') + 1)];
      const error = errorOf(() => compileFilter(parseScimFilter(c.filter), { type, hooks: sqliteJsonHooks }));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe(scimType);
      expect(error.message).toContain(detail);
      return;
    }
    expect(await selectIds(type, c.filter)).toEqual(c.ids);
  });
});

describe('compileFilter: typed extension attributes', () => {
  it('compares integers numerically', async () => {
    expect(await selectIds(customUserType, `${CUSTOM}:level gt 5`)).toEqual(['u2']);
    expect(await selectIds(customUserType, `${CUSTOM}:level le 3`)).toEqual(['u1']);
    expect(await selectIds(customUserType, `${CUSTOM}:level pr`)).toEqual(['u1', 'u2']);
  });

  it('rejects a string for an integer attribute', () => {
    const error = errorOf(() => compileFilter(parseScimFilter(`${CUSTOM}:level eq "3"`), { type: customUserType, hooks: sqliteJsonHooks }));
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

  it('treats GLOB metacharacters in caseExact values literally', async () => {
    expect(await selectIds(userResourceType, 'externalId co "*"')).toEqual([]);
    expect(await selectIds(userResourceType, 'externalId sw "00[a]"')).toEqual([]);
    expect(await selectIds(userResourceType, 'externalId sw "00?a"')).toEqual([]);
  });
});

describe('createSqliteJsonHooks', () => {
  it('uses a registered Unicode lower function when named', async () => {
    expect(await selectIds(userResourceType, 'displayName eq "ölaf ørsted"')).toEqual([]);
    expect(await selectIds(userResourceType, 'displayName eq "ölaf ørsted"', createSqliteJsonHooks({ lowerFunction: 'scim_lower' }))).toEqual(['u7']);
  });

  it('validates its options when built', () => {
    expect(() => createSqliteJsonHooks({ lowerFunction: 'lower); drop table users; --' })).toThrow('Invalid SQL function name');
  });

  it('checks the table matches the resource type', () => {
    expect(() => compileFilter(parseScimFilter('title pr'), { type: userResourceType, hooks: sqliteJsonHooks, table: 'groups' })).toThrow(/not 'groups'/);
  });
});

describe('compileSortKey', () => {
  async function sorted(type: ResourceTypeDef, sortBy: string, descending = false): Promise<string[]> {
    const key = compileSortKey(type, parseAttrPath(sortBy), { hooks: sqliteJsonHooks });
    const table = type.name === 'Group' ? 'groups' : 'users';
    const rows = await db.selectFrom(table as 'users').select('id').where('directory_id', '=', 'd1')
      .orderBy(sql`${key} is null`).orderBy(sql`${key}`, descending ? 'desc' : 'asc').orderBy('seq').execute();
    return rows.map((r) => r.id);
  }

  it('sorts userName case-insensitively through the lowercased column', async () => {
    expect(await sorted(userResourceType, 'userName')).toEqual(['u1', 'u3', 'u6', 'u2', 'u8', 'u4', 'u5', 'u7']);
    expect(await sorted(userResourceType, 'userName', true)).toEqual(['u7', 'u5', 'u4', 'u8', 'u2', 'u6', 'u3', 'u1']);
  });

  it('sorts by timestamps and JSON sub-attributes, missing values last', async () => {
    expect(await sorted(userResourceType, 'meta.lastModified')).toEqual(['u6', 'u3', 'u8', 'u1', 'u2', 'u7', 'u4', 'u5']);
    expect(await sorted(userResourceType, 'name.familyName')).toEqual(['u5', 'u1', 'u2', 'u4', 'u3', 'u6', 'u7', 'u8']);
  });

  it('sorts a multi-valued attribute by its primary value, else its first', async () => {
    expect(await sorted(userResourceType, 'emails')).toEqual(['u1', 'u3', 'u2', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(await sorted(userResourceType, 'emails.type')).toEqual(['u3', 'u1', 'u2', 'u4', 'u5', 'u6', 'u7', 'u8']);
  });

  it('sorts groups by displayName and by first member', async () => {
    expect(await sorted(groupResourceType, 'displayName')).toEqual(['g4', 'g5', 'g3', 'g2', 'g1']);
    expect(await sorted(groupResourceType, 'members.value')).toEqual(['g1', 'g4', 'g2', 'g3', 'g5']);
  });

  it('rejects unknown and unsortable attributes with invalidFilter', () => {
    for (const path of ['foo', 'name', 'password', 'groups.display']) {
      expect(errorOf(() => compileSortKey(userResourceType, parseAttrPath(path), { hooks: sqliteJsonHooks })).scimType).toBe('invalidFilter');
    }
  });
});
