import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError, scimErrors } from '../../scim/scim-error.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import type { ScimDeps } from './scim-deps.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PATH = /^\/(Users|Groups)(?:\/([^/?#]+))?$/;

interface BulkOperation {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly data?: unknown;
}

function parseBulkRequest(body: unknown, maxOperations: number): { operations: BulkOperation[]; failOnErrors: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimErrors.invalidSyntax('a BulkRequest must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.schemas) || !b.schemas.includes(BULK_REQUEST)) throw scimErrors.invalidSyntax(`"schemas" must include ${BULK_REQUEST}`);
  if (!Array.isArray(b.Operations)) throw scimErrors.invalidSyntax('"Operations" must be an array');
  // RFC 7644 §3.7.4: too many operations is a 413 for the whole request.
  if (b.Operations.length > maxOperations) throw new ScimError(413, undefined, `a bulk request may carry at most ${maxOperations} operations`);
  const failOnErrors = b.failOnErrors === undefined ? Number.POSITIVE_INFINITY : b.failOnErrors;
  if (typeof failOnErrors !== 'number' || !(failOnErrors >= 1)) throw scimErrors.invalidValue('"failOnErrors" must be an integer of at least 1');
  const operations = b.Operations.map((raw, index): BulkOperation => {
    if (typeof raw !== 'object' || raw === null) throw scimErrors.invalidSyntax(`Operations[${index}] must be an object`);
    const op = raw as Record<string, unknown>;
    const method = typeof op.method === 'string' ? op.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw scimErrors.invalidSyntax(`Operations[${index}].method must be POST, PUT, PATCH or DELETE`);
    if (typeof op.path !== 'string' || !PATH.test(op.path)) throw scimErrors.invalidSyntax(`Operations[${index}].path must be /Users, /Groups or one of their resources`);
    if (method === 'POST' && typeof op.bulkId !== 'string') throw scimErrors.invalidSyntax(`Operations[${index}].bulkId is required for POST`);
    if (method !== 'DELETE' && op.data === undefined) throw scimErrors.invalidSyntax(`Operations[${index}].data is required for ${method}`);
    return { index, method, path: op.path, bulkId: op.bulkId as string | undefined, version: op.version as string | undefined, data: op.data };
  });
  return { operations, failOnErrors };
}

/** Every `bulkId:<id>` the operation refers to, in its path or anywhere in its data (RFC 7644 §3.7.2). */
function references(op: BulkOperation): string[] {
  const text = op.path + (op.data === undefined ? '' : JSON.stringify(op.data));
  return [...text.matchAll(/bulkId:([^"/?#\s]+)/g)].map((m) => m[1]!);
}

function substitute(op: BulkOperation, ids: Map<string, string>): { path: string; data: unknown } {
  const swap = (s: string) => s.replace(/bulkId:([^"/?#\s]+)/g, (all, id: string) => ids.get(id) ?? all);
  return { path: swap(op.path), data: op.data === undefined ? undefined : JSON.parse(swap(JSON.stringify(op.data))) };
}

/**
 * `/Bulk` (RFC 7644 §3.7). Each operation goes through the same route as a single request (same
 * auth, validation and transaction), so bulk cannot differ from the API it bundles. Operations run
 * in order; one that refers to a bulkId created later waits until it exists.
 */
export function registerBulkRoute(app: FastifyInstance, deps: ScimDeps) {
  const { config } = deps;
  app.post('/Bulk', { bodyLimit: config.limits.bulkMaxPayloadBytes }, async (request: FastifyRequest<{ Params: { directoryId: string } }>, reply) => {
    const { operations, failOnErrors } = parseBulkRequest(request.body, config.limits.bulkMaxOperations);
    const ids = new Map<string, string>();
    const results = new Map<number, Record<string, unknown>>();
    let errors = 0;
    let pending = operations;
    while (pending.length > 0 && errors < failOnErrors) {
      const waiting: BulkOperation[] = [];
      for (const op of pending) {
        if (errors >= failOnErrors) break;
        const unresolved = references(op).filter((id) => !ids.has(id));
        if (unresolved.length > 0) {
          waiting.push(op);
          continue;
        }
        const { path, data } = substitute(op, ids);
        const headers: Record<string, string> = { 'content-type': 'application/scim+json', host: request.headers.host ?? 'localhost' };
        if (request.headers.authorization) headers.authorization = request.headers.authorization;
        if (op.version) headers['if-match'] = op.version;
        const res = await app.inject({ method: op.method as 'POST', url: `${request.url.replace(/\/Bulk$/, '')}${path}`, headers, payload: data === undefined ? undefined : JSON.stringify(data) });
        const result: Record<string, unknown> = { method: op.method, status: String(res.statusCode) };
        if (op.bulkId) result.bulkId = op.bulkId;
        const body = res.body ? JSON.parse(res.body) : undefined;
        if (res.statusCode < 300) {
          const location = res.headers.location ?? body?.meta?.location;
          if (location) result.location = location;
          if (res.headers.etag) result.version = res.headers.etag;
          if (op.method === 'POST' && op.bulkId && body?.id) ids.set(op.bulkId, body.id);
        } else {
          result.response = body;
          errors++;
        }
        results.set(op.index, result);
      }
      if (waiting.length === pending.length) {
        for (const op of waiting) {
          results.set(op.index, {
            method: op.method,
            ...(op.bulkId ? { bulkId: op.bulkId } : {}),
            status: '409',
            response: new ScimError(409, 'invalidValue', `bulkId reference ${references(op).filter((id) => !ids.has(id)).join(', ')} cannot be resolved`).toBody(),
          });
        }
        break;
      }
      pending = waiting;
    }
    const ordered = operations.filter((op) => results.has(op.index)).map((op) => results.get(op.index)!);
    return reply.type(SCIM_CONTENT_TYPE).send({ schemas: [BULK_RESPONSE], Operations: ordered });
  });
}
