import Fastify, { type FastifyInstance } from 'fastify';
import type { RosterConfig } from '../config/load-config.ts';
import type { Services } from '../domain/create-services.ts';
import { registerAdmin } from './admin/register-admin.ts';
import { registerConsole } from './console/register-console.ts';
import { registerApiRoutes } from './admin/api-route.ts';
import { registerAppApi } from './app-api/register-app-api.ts';
import { registerOpenApi } from './openapi/register-openapi.ts';
import { registerHealth } from './register-health.ts';
import { registerMetricsRoute } from './metrics/metrics-route.ts';
import { registerOpsHooks } from './ops/register-ops-hooks.ts';
import { canonicalEndpointUrl } from './canonical-endpoint-url.ts';
import { pathOnly, renderErrorByPath } from './render-error.ts';
import { requestIdOf } from './request-id.ts';
import { writeClientError } from './write-client-error.ts';
import { registerScim } from './scim/register-scim.ts';
import { registerScimV1 } from './scim-v1/register-scim-v1.ts';

export interface AppOptions {
  readonly config: RosterConfig;
  readonly services: Services;
  /** A pino destination for tests that read the log; stdout otherwise. */
  readonly logStream?: NodeJS.WritableStream;
}

/**
 * Builds the HTTP app without listening (tests inject or listen on port 0): the SCIM 2.0 and 1.1
 * routes, the admin API, health and the admin console, over the domain's services.
 */
export async function createApp({ config, services, logStream }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Tokens and passwords never reach a log line: headers are not logged at all, bodies neither.
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password'], censor: '[redacted]' },
      // The path only: a query string may carry filter values (`filter=password eq "…"`).
      serializers: {
        req: (req: { method: string; url: string; ip?: string; socket?: { remotePort?: number } }) => ({ method: req.method, url: pathOnly(req.url), remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
      },
      ...(logStream ? { stream: logStream } : {}),
    },
    bodyLimit: config.limits.bodyLimitBytes,
    // The request id is echoed to the client so an admin can find the log line for a failed call.
    requestIdHeader: false,
    genReqId: requestIdOf,
    forceCloseConnections: 'idle',
    // X-Forwarded-For is believed only from the proxies the operator names (IP allow-lists rely on it).
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // SCIM endpoint names are case-insensitive (`/users` is `/Users`).
    rewriteUrl: (req) => canonicalEndpointUrl(req.url ?? '/'),
    // What Fastify's router and Node's HTTP parser refuse is answered in the URL's API's own error shape.
    frameworkErrors: renderErrorByPath,
    clientErrorHandler: writeClientError,
  });

  // SCIM clients send application/scim+json (RFC 7644 §3.1); some send text/plain. An empty body
  // is no body (clients put a content type on DELETE and GET too); routes that need one say so.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/scim+json', 'text/plain'], { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    request.rawBody = body as string; // for the request log (http/ops/register-ops-hooks.ts)
    return parseJson(request, body as string, done);
  });
  // A request still running when shutdown begins (a long /Bulk yields between operations, so it
  // runs on while the server closes) ends its keep-alive connection with its response; otherwise
  // the idle socket would hold the close until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  app.setErrorHandler(renderErrorByPath);
  // The admin console answers every other GET outside the APIs (its client-side routes).
  const adminConsole = registerConsole(app);
  app.setNotFoundHandler((request, reply) =>
    adminConsole.handles(request)
      ? adminConsole.send(request, reply)
      : renderErrorByPath(Object.assign(new Error(`no endpoint ${request.method} ${pathOnly(request.url)}`), { statusCode: 404 }), request, reply),
  );

  registerHealth(app, services);
  registerOpsHooks(app, { config, services });
  registerMetricsRoute(app, { config, services });
  await registerScim(app, { config, services });
  await registerScimV1(app, { config, services });
  await registerOpenApi(app);
  await registerAdmin(app, { config, ...services });
  await registerAppApi(app, services, registerApiRoutes);
  return app;
}
