import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createTestDatabase, type EngineName } from '../../test/helpers/engines.ts';
import { attr } from '../scim/schemas/attribute-def.ts';
import { userResourceType, type ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import type { SqlJsonHooks } from './compile-filter.ts';
import type { Database } from './database.ts';
import { migrateToLatest } from './migrations/index.ts';
import { postgresTypes } from './postgres/create-postgres-store.ts';
import { postgresJsonHooks } from './postgres/postgres-json-hooks.ts';
import { openSqlite, SCIM_LOWER } from './sqlite/open-sqlite.ts';
import { createSqliteJsonHooks } from './sqlite/sqlite-json-hooks.ts';

/**
 * The directory every filter fixture's `ids` refer to (src/scim/filter/parse-filter.cases.json),
 * seeded the same way on every engine so the same filters give the same ids.
 */
export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CUSTOM = 'urn:example:params:scim:schemas:extension:custom:1.0:User';

/** A directory's own extension with typed attributes the core schemas lack (integer, caseExact). */
export const customUserType: ResourceTypeDef = {
  ...userResourceType,
  extensions: [
    ...userResourceType.extensions,
    {
      required: false,
      schema: {
        id: CUSTOM, name: 'Custom', description: '',
        attributes: [
          attr('level', 'integer'),
          attr('badges', 'complex', { multiValued: true, subAttributes: [attr('code', 'string', { caseExact: true }), attr('rank', 'integer')] }),
        ],
      },
    },
  ],
};

interface SeedUser {
  id: string;
  active: boolean | null;
  version?: number;
  created: string;
  updated: string;
  resource: Record<string, unknown>;
}

/** The directory every fixture's `ids` refer to (src/scim/filter/parse-filter.cases.json). */
const users: SeedUser[] = [
  { id: 'u1', active: true, version: 3, created: '2011-05-10T00:00:00.000Z', updated: '2011-05-13T04:42:34.000Z', resource: {
    schemas: [CORE, ENT], userName: 'bjensen', externalId: 'ext-1', displayName: 'Babs Jensen', title: 'Tour Guide', userType: 'Employee',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }],
    ims: [{ value: 'babs@foo.com', type: 'xmpp' }],
    [ENT]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'u2' } },
    [CUSTOM]: { level: 3, badges: [{ code: 'AbC', rank: 2 }] },
  } },
  { id: 'u2', active: true, created: '2011-05-10T00:00:00.000Z', updated: '2011-05-14T09:00:00.000Z', resource: {
    schemas: [CORE], userName: 'JSmith', externalId: 'EXT-2', displayName: 'John Smith', userType: 'Intern',
    name: { familyName: "O'Malley" }, emails: [{ value: 'john@example.org', type: 'work' }],
    [CUSTOM]: { level: 10 },
  } },
  { id: 'u3', active: false, created: '2011-05-11T12:00:00.000Z', updated: '2011-05-12T00:00:00.000Z', resource: {
    schemas: [CORE], userName: 'jdoe_test', externalId: '00aa-bb', displayName: '100% Jane', userType: 'Employee', title: '', name: {},
    // Stored as Entra sent it: a quoted boolean.
    emails: [{ value: 'jane@example.com', type: 'home', primary: 'True' }], roles: [{ value: 'admin', primary: true }],
  } },
  { id: 'u4', active: true, created: '2024-01-01T00:00:00.000Z', updated: '2024-01-01T00:00:00.000Z', resource: {
    schemas: [CORE], userName: 'test.user@okta.local', name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }], displayName: 'Test User', locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7', title: 'Engineer', groups: [],
  } },
  { id: 'u5', active: null, created: '2026-11-22T09:00:00.000Z', updated: '2026-11-22T09:00:00.000Z', resource: {
    schemas: [CORE, ENT], externalId: 'jyoung', userName: 'Test_User_00aa',
    emails: [{ primary: true, type: 'work', value: 'Test_User_11bb@testuser.com' }],
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' }, roles: [], [ENT]: { employeeNumber: '7' },
  } },
  { id: 'u6', active: true, created: '2011-05-01T00:00:00.000Z', updated: '2011-05-01T00:00:00.000Z', resource: {
    schemas: [CORE], userName: 'jdoeXtest', displayName: '1000 Club', emails: [{ value: 'x@example.net' }],
  } },
  { id: 'u7', active: true, created: '2020-06-01T00:00:00.000Z', updated: '2020-06-01T00:00:00.000Z', resource: {
    schemas: [CORE], userName: 'Ölaf', externalId: 'ext-7', displayName: 'Ölaf Ørsted', ims: [{ value: 'olaf@foo.com', type: 'xmpp' }],
  } },
  { id: 'u8', active: true, created: '2011-05-13T00:00:00.000Z', updated: '2011-05-13T04:42:33.999Z', resource: {
    schemas: [CORE, ENT], userName: 'nomail', emails: [], phoneNumbers: [{ value: '+1-555-0100', type: 'work' }], [ENT]: { costCenter: '4130' },
  } },
];

