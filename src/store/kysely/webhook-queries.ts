import type { WebhookRow } from '../database.ts';
import type { WebhookRecord } from '../records.ts';
import type { WebhookQueries } from '../store.ts';
import type { QueryContext } from './prepared.ts';

function toWebhook(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    secretEncrypted: row.secret_encrypted,
    eventTypes: row.event_types === null ? null : JSON.parse(row.event_types),
    directoryId: row.directory_id,
    description: row.description,
    enabled: Number(row.enabled) === 1,
    cursor: Number(row.cursor),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createWebhookQueries({ db }: QueryContext): WebhookQueries {
  return {
    async insert(r) {
      await db
        .insertInto('webhooks')
        .values({
          id: r.id,
          url: r.url,
          secret_encrypted: r.secretEncrypted,
          event_types: r.eventTypes === null ? null : JSON.stringify(r.eventTypes),
          directory_id: r.directoryId,
          description: r.description,
          enabled: r.enabled ? 1 : 0,
          cursor: r.cursor,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toWebhook(row);
    },
    async list() {
      return (await db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute()).map(toWebhook);
    },
    async update(id, c) {
      const set: Partial<WebhookRow> = {};
      if (c.url !== undefined) set.url = c.url;
      if (c.secretEncrypted !== undefined) set.secret_encrypted = c.secretEncrypted;
      if (c.eventTypes !== undefined) set.event_types = c.eventTypes === null ? null : JSON.stringify(c.eventTypes);
      if (c.directoryId !== undefined) set.directory_id = c.directoryId;
      if (c.description !== undefined) set.description = c.description;
      if (c.enabled !== undefined) set.enabled = c.enabled ? 1 : 0;
      if (c.updatedAt !== undefined) set.updated_at = c.updatedAt;
      if (Object.keys(set).length === 0) return (await this.get(id)) !== undefined;
      const r = await db.updateTable('webhooks').set(set).where('id', '=', id).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async delete(id) {
      // Its deliveries go with it (on delete cascade; SQLite enforces foreign keys per connection).
      await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      const r = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
    async takeLane(id, holder, now, until) {
      const row = await db
        .updateTable('webhooks')
        .set({ lane_holder: holder, lane_until: until })
        .where('id', '=', id)
        .where('enabled', '=', 1)
        .where((eb) => eb.or([eb('lane_holder', '=', holder), eb('lane_until', 'is', null), eb('lane_until', '<=', now)]))
        .returning('cursor')
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.cursor);
    },
    async moveLane(id, holder, from, to, until) {
      const r = await db.updateTable('webhooks').set({ cursor: to, lane_until: until }).where('id', '=', id).where('lane_holder', '=', holder).where('cursor', '=', from).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

  };
}
