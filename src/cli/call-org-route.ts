import type { FastifyRequest } from 'fastify';
import type { Services } from '../domain/create-services.ts';
import { parseRouteInput, type HttpMethod } from '../http/admin/api-route.ts';
import { orgRoutes } from '../http/admin/org-routes.ts';
import { CLI_ACTOR } from './cli-actor.ts';

export interface RouteCall {
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs one route of the organization layer's admin API in process, as the command line's actor: the
 * input is validated by the schemas that validate the HTTP API, and `--json` prints what the API
 * would answer, so the command line and the API cannot disagree.
 */
export async function callOrgRoute(services: Services, method: HttpMethod, path: string, call: RouteCall = {}): Promise<unknown> {
  const route = orgRoutes(services).find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no organization route ${method} ${path}`);
  const query = Object.fromEntries(Object.entries(call.query ?? {}).filter(([, v]) => v !== undefined));
  const input = parseRouteInput(route, call.body, query);
  // No route of the organization layer reads the HTTP request; only the read API and directory URLs do.
  return route.handle({ params: call.params ?? {}, body: input.body, query: input.query, actor: CLI_ACTOR, request: undefined as unknown as FastifyRequest });
}
