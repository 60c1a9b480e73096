import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { EVENT_CATALOG } from '../../domain/events/domain-event.ts';
import { defineRoute, JsonBody, type ApiRoute } from './api-route.ts';

export type FeedAndWebhookDeps = Pick<Services, 'events' | 'webhooks' | 'deliveries'>;

const eventType = z.string().refine((t) => t in EVENT_CATALOG, { message: 'must be an event type of docs/events.md' });
const url = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), { message: 'must be an http:// or https:// URL' });
const fields = {
  url,
  secret: z.string().min(16, 'must be at least 16 characters').max(200, 'must be at most 200 characters'),
  eventTypes: z.array(eventType).min(1, 'must name at least one type (null: every type)').max(100).nullable(),
  directoryId: z.string().min(1).max(200).nullable(),
  description: z.string().max(500, 'must be at most 500 characters').nullable(),
  enabled: z.boolean(),
};
const createWebhook = z.object({ ...fields, secret: fields.secret.optional(), eventTypes: fields.eventTypes.optional(), directoryId: fields.directoryId.optional(), description: fields.description.optional(), enabled: fields.enabled.optional() });
const updateWebhook = z.object({ ...z.object(fields).partial().shape, rotateSecret: z.boolean().optional() });
const listDeliveries = z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() });
const feedQuery = z.object({
  after: z.string().max(100).optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
  types: z.string().max(5000).optional(),
  directory: z.string().max(200).optional(),
});

/** The event feed (`/events`) and webhook endpoints (`/webhooks`), as route data inside the admin API's auth. */
export function webhookRoutes(deps: FeedAndWebhookDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET', path: '/events', tag: 'Events', summary: 'The event feed in commit order, from a cursor (docs/events.md)', invalid: 'event.invalid', returns: '`events`, `nextCursor` and `hasMore`',
      query: feedQuery,
      handle: async ({ query }) => {
        const types = query.types?.split(',').map((t) => t.trim()).filter(Boolean);
        return new JsonBody(await deps.events.pageJson({ after: query.after, limit: query.limit, types, directoryId: query.directory }));
      },
    }),
    defineRoute({
      method: 'GET', path: '/webhooks', tag: 'Webhooks', summary: 'Webhook endpoints', invalid: 'webhook.invalid', returns: '`webhooks`',
      handle: async () => ({ webhooks: await deps.webhooks.list() }),
    }),
    defineRoute({
      method: 'POST', path: '/webhooks', tag: 'Webhooks', summary: 'Adds an endpoint; its signing secret is shown once', invalid: 'webhook.invalid', status: 201, returns: 'the webhook and its `secret`',
      body: createWebhook,
      handle: async ({ body }) => {
        const { webhook, secret } = await deps.webhooks.create(body);
        return { ...webhook, secret };
      },
    }),
    defineRoute({
      method: 'GET', path: '/webhooks/:id', tag: 'Webhooks', summary: 'One endpoint', invalid: 'webhook.invalid', returns: 'the webhook',
      handle: ({ params }) => deps.webhooks.get(params.id!),
    }),
    defineRoute({
      method: 'PATCH', path: '/webhooks/:id', tag: 'Webhooks', summary: 'Changes an endpoint; `rotateSecret` returns a new secret, shown once', invalid: 'webhook.invalid', returns: 'the webhook (and `secret` when rotated)',
      body: updateWebhook,
      handle: async ({ params, body }) => {
        const { webhook, secret } = await deps.webhooks.update(params.id!, body);
        return { ...webhook, ...(secret === undefined ? {} : { secret }) };
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/webhooks/:id', tag: 'Webhooks', summary: 'Deletes an endpoint', invalid: 'webhook.invalid', status: 204, returns: 'nothing',
      handle: ({ params }) => deps.webhooks.remove(params.id!),
    }),
    defineRoute({
      method: 'GET', path: '/webhooks/:id/deliveries', tag: 'Webhooks', summary: "An endpoint's deliveries, newest first", invalid: 'webhook.invalid', returns: '`deliveries`',
      query: listDeliveries,
      handle: async ({ params, query }) => ({ deliveries: await deps.deliveries.list(params.id!, query) }),
    }),
    defineRoute({
      method: 'POST', path: '/webhooks/:id/redeliver', tag: 'Webhooks', summary: "Queues the endpoint's dead-lettered deliveries again", invalid: 'webhook.invalid', returns: '`redelivered`',
      handle: ({ params }) => deps.deliveries.redeliver(params.id!),
    }),
    defineRoute({
      method: 'POST', path: '/webhooks/:id/deliveries/:deliveryId/redeliver', tag: 'Webhooks', summary: 'Queues one dead-lettered delivery again', invalid: 'webhook.invalid', returns: '`redelivered`',
      handle: ({ params }) => deps.deliveries.redeliver(params.id!, params.deliveryId!),
    }),
  ];
}
