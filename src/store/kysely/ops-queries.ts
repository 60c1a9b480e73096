import { sql, type CompiledQuery } from 'kysely';
import type { AuditLogRow, RequestLogRow } from '../database.ts';
import type { AuditRecord, RequestLogEntry, RequestLogRecord } from '../ops-records.ts';
import type { AuditQueries, OpsQueries, RequestLogQueries } from '../store.ts';
import { toToken } from './map-rows.ts';
import type { QueryContext } from './prepared.ts';

/** Rows per insert statement: 18 columns × 100 stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 100;

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** `subjects` holds `\n`-delimited values, so a LIKE finds a whole value only; `!` escapes LIKE's wildcards. */
const SUBJECT_SEPARATOR = '\n';
const likeSubject = (value: string) => `%${SUBJECT_SEPARATOR}${value.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}${SUBJECT_SEPARATOR}%`;

/** An entry's values in COLUMNS order: the parameters of one row of the insert. */
function pushValues(out: unknown[], e: RequestLogEntry): void {
  out.push(
    e.directoryId,
    e.at,
    e.requestId,
    e.idp,
    e.version,
    e.method,
    e.path,
    e.query,
    e.operation,
    e.status,
    e.latencyMs,
    e.received,
    e.receivedSize,
    e.normalized,
    e.rewrites === null ? null : JSON.stringify(e.rewrites),
    e.resources === null ? null : JSON.stringify(e.resources),
    e.subjects.length === 0 ? null : SUBJECT_SEPARATOR + e.subjects.join(SUBJECT_SEPARATOR).toLowerCase() + SUBJECT_SEPARATOR,
    e.error,
  );
}

function toRequestLog(row: RequestLogRow): RequestLogRecord {
  return {
    seq: Number(row.seq),
    directoryId: row.directory_id,
    at: row.at,
    requestId: row.request_id,
    idp: row.idp,
    version: row.version as RequestLogRecord['version'],
    method: row.method,
    path: row.path,
    query: row.query,
    operation: row.operation,
    status: Number(row.status),
    latencyMs: Number(row.latency_ms),
    received: row.received,
    receivedSize: row.received_size === null ? null : Number(row.received_size),
    normalized: row.normalized,
    rewrites: parse(row.rewrites),
    resources: parse(row.resources),
    error: row.error,
  };
}

function toAudit(row: AuditLogRow): AuditRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: row.at,
    actor: { type: row.actor_type as AuditRecord['actor']['type'], id: row.actor_id, label: row.actor_label, address: row.address },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    directoryId: row.directory_id,
    before: parse(row.before),
    after: parse(row.after),
  };
}

const COLUMNS = ['directory_id', 'at', 'request_id', 'idp', 'version', 'method', 'path', 'query', 'operation', 'status', 'latency_ms', 'received', 'received_size', 'normalized', 'rewrites', 'resources', 'subjects', 'error'] as const;

