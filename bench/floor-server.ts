// The stack floor: a bare Fastify 5 + better-sqlite3 server that stores and returns the same user JSON
// as Roster for the phases the benchmark drives (create, `userName eq` lookup, get by id, the list
// walk, Okta's deactivation), with nothing else: a bearer check against one fixed token and one
// prepared statement per request (the deactivation reads and writes in one transaction, the list
// page also counts). No validation, normalization, IdP quirks, events, groups or logging. Driven by
// the same phase code as Roster, it shows what Roster's stack costs on this machine; Roster's ops/s
// divided by the floor's is the share of the stack's speed Roster keeps (issue 7 asks for ≥ 0.6).
//
// Like Roster, it stores the resource without its location and renders it per request: the stored
// JSON is parsed, `meta.location` is set from the request's Host, and Fastify serializes the object.
// That is the least a SCIM server does per read (the base URL is the client's). FLOOR_RAW=1 stores
// the location at create and sends the stored text as it is (string concatenation for a
// ListResponse): the bound of a server that renders nothing, close to the ceiling on this machine.
//
// Run as its own process: PORT=<port> HOST=127.0.0.1 FLOOR_DATA_DIR=<dir> [FLOOR_DIRECTORY=floor
// FLOOR_TOKEN=floor-bench-token] node --import tsx bench/floor-server.ts
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/** The one directory and token the floor knows (run.ts passes them; fixed for a hand-run server). */
const FLOOR_DIRECTORY = process.env.FLOOR_DIRECTORY ?? 'floor';
const FLOOR_TOKEN = process.env.FLOOR_TOKEN ?? 'floor-bench-token';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const LIST_HEAD = `{"schemas":["${LIST_SCHEMA}"],`;
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const AUTHORIZATION = `Bearer ${FLOOR_TOKEN}`;
/** Okta's existence check: `userName eq "…"` (RFC 7644 §3.4.2.2), nothing else. */
const USER_NAME_EQ = /^userName eq "((?:[^"\\]|\\.)*)"$/i;
const RAW = process.env.FLOOR_RAW === '1';

interface UserRow {
  readonly resource: string;
}

function openDatabase(dir: string): Database.Database {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'floor.db'));
  // Roster's pragmas (src/store/sqlite/open-sqlite.ts): durable on a process crash, not on power loss.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.exec(`create table if not exists users (
    seq integer primary key autoincrement,
    id text not null unique,
    user_name_lower text not null unique,
    resource text not null
  )`);
  return db;
}

const db = openDatabase(process.env.FLOOR_DATA_DIR ?? join(process.cwd(), 'data', 'floor'));
const insertUser = db.prepare<[string, string, string]>('insert into users (id, user_name_lower, resource) values (?, ?, ?)');
const userById = db.prepare<[string], UserRow>('select resource from users where id = ?');
const userByName = db.prepare<[string], UserRow>('select resource from users where user_name_lower = ?');
const updateUser = db.prepare<[string, string]>('update users set resource = ? where id = ?');
const userPage = db.prepare<[number, number], UserRow>('select resource from users order by seq limit ? offset ?');
const userCount = db.prepare<[], { n: number }>('select count(*) as n from users');

/** Reads, changes and writes a user in one transaction; undefined when there is no such user. */
const patchUser = db.transaction((id: string, active: boolean | undefined): string | undefined => {
  const row = userById.get(id);
  if (row === undefined) return undefined;
  const user = JSON.parse(row.resource) as StoredUser;
  if (active !== undefined) user.active = active;
  const version = Number(/\d+/.exec(user.meta.version)?.[0] ?? '0') + 1;
  user.meta.lastModified = new Date().toISOString();
  user.meta.version = `W/"${version}"`;
  const resource = JSON.stringify(user);
  updateUser.run(resource, id);
  return resource;
});

const app = Fastify({ logger: false });
app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

function scimError(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type(CONTENT_TYPE)
    .send(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"${status}","detail":${JSON.stringify(detail)}}`);
}

/** The bearer check: one string comparison. */
function refused(request: FastifyRequest<{ Params: { dir: string } }>, reply: FastifyReply): boolean {
  if (request.headers.authorization === AUTHORIZATION && request.params.dir === FLOOR_DIRECTORY) return false;
  void scimError(reply, 401, 'bad token');
  return true;
}

function location(request: FastifyRequest, id: string): string {
  return `http://${request.headers.host ?? '127.0.0.1'}/scim/v2/${FLOOR_DIRECTORY}/Users/${id}`;
}

interface StoredUser {
  id: string;
  active?: boolean;
  meta: { location?: string; lastModified: string; version: string };
}

