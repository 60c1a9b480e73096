import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.ts';
import type { Queries } from '../store.ts';
import { chunks } from './chunks.ts';
import { createListQueries, type EngineSql } from './list-queries.ts';
import { createResourceQueries } from './resource-queries.ts';

type Executor = Kysely<Database> | Transaction<Database>;


export interface QueryOptions {
  /**
   * Lock rows read for an update (`for update`). PostgreSQL needs it so writers on several nodes
   * queue on the row; SQLite's `begin immediate` already serialises writers.
   */
  readonly lockRows?: boolean;
}

/** Builds every query over one executor (the pool, or a transaction). */
export function createQueries(db: Executor, engine: EngineSql, options: QueryOptions = {}): Queries {
  const lists = createListQueries(db, engine);
  const lockRows = options.lockRows ?? false;
  const users = createResourceQueries(db, 'users', lockRows);
  const groups = createResourceQueries(db, 'groups', lockRows);
  return {
    directories: {
      async insert(row) {
        await db.insertInto('directories').values(row).execute();
      },
      get: (id) => db.selectFrom('directories').selectAll().where('id', '=', id).executeTakeFirst(),
      list: () => db.selectFrom('directories').selectAll().where('status', '!=', 'deleted').orderBy('created_at').orderBy('id').execute(),
      async update(id, patch) {
        const r = await db.updateTable('directories').set(patch).where('id', '=', id).executeTakeFirst();
        return r.numUpdatedRows > 0n;
      },
      async counts(id) {
        const [u, g] = await Promise.all([
          db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', id).executeTakeFirstOrThrow(),
          db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', id).executeTakeFirstOrThrow(),
        ]);
        return { users: Number(u.n), groups: Number(g.n) };
      },
      async purgeData(id) {
        await db.deleteFrom('group_members').where('directory_id', '=', id).execute();
        await db.deleteFrom('groups').where('directory_id', '=', id).execute();
        await db.deleteFrom('users').where('directory_id', '=', id).execute();
      },
    },
    tokens: {
      async insert(row) {
        await db.insertInto('tokens').values(row).execute();
      },
      findByHash: (hash) => db.selectFrom('tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst(),
      async findWithDirectory(hash) {
        const row = await db
          .selectFrom('tokens as t')
          .innerJoin('directories as d', 'd.id', 't.directory_id')
          .selectAll('t')
          .select([
            'd.name as d_name',
            'd.idp as d_idp',
            'd.status as d_status',
            'd.created_at as d_created_at',
            'd.updated_at as d_updated_at',
            'd.password_mode as d_password_mode',
            'd.ip_allowlist as d_ip_allowlist',
            'd.custom_attributes as d_custom_attributes',
          ])
          .where('t.token_hash', '=', hash)
          .executeTakeFirst();
        if (!row) return undefined;
        const { d_name, d_idp, d_status, d_created_at, d_updated_at, d_password_mode, d_ip_allowlist, d_custom_attributes, ...token } = row;
        return {
          token,
          directory: {
            id: token.directory_id,
            name: d_name,
            idp: d_idp,
            status: d_status,
            created_at: d_created_at,
            updated_at: d_updated_at,
            password_mode: d_password_mode,
            ip_allowlist: d_ip_allowlist,
            custom_attributes: d_custom_attributes,
          },
        };
      },
      get: (id) => db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst(),
      listForDirectory: (directoryId) =>
        db.selectFrom('tokens').selectAll().where('directory_id', '=', directoryId).orderBy('created_at').orderBy('id').execute(),
      async update(id, patch) {
        const r = await db.updateTable('tokens').set(patch).where('id', '=', id).executeTakeFirst();
        return r.numUpdatedRows > 0n;
      },
    },
    adminKeys: {
      async insert(row) {
        await db.insertInto('admin_keys').values(row).execute();
      },
      findByHash: (hash) => db.selectFrom('admin_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst(),
      list: () => db.selectFrom('admin_keys').selectAll().orderBy('created_at').execute(),
      async update(id, patch) {
        const r = await db.updateTable('admin_keys').set(patch).where('id', '=', id).executeTakeFirst();
        return r.numUpdatedRows > 0n;
      },
    },
    users: {
      ...users,
      delete: users.deleteRow,
      list: (options) => lists.listUsers(options),
      count: (options) => lists.countUsers(options),
    },
    groups: {
      ...groups,
      async delete(directoryId, id) {
        await db.deleteFrom('group_members').where('group_id', '=', id).execute();
        return groups.deleteRow(directoryId, id);
      },
      list: (options) => lists.listGroups(options),
      count: (options) => lists.countGroups(options),
      async touch(groupIds, countDelta, at) {
        for (const part of chunks(groupIds)) {
          await db
            .updateTable('groups')
            .set({
              member_count: sql`member_count + ${countDelta}`,
              version: sql`version + 1`,
              updated_at: at,
            })
            .where('id', 'in', part)
            .execute();
        }
      },
      async ofMembers(directoryId, memberIds) {
        const out = new Map<string, { id: string; displayName: string }[]>();
        for (const part of chunks(memberIds)) {
          const rows = await db
            .selectFrom('group_members as m')
            .innerJoin('groups as g', 'g.id', 'm.group_id')
            .select(['m.member_id', 'g.id', 'g.display_name'])
            .where('m.directory_id', '=', directoryId)
            .where('m.member_id', 'in', part)
            .orderBy('g.seq')
            .execute();
          for (const r of rows) {
            const list = out.get(r.member_id) ?? [];
            list.push({ id: r.id, displayName: r.display_name });
            out.set(r.member_id, list);
          }
        }
        return out;
      },
    },
    members: {
      async add(directoryId, groupId, members) {
        const added: string[] = [];
        for (const part of chunks(members)) {
          const rows = await db
            .insertInto('group_members')
            .values(part.map((m) => ({ group_id: groupId, member_id: m.memberId, directory_id: directoryId, member_type: m.memberType, display: m.display })))
            .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
            .returning('member_id')
            .execute();
          for (const r of rows) added.push(r.member_id);
        }
        return added;
      },
      async remove(groupId, memberIds) {
        const removed: string[] = [];
        for (const part of chunks(memberIds)) {
          const rows = await db
            .deleteFrom('group_members')
            .where('group_id', '=', groupId)
            .where('member_id', 'in', part)
            .returning('member_id')
            .execute();
          for (const r of rows) removed.push(r.member_id);
        }
        return removed;
      },
      async present(groupId, memberIds) {
        const found = new Set<string>();
        for (const part of chunks(memberIds)) {
          const rows = await db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).where('member_id', 'in', part).execute();
          for (const r of rows) found.add(r.member_id);
        }
        return found;
      },
      page: (groupId, afterSeq, limit) =>
        db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute(),
      async removeEverywhere(memberId) {
        const rows = await db.deleteFrom('group_members').where('member_id', '=', memberId).returning('group_id').execute();
        return rows.map((r) => r.group_id);
      },
    },
    passwords: {
      async set(directoryId, userId, hash, at) {
        await db
          .insertInto('user_passwords')
          .values({ user_id: userId, directory_id: directoryId, hash, updated_at: at })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: at }))
          .execute();
      },
      findByUserName: (directoryId, userNameLower) =>
        db
          .selectFrom('users as u')
          .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
          .select(['p.hash', 'u.active'])
          .where('u.directory_id', '=', directoryId)
          .where('u.user_name_lower', '=', userNameLower)
          .executeTakeFirst(),
    },
    events: {
      async append(e) {
        await db
          .insertInto('events')
          .values({
            directory_id: e.directoryId,
            type: e.type,
            resource_type: e.resourceType,
            resource_id: e.resourceId,
            data: JSON.stringify(e.data),
            created_at: e.at,
          })
          .execute();
      },
      list: (directoryId, afterSeq, limit) =>
        db
          .selectFrom('events')
          .select(['seq', 'type', 'resource_type', 'resource_id', 'data', 'created_at'])
          .where('directory_id', '=', directoryId)
          .where('seq', '>', afterSeq)
          .orderBy('seq')
          .limit(limit)
          .execute(),
    },
  };
}