const groups = [
  { id: 'g1', displayName: 'Tour Guides', externalId: '8aa1a0c0' },
  { id: 'g2', displayName: 'Test SCIMv2', externalId: null },
  { id: 'g3', displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' },
  { id: 'g4', displayName: 'Admins_%', externalId: null },
  { id: 'g5', displayName: 'AdminsX', externalId: null },
];

const memberships = [
  { group_id: 'g1', member_id: 'u1', member_type: 'User', display: 'Babs Jensen' },
  { group_id: 'g1', member_id: 'u3', member_type: 'User', display: null },
  { group_id: 'g2', member_id: 'u4', member_type: 'User', display: 'test.user@okta.local' },
  { group_id: 'g4', member_id: 'u1', member_type: 'User', display: null },
  { group_id: 'g4', member_id: 'g2', member_type: 'Group', display: 'Test SCIMv2' },
] as const;

export async function seedFilterFixtures(db: Kysely<Database>): Promise<void> {
  const now = '2026-01-01T00:00:00.000Z';
  await db.insertInto('directories').values([
    { id: 'd1', name: 'Okta', idp: 'okta', status: 'active', created_at: now, updated_at: now },
    { id: 'd2', name: 'Other', idp: 'entra', status: 'active', created_at: now, updated_at: now },
  ]).execute();
  await db.insertInto('users').values(users.map((u) => {
    const userName = u.resource.userName as string;
    const displayName = (u.resource.displayName as string | undefined) ?? null;
    return {
      id: u.id, directory_id: 'd1', user_name: userName, user_name_lower: userName.toLowerCase(),
      external_id: (u.resource.externalId as string | undefined) ?? null, display_name: displayName,
      active: u.active === null ? null : u.active ? 1 : 0, resource: JSON.stringify(u.resource),
      version: u.version ?? 1, created_at: u.created, updated_at: u.updated,
    };
  })).execute();
  // Same userName in another directory: the caller's directory scope keeps it out of every result.
  await db.insertInto('users').values({
    id: 'other', directory_id: 'd2', user_name: 'bjensen', user_name_lower: 'bjensen', external_id: 'jyoung', display_name: null,
    active: 1, resource: JSON.stringify({ userName: 'bjensen' }), version: 1, created_at: now, updated_at: now,
  }).execute();
  await db.insertInto('groups').values(groups.map((g) => ({
    id: g.id, directory_id: 'd1', display_name: g.displayName, display_name_lower: g.displayName.toLowerCase(), external_id: g.externalId,
    resource: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: g.displayName }),
    member_count: memberships.filter((m) => m.group_id === g.id).length, version: 1, created_at: now, updated_at: now,
  }))).execute();
  await db.insertInto('group_members').values(memberships.map((m) => ({ ...m, directory_id: 'd1' }))).execute();
}

/** A seeded fixture directory on one engine, with the JSON hooks that engine's store uses. */
export interface FixtureDatabase {
  readonly engine: EngineName;
  readonly db: Kysely<Database>;
  readonly hooks: SqlJsonHooks;
  close(): Promise<void>;
}

/**
 * Opens the engine the way its store does (SQLite: openSqlite's pragmas and Unicode `scim_lower`;
 * PostgreSQL: a fresh database cloned from the migrated template, the store's type parsers) and
 * seeds the fixture directory. JSON goes in as text on both; PostgreSQL casts it to `json`.
 */
export async function openFixtureDatabase(engine: EngineName): Promise<FixtureDatabase> {
  if (engine === 'sqlite') {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(':memory:', { synchronous: 'normal' }) }) });
    await migrateToLatest(db, 'sqlite');
    await seedFilterFixtures(db);
    return { engine, db, hooks: createSqliteJsonHooks({ lowerFunction: SCIM_LOWER }), close: () => db.destroy() };
  }
  const created = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: created.url, max: 2, types: postgresTypes });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await seedFilterFixtures(db);
  return {
    engine, db, hooks: postgresJsonHooks,
    async close() {
      await db.destroy();
      await created.drop();
    },
  };
}
