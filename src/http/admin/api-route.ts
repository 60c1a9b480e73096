import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../../domain/domain-error.ts';
import type { AuditActor } from '../../domain/records.ts';
import { AdminInputError } from './admin-inputs.ts';
import { actorOf, type AdminAccess } from './authenticate-admin.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput<B, Q> {
  readonly params: Readonly<Record<string, string>>;
  readonly body: B;
  readonly query: Q;
  readonly actor: AuditActor;
  readonly request: FastifyRequest;
  /** For the few routes that set a header or a cookie (the console's session); absent on the command line. */
  readonly reply?: FastifyReply;
}

/**
 * One admin API route as data: its path, its input schemas and its handler. The same schemas
 * validate requests and make the OpenAPI document (src/http/openapi/), so the two cannot drift.
 */
export interface ApiRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  readonly method: HttpMethod;
  /** Relative to `/api/v1`, with Fastify's `:param` segments. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly body?: B;
  readonly query?: Q;
  /** The error code of a body or query that does not validate. */
  readonly invalid: DomainErrorCode;
  /** Who may call it (authenticate-admin.ts); absent: any admin reads, owners and admins write. */
  readonly access?: AdminAccess;
  /** The status of a success (200 unless said); 204 sends no body. */
  readonly status?: number;
  /** A short description of the response, for the OpenAPI document. */
  readonly returns: string;
  handle(input: RouteInput<z.infer<B>, z.infer<Q>>): Promise<unknown>;
}

/**
 * A response body the handler made as JSON text itself, sent as it is. The event feed's pages splice
 * each event's stored JSON into the page (domain/events/envelope-json.ts): parsing it to serialize it
 * again was a third of a page's cost.
 */
export class JsonBody {
  constructor(readonly text: string) {}
}

export function defineRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(route: ApiRoute<B, Q>): ApiRoute {
  return route as unknown as ApiRoute;
}

function parse(schema: z.ZodType | undefined, value: unknown, code: DomainErrorCode, where: 'body' | 'query'): unknown {
  if (!schema) return undefined;
  if (where === 'body' && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) throw new DomainError('request.invalid', 'the request body must be a JSON object');
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AdminInputError(code, issue.path.map(String).join('.') || where, issue.message);
}

/** A route's body and query, validated by its schemas (the command line validates its input with them too). */
export function parseRouteInput(route: ApiRoute, body: unknown, query: unknown): { body: unknown; query: unknown } {
  return { body: parse(route.body, body, route.invalid, 'body'), query: parse(route.query, query, route.invalid, 'query') };
}

/** Registers routes inside the admin API's plugin (its auth and error rendering apply). */
export function registerApiRoutes(api: FastifyInstance, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    api.route({
      method: route.method,
      url: route.path,
      ...(route.access ? { config: { access: route.access } } : {}),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const { body, query } = parseRouteInput(route, request.body, request.query);
        const result = await route.handle({ params: request.params as Record<string, string>, body, query, actor: actorOf(request), request, reply });
        const status = route.status ?? 200;
        if (status === 204) return reply.code(204).send();
        // The content type Fastify gives a serialized object, so the two kinds of answer look alike.
        if (result instanceof JsonBody) return reply.code(status).type('application/json; charset=utf-8').send(result.text);
        return reply.code(status).send(result);
      },
    });
  }
}
