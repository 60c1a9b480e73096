import type { WebhookDeliveryRow } from '../database.ts';
import type { DeliveryRecord } from '../records.ts';
import type { DeliveryQueries } from '../store.ts';
import { chunks } from './chunks.ts';
import { toEvent } from './map-rows.ts';
import type { QueryContext } from './prepared.ts';

function toDelivery(row: WebhookDeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    position: Number(row.position),
    eventId: row.event_id,
    resourceKey: row.resource_key,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const DELIVERY_COLUMNS = ['id', 'webhook_id', 'position', 'event_id', 'resource_key', 'status', 'attempts', 'next_attempt_at', 'lease_until', 'last_status', 'last_error', 'created_at', 'updated_at'] as const;

export function createDeliveryQueries({ db, lockRows }: QueryContext): DeliveryQueries {
  return {
    async insertMany(deliveries) {
      for (const part of chunks(deliveries)) {
        await db
          .insertInto('webhook_deliveries')
          .values(
            part.map((d) => ({
              id: d.id,
              webhook_id: d.webhookId,
              position: d.position,
              event_id: d.eventId,
              resource_key: d.resourceKey,
              status: 'pending' as const,
              attempts: 0,
              next_attempt_at: d.nextAttemptAt,
              lease_until: null,
              last_status: null,
              last_error: null,
              created_at: d.createdAt,
              updated_at: d.createdAt,
            })),
          )
          .onConflict((oc) => oc.columns(['position', 'webhook_id']).doNothing())
          .execute();
      }
    },

    async claim(webhookId, now, limit, leaseUntil, at) {
      let q = db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('events as e', 'e.position', 'd.position')
        .select(DELIVERY_COLUMNS.map((c) => `d.${c}` as const))
        .select(['e.seq', 'e.id as e_id', 'e.type', 'e.schema_version', 'e.directory_id', 'e.resource_type', 'e.resource_id', 'e.data', 'e.changed', 'e.created_at as e_created_at'])
        .where('d.webhook_id', '=', webhookId)
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', now)]))
        // Per-resource order: never a delivery whose resource has an earlier one still pending
        // (due later, or in flight on some node).
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('webhook_deliveries as p')
                .select('p.id')
                .whereRef('p.webhook_id', '=', 'd.webhook_id')
                .whereRef('p.resource_key', '=', 'd.resource_key')
                .where('p.status', '=', 'pending')
                .whereRef('p.position', '<', 'd.position'),
            ),
          ),
        )
        .orderBy('d.position')
        .limit(limit);
      // Several nodes claim at once: rows another node is claiming are skipped, not waited for; its
      // lease (set below, committed with the claim) keeps them from everyone until it expires.
      if (lockRows) q = q.forUpdate(['d']).skipLocked();
      const rows = await q.execute();
      if (rows.length === 0) return [];
      for (const part of chunks(rows.map((r) => r.id))) {
        await db
          .updateTable('webhook_deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), lease_until: leaseUntil, updated_at: at }))
          .where('id', 'in', part)
          .execute();
      }
      return rows.map((r) => ({
        delivery: { ...toDelivery(r as WebhookDeliveryRow), attempts: r.attempts + 1, leaseUntil },
        event: {
          ...toEvent({ seq: r.seq, id: r.e_id, type: r.type, schema_version: r.schema_version, directory_id: r.directory_id, resource_type: r.resource_type, resource_id: r.resource_id, data: r.data, changed: r.changed, created_at: r.e_created_at, position: r.position }),
          position: Number(r.position),
        },
      }));
    },

    async complete(outcomes) {
      for (const o of outcomes) {
        await db
          .updateTable('webhook_deliveries')
          .set({ status: o.status, next_attempt_at: o.nextAttemptAt, lease_until: null, last_status: o.lastStatus, last_error: o.lastError, updated_at: o.at })
          .where('id', '=', o.id)
          .where('attempts', '=', o.attempts)
          .execute();
      }
    },

    async get(id) {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDelivery(row);
    },

    async list(webhookId, { status, beforePosition, limit }) {
      let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
      if (status !== undefined) q = q.where('status', '=', status);
      if (beforePosition !== undefined) q = q.where('position', '<', beforePosition);
      return (await q.orderBy('position', 'desc').limit(limit).execute()).map(toDelivery);
    },

    async redeliver(webhookId, deliveryId, now, at) {
      let q = db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, updated_at: at })
        .where('webhook_id', '=', webhookId)
        .where('status', '=', 'dead');
      if (deliveryId !== undefined) q = q.where('id', '=', deliveryId);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    async prune(before) {
      const r = await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'dead']).where('created_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
