import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError, scimErrors } from '../../scim/scim-error.ts';

import { formatEtag } from '../../scim/etag.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import { scimContext, type ScimRequestContext } from './scim-context.ts';
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
const BULK_ID_REF = /bulkId:([^"/?#\s{}[\],:]+)/g;

function references(op: BulkOperation): string[] {
  // Path and data are scanned apart: glued together, `/Users/bulkId:new` + `{…}` read as `new{`.
  const texts = [op.path, op.data === undefined ? '' : JSON.stringify(op.data)];
  return texts.flatMap((text) => [...text.matchAll(BULK_ID_REF)].map((m) => m[1]!));
}

function substitute(op: BulkOperation, ids: Map<string, string>): { path: string; data: unknown } {
  const swap = (s: string) => s.replace(BULK_ID_REF, (all, id: string) => ids.get(id) ?? all);
  return { path: swap(op.path), data: op.data === undefined ? undefined : JSON.parse(swap(JSON.stringify(op.data))) };
}

interface OperationResult {
  readonly status: number;
  readonly id?: string;
  readonly location?: string;
  readonly version?: number;
}

/**
 * Runs one bulk operation through the same domain calls as the single-resource routes (same
 * validation, same transaction per resource), so bulk cannot differ from the API it bundles.
 */
async function runOperation(deps: ScimDeps, ctx: ScimRequestContext, method: string, path: string, data: unknown, version: string | undefined): Promise<OperationResult> {
  const [, endpoint, id] = PATH.exec(path)!;
  const conditions = { ifMatch: version };
  const noGroups = { withGroups: false };
  if (id === undefined) {
    if (method !== 'POST') throw scimErrors.invalidSyntax(`${method} needs a resource path like /${endpoint}/{id}`);
    const created = endpoint === 'Users' ? await deps.services.users.create(ctx, data, noGroups) : await deps.services.groups.create(ctx, data);
    const newId = 'user' in created ? created.user.id : created.id;
    return { status: 201, id: newId, location: `${ctx.baseUrl}/${endpoint}/${newId}`, version: 'user' in created ? created.user.version : created.version };
  }
  if (method === 'POST') throw scimErrors.invalidSyntax(`POST goes to /${endpoint}, not to a resource`);
  const location = `${ctx.baseUrl}/${endpoint}/${id}`;
  if (method === 'DELETE') {
    await (endpoint === 'Users' ? deps.services.users.remove(ctx, id, conditions) : deps.services.groups.remove(ctx, id, conditions));
    return { status: 204, location };
  }
  const updated =
    endpoint === 'Users'
      ? method === 'PUT'
        ? await deps.services.users.replace(ctx, id, data, conditions, noGroups)
        : await deps.services.users.patch(ctx, id, data, conditions, noGroups)
      : method === 'PUT'
        ? await deps.services.groups.replace(ctx, id, data, conditions)
        : await deps.services.groups.patch(ctx, id, data, conditions);
  return { status: 200, location, version: 'user' in updated ? updated.user.version : updated.version };
}

/**
 * `/Bulk` (RFC 7644 §3.7). Operations run in order, each in its own transaction (the RFC does not
 * make a bulk request atomic); one that refers to a bulkId created later waits until it exists.
 */
export function registerBulkRoute(app: FastifyInstance, deps: ScimDeps) {
  const { config } = deps;
  app.post('/Bulk', { bodyLimit: config.limits.bulkMaxPayloadBytes }, async (request: FastifyRequest<{ Params: { directoryId: string } }>, reply) => {
    const { operations, failOnErrors } = parseBulkRequest(request.body, config.limits.bulkMaxOperations);
    const ctx = scimContext(config, request);
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
        const result: Record<string, unknown> = { method: op.method };
        if (op.bulkId) result.bulkId = op.bulkId;
        try {
          const done = await runOperation(deps, ctx, op.method, path, data, op.version);
          result.status = String(done.status);
          if (done.location) result.location = done.location;
          if (done.version !== undefined) result.version = formatEtag(done.version);
          if (op.method === 'POST' && op.bulkId && done.id) ids.set(op.bulkId, done.id);
        } catch (error) {
          if (!(error instanceof ScimError)) throw error;
          result.status = String(error.status);
          result.response = error.toBody();
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
