import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createBulkSchedule, substituteReferences } from '../../scim/bulk/bulk-schedule.ts';
import { BULK_RESPONSE_SCHEMA, parseBulkRequest, type BulkOperation } from '../../scim/bulk/parse-bulk-request.ts';
import { formatEtag } from '../../scim/etag.ts';
import { ScimError, scimErrors } from '../../scim/scim-error.ts';
import { SCIM_CONTENT_TYPE, scimErrorOf } from '../render-error.ts';
import { scimContext, type ScimRequestContext } from './scim-context.ts';
import type { ScimDeps } from './scim-deps.ts';

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
async function runOperation(deps: ScimDeps, ctx: ScimRequestContext, op: BulkOperation, id: string | undefined, data: unknown): Promise<OperationResult> {
  const { method, endpoint } = op;
  const conditions = { ifMatch: op.version };
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

/** Lets the event loop serve other requests: better-sqlite3 is synchronous, so a long bulk would hold every directory. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `/Bulk` (RFC 7644 §3.7). Operations run in order, each in its own transaction (the RFC does not
 * make a bulk request atomic); one that refers to a bulkId created later waits until it exists
 * (src/scim/bulk/bulk-schedule.ts). Whatever one operation fails with is that operation's error in
 * the response: the response always lists what landed, never a 500 after earlier operations committed.
 */
export function registerBulkRoute(app: FastifyInstance, deps: ScimDeps) {
  const { config } = deps;
  app.post('/Bulk', { bodyLimit: config.limits.bulkMaxPayloadBytes }, async (request: FastifyRequest<{ Params: { directoryId: string } }>, reply) => {
    const { operations, failOnErrors } = parseBulkRequest(request.body, config.limits.bulkMaxOperations);
    const ctx = scimContext(config, request);
    const schedule = createBulkSchedule(operations);
    const results = new Map<number, Record<string, unknown>>();
    let errors = 0;
    for (let op = schedule.next(); op !== undefined && errors < failOnErrors; op = schedule.next()) {
      if (results.size > 0) await yieldToEventLoop();
      const result: Record<string, unknown> = { method: op.method };
      if (op.bulkId) result.bulkId = op.bulkId;
      try {
        if (op.error) throw op.error;
        const { id, data } = substituteReferences(op, schedule.ids);
        const done = await runOperation(deps, ctx, op, id, data);
        result.status = String(done.status);
        if (done.location) result.location = done.location;
        if (done.version !== undefined) result.version = formatEtag(done.version);
        if (op.method === 'POST' && op.bulkId && done.id) schedule.created(op.bulkId, done.id);
      } catch (error) {
        const scimError = scimErrorOf(error, request);
        result.status = String(scimError.status);
        result.response = scimError.toBody();
        errors++;
      }
      results.set(op.index, result);
    }
    if (errors < failOnErrors) {
      for (const { operation, missing } of schedule.unresolved()) {
        results.set(operation.index, {
          method: operation.method,
          ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
          status: '409',
          response: new ScimError(409, 'invalidValue', `bulkId reference ${missing.join(', ')} cannot be resolved`).toBody(),
        });
      }
    }
    const ordered = operations.filter((op) => results.has(op.index)).map((op) => results.get(op.index)!);
    return reply.type(SCIM_CONTENT_TYPE).send({ schemas: [BULK_RESPONSE_SCHEMA], Operations: ordered });
  });
}