export function createRequestLogQueries({ db }: QueryContext): RequestLogQueries {
  /**
   * The insert of n rows, compiled once per n and run with a flat parameter array (row by row, in
   * COLUMNS order, as Kysely compiles a multi-row insert). Batches arrive every quarter second;
   * building and compiling a 100-row insert each time, or naming its 1,800 arguments, cost more
   * than SQLite's own work (profile of the create phase).
   */
  const compiled = new Map<number, CompiledQuery>();
  function insertOf(n: number): CompiledQuery {
    let query = compiled.get(n);
    if (!query) {
      const row = Object.fromEntries(COLUMNS.map((c) => [c, null])) as unknown as Omit<RequestLogRow, 'seq'>;
      query = db.insertInto('request_log').values(Array.from({ length: n }, () => row)).compile();
      if (query.parameters.length !== n * COLUMNS.length) throw new Error('request_log insert: unexpected parameter layout');
      compiled.set(n, query);
    }
    return query;
  }

  return {
    async insertMany(entries) {
      for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
        const chunk = entries.slice(i, i + INSERT_CHUNK);
        const parameters: unknown[] = [];
        for (const e of chunk) pushValues(parameters, e);
        await db.executeQuery({ ...insertOf(chunk.length), parameters });
      }
    },
    async list(f) {
      let q = db.selectFrom('request_log').selectAll().where('directory_id', '=', f.directoryId);
      if (f.status) q = q.where('status', '>=', f.status.min).where('status', '<=', f.status.max);
      if (f.since !== undefined) q = q.where('at', '>=', f.since);
      if (f.until !== undefined) q = q.where('at', '<', f.until);
      if (f.before !== undefined) {
        const { at, seq } = f.before;
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('seq', '<', seq)])]));
      }
      if (f.subject !== undefined) q = q.where(sql<boolean>`subjects like ${likeSubject(f.subject)} escape '!'`);
      return (await q.orderBy('at', 'desc').orderBy('seq', 'desc').limit(f.limit).execute()).map(toRequestLog);
    },
    async count(directoryId, since) {
      const row = await db
        .selectFrom('request_log')
        .select((eb) => [eb.fn.countAll<number>().as('requests'), sql<number | null>`sum(case when status >= 400 then 1 else 0 end)`.as('errors')])
        .where('directory_id', '=', directoryId)
        .where('at', '>=', since)
        .executeTakeFirstOrThrow();
      return { requests: Number(row.requests), errors: Number(row.errors ?? 0) };
    },
    async lastAt(directoryId) {
      const row = await db.selectFrom('request_log').select('at').where('directory_id', '=', directoryId).orderBy('at', 'desc').limit(1).executeTakeFirst();
      return row?.at;
    },
    // Directory by directory, on the (directory_id, at) index: no index on `at` alone costs every request a write.
    async purgeBefore(before, limit) {
      const directories = await db.selectFrom('directories').select('id').execute();
      let deleted = 0;
      for (const { id } of directories) {
        if (deleted >= limit) break;
        const oldest = db.selectFrom('request_log').select('seq').where('directory_id', '=', id).where('at', '<', before).orderBy('at').limit(limit - deleted);
        const result = await db.deleteFrom('request_log').where('seq', 'in', oldest).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },
  };
}

export function createAuditQueries({ db }: QueryContext): AuditQueries {
  return {
    async append(e) {
      await db
        .insertInto('audit_log')
        .values({
          id: e.id,
          at: e.at,
          actor_type: e.actor.type,
          actor_id: e.actor.id,
          actor_label: e.actor.label,
          address: e.actor.address,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          directory_id: e.directoryId,
          before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
          after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
        })
        .execute();
    },
    async list(f) {
      let q = db.selectFrom('audit_log').selectAll();
      if (f.directoryId !== undefined) q = q.where('directory_id', '=', f.directoryId);
      if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
      if (f.action !== undefined) q = q.where('action', '=', f.action);
      if (f.since !== undefined) q = q.where('at', '>=', f.since);
      if (f.until !== undefined) q = q.where('at', '<', f.until);
      if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
      return (await q.orderBy('seq', 'desc').limit(f.limit).execute()).map(toAudit);
    },
  };
}

export function createOpsQueries({ db }: QueryContext): OpsQueries {
  return {
    async countMemberships(directoryId) {
      const row = await db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', directoryId).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async tokensExpiringBy(from, to) {
      const rows = await db
        .selectFrom('tokens')
        .selectAll()
        .where('expires_at', 'is not', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', from)
        .where('expires_at', '<=', to)
        .orderBy('expires_at')
        .execute();
      return rows.map(toToken);
    },
    async markExpiryWarned(tokenId, thresholdDays, at) {
      const result = await db
        .insertInto('token_expiry_warnings')
        .values({ token_id: tokenId, threshold_days: thresholdDays, sent_at: at })
        .onConflict((oc) => oc.columns(['token_id', 'threshold_days']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}
