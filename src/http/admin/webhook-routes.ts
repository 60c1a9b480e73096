import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../domain/create-services.ts';
import { DomainError, type DomainErrorCode } from '../../domain/domain-error.ts';
import { EVENT_CATALOG } from '../../domain/events/domain-event.ts';
import { AdminInputError } from './admin-inputs.ts';

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

function parse<S extends z.ZodType>(schema: S, value: unknown, code: DomainErrorCode): z.infer<S> {
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new DomainError('request.invalid', 'the request body must be a JSON object');
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AdminInputError(code, issue.path.map(String).join('.') || 'body', issue.message);
}

type WithId = FastifyRequest<{ Params: { id: string; deliveryId: string }; Body: unknown; Querystring: Record<string, string> }>;

/** The event feed (`/events`) and webhook endpoints (`/webhooks`), inside the admin API's auth. */
export function registerFeedAndWebhookRoutes(api: FastifyInstance, deps: FeedAndWebhookDeps): void {
  api.get('/events', async (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    const q = parse(feedQuery, request.query, 'event.invalid');
    const types = q.types?.split(',').map((t) => t.trim()).filter(Boolean);
    return deps.events.page({ after: q.after, limit: q.limit, types, directoryId: q.directory });
  });

  api.get('/webhooks', async () => ({ webhooks: await deps.webhooks.list() }));
  api.post('/webhooks', async (request: WithId, reply) => {
    const { webhook, secret } = await deps.webhooks.create(parse(createWebhook, request.body, 'webhook.invalid'));
    return reply.code(201).send({ ...webhook, secret });
  });
  api.get('/webhooks/:id', async (request: WithId) => deps.webhooks.get(request.params.id));
  api.patch('/webhooks/:id', async (request: WithId) => {
    const { webhook, secret } = await deps.webhooks.update(request.params.id, parse(updateWebhook, request.body, 'webhook.invalid'));
    return { ...webhook, ...(secret === undefined ? {} : { secret }) };
  });
  api.delete('/webhooks/:id', async (request: WithId, reply) => {
    await deps.webhooks.remove(request.params.id);
    return reply.code(204).send();
  });
  api.get('/webhooks/:id/deliveries', async (request: WithId) => ({ deliveries: await deps.deliveries.list(request.params.id, parse(listDeliveries, request.query, 'webhook.invalid')) }));
  api.post('/webhooks/:id/redeliver', async (request: WithId) => deps.deliveries.redeliver(request.params.id));
  api.post('/webhooks/:id/deliveries/:deliveryId/redeliver', async (request: WithId) => deps.deliveries.redeliver(request.params.id, request.params.deliveryId));
}
