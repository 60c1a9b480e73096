import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from './index.ts';

describe('migration 014 on SQLite', () => {
  it('positions the events the sequencer had not reached, in seq order, after those it had', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    const upTo = migrations.findIndex((m) => m.name === '014-sqlite-position-at-insert');
    for (const m of migrations.slice(0, upTo)) await m.up(db, { engine: 'sqlite' });
    const append = (id: string) =>
      sql`insert into events (id, directory_id, type, schema_version, resource_type, resource_id, data, created_at) values (${id}, null, 'admin_key.created', 1, 'AdminKey', ${id}, '{}', '2026-12-07T00:00:00.000Z')`.execute(db);
    // Two events the sequencer positioned (1, 2), then three written after its last batch.
    for (const id of ['a', 'b']) await append(id);
    await sql`update events set position = seq`.execute(db);
    await sql`update event_sequencer set last_position = 2`.execute(db);
    for (const id of ['c', 'd', 'e']) await append(id);

    await migrations[upTo]!.up(db, { engine: 'sqlite' });
    const positions = (await sql<{ id: string; position: number }>`select id, position from events order by seq`.execute(db)).rows.map((r) => [r.id, r.position]);
    expect(positions).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]);
    expect((await sql<{ last_position: number }>`select last_position from event_sequencer`.execute(db)).rows[0]!.last_position).toBe(5);
    await db.destroy();
  });
});