/** A stored resource as the client sees it: parsed, with the location of this request's base URL. */
function render(request: FastifyRequest, resource: string): StoredUser {
  const user = JSON.parse(resource) as StoredUser;
  user.meta.location = location(request, user.id);
  return user;
}

app.get('/readyz', async () => ({ status: 'ok' }));

app.post<{ Params: { dir: string }; Body: Record<string, unknown> }>('/scim/v2/:dir/Users', (request, reply) => {
  if (refused(request, reply)) return reply;
  const { password: _password, schemas: _schemas, id: _id, meta: _meta, ...attributes } = request.body ?? {};
  const userName = attributes.userName;
  if (typeof userName !== 'string') return scimError(reply, 400, 'userName is required');
  const id = randomUUID();
  const now = new Date().toISOString();
  const resource = JSON.stringify({
    schemas: [USER_SCHEMA],
    id,
    ...attributes,
    groups: [],
    meta: { resourceType: 'User', created: now, lastModified: now, ...(RAW ? { location: location(request, id) } : {}), version: 'W/"1"' },
  });
  try {
    insertUser.run(id, userName.toLowerCase(), resource);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return scimError(reply, 409, 'userName is taken');
    throw error;
  }
  reply.code(201).type(CONTENT_TYPE).header('location', location(request, id));
  return reply.send(RAW ? resource : render(request, resource));
});

app.get<{ Params: { dir: string }; Querystring: { filter?: string; startIndex?: string; count?: string } }>(
  '/scim/v2/:dir/Users',
  (request, reply) => {
    if (refused(request, reply)) return reply;
    const { filter } = request.query;
    if (filter !== undefined) {
      const match = USER_NAME_EQ.exec(filter);
      if (match === null) return scimError(reply, 400, 'only userName eq "…" is supported');
      const row = userByName.get(match[1].replaceAll('\\"', '"').toLowerCase());
      if (RAW) {
        const body =
          row === undefined
            ? `${LIST_HEAD}"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`
            : `${LIST_HEAD}"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[${row.resource}]}`;
        return reply.type(CONTENT_TYPE).send(body);
      }
      const found = row === undefined ? [] : [render(request, row.resource)];
      return reply.type(CONTENT_TYPE).send({ schemas: [LIST_SCHEMA], totalResults: found.length, startIndex: 1, itemsPerPage: found.length, Resources: found });
    }
    // The list walk: a page in creation order (offset paging, as Okta's import asks).
    const startIndex = Math.max(1, Number(request.query.startIndex ?? '1') || 1);
    const count = Math.min(1_000, Math.max(0, Number(request.query.count ?? '100') || 0));
    const rows = userPage.all(count, startIndex - 1);
    const total = userCount.get()?.n ?? 0;
    if (RAW) {
      return reply
        .type(CONTENT_TYPE)
        .send(
          `${LIST_HEAD}"totalResults":${total},"startIndex":${startIndex},"itemsPerPage":${rows.length},` +
            `"Resources":[${rows.map((row) => row.resource).join(',')}]}`,
        );
    }
    const resources = rows.map((row) => render(request, row.resource));
    return reply.type(CONTENT_TYPE).send({ schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources });
  },
);

app.get<{ Params: { dir: string; id: string } }>('/scim/v2/:dir/Users/:id', (request, reply) => {
  if (refused(request, reply)) return reply;
  const row = userById.get(request.params.id);
  if (row === undefined) return scimError(reply, 404, 'no such user');
  return reply.type(CONTENT_TYPE).send(RAW ? row.resource : render(request, row.resource));
});

interface PatchBody {
  readonly Operations?: readonly { readonly op?: string; readonly path?: string; readonly value?: unknown }[];
}

/** Okta's deactivation only: `{"op":"replace","value":{"active":false}}` (or `"path":"active"`). */
function activeOf(body: PatchBody | undefined): boolean | undefined {
  let active: boolean | undefined;
  for (const operation of body?.Operations ?? []) {
    if (operation.op?.toLowerCase() !== 'replace') continue;
    if (operation.path === 'active' && typeof operation.value === 'boolean') active = operation.value;
    const value = operation.value as { active?: unknown } | null | undefined;
    if (operation.path === undefined && typeof value?.active === 'boolean') active = value.active;
  }
  return active;
}

app.patch<{ Params: { dir: string; id: string }; Body: PatchBody }>('/scim/v2/:dir/Users/:id', (request, reply) => {
  if (refused(request, reply)) return reply;
  const resource = patchUser(request.params.id, activeOf(request.body));
  if (resource === undefined) return scimError(reply, 404, 'no such user');
  return reply.type(CONTENT_TYPE).send(RAW ? resource : render(request, resource));
});

const stop = (): void => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await app.listen({ port: Number(process.env.PORT ?? '0'), host: process.env.HOST ?? '127.0.0.1' });
