// NOT the benchmark target. A tiny in-memory stand-in that speaks just enough of Roster's CLI and SCIM
// interface (`serve`, `directory create --json`, the requests of bench/) to test the harness while
// Roster is being written:  BENCH_SERVER=bench/dev/stand-in-server.ts npm run bench -- --quick
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

const dataDir = process.env.ROSTER_DATA_DIR ?? './data';
const port = Number(process.env.PORT ?? '8080');
const host = process.env.HOST ?? '127.0.0.1';
const directoriesFile = join(dataDir, 'stand-in-directories.jsonl');

interface DirectoryRecord {
  id: string;
  name: string;
  idp: string;
  token: string;
}

function readDirectories(): DirectoryRecord[] {
  try {
    return readFileSync(directoriesFile, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as DirectoryRecord);
  } catch {
    return [];
  }
}

const command = process.argv.slice(2);
if (command[0] === 'directory' && command[1] === 'create') {
  const option = (name: string, fallback: string): string => {
    const at = command.indexOf(name);
    return at >= 0 && at + 1 < command.length ? command[at + 1] : fallback;
  };
  const record: DirectoryRecord = {
    id: randomUUID(),
    name: option('--name', 'directory'),
    idp: option('--idp', 'generic'),
    token: `rst_${randomBytes(24).toString('base64url')}`,
  };
  appendFileSync(directoriesFile, `${JSON.stringify(record)}\n`);
  process.stdout.write(
    `${JSON.stringify({ ...record, scimBaseUrl: `http://${host}:${port}/scim/v2/${record.id}`, token: record.token })}\n`,
  );
} else if (command[0] === 'serve') {
  serve();
} else {
  process.stderr.write('usage: stand-in-server.ts serve | directory create --name N --idp I --json\n');
  process.exit(2);
}

interface UserRecord {
  [key: string]: unknown;
  id: string;
  userName: string;
  active: boolean;
}

function serve(): void {
  const users = new Map<string, UserRecord>();
  const userOrder: string[] = [];
  const byUserName = new Map<string, string>();
  const groups = new Map<string, { id: string; displayName: string; members: Map<string, string> }>();
  const tokens = new Map<string, string>();

  const send = (response: ServerResponse, status: number, body?: unknown): void => {
    if (body === undefined) {
      response.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
  const error = (response: ServerResponse, status: number, detail: string): void =>
    send(response, status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail });

  const directoryFor = (request: IncomingMessage): string | undefined => {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!tokens.has(token)) for (const record of readDirectories()) tokens.set(record.token, record.id);
    return tokens.get(token);
  };

  // STAND_IN_FAIL_EVERY=n answers every n-th SCIM request with a 500, to test the error reporting.
  const failEvery = Number(process.env.STAND_IN_FAIL_EVERY ?? '0');
  let requests = 0;

  const handle = (request: IncomingMessage, response: ServerResponse, raw: string): void => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (failEvery > 0 && url.pathname.startsWith('/scim/') && ++requests % failEvery === 0) {
      return error(response, 500, `stand-in failure #${requests / failEvery}`);
    }
    if (url.pathname === '/readyz' || url.pathname === '/healthz') return send(response, 200, { status: 'ok' });
    const match = /^\/scim\/v2\/([^/]+)\/(Users|Groups)(?:\/([^/]+))?$/.exec(url.pathname);
    if (match === null) return error(response, 404, 'not found');
    if (directoryFor(request) !== match[1]) return error(response, 401, 'bad token');
    const [, , kind, id] = match;
    const body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const method = request.method ?? 'GET';
    if (kind === 'Users') {
      if (method === 'POST') {
        const name = String(body.userName).toLowerCase();
        if (byUserName.has(name)) return error(response, 409, 'uniqueness');
        const user: UserRecord = { ...body, id: randomUUID(), userName: String(body.userName), active: body.active !== false };
        users.set(user.id, user);
        userOrder.push(user.id);
        byUserName.set(name, user.id);
        return send(response, 201, user);
      }
      if (method === 'GET' && id === undefined) {
        const filter = /^userName eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '');
        if (filter !== null) {
          const found = byUserName.get(filter[1].toLowerCase());
          const resources = found === undefined ? [] : [users.get(found)];
          return send(response, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });
        }
        const startIndex = Math.max(1, Number(url.searchParams.get('startIndex') ?? '1'));
        const count = Math.min(100, Number(url.searchParams.get('count') ?? '100'));
        const page = userOrder.slice(startIndex - 1, startIndex - 1 + count).map((userId) => users.get(userId));
        return send(response, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: userOrder.length, startIndex, itemsPerPage: page.length, Resources: page });
      }
      const user = id === undefined ? undefined : users.get(id);
      if (user === undefined) return error(response, 404, 'no such user');
      if (method === 'GET') return send(response, 200, user);
      if (method === 'PATCH') {
        for (const operation of body.Operations as { value?: { active?: boolean } }[]) {
          if (operation.value?.active !== undefined) user.active = operation.value.active;
        }
        return send(response, 200, user);
      }
      return error(response, 405, 'method');
    }
    if (method === 'POST' && id === undefined) {
      const group = { id: randomUUID(), displayName: String(body.displayName), members: new Map<string, string>() };
      groups.set(group.id, group);
      return send(response, 201, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: group.id, displayName: group.displayName, members: [] });
    }
    const group = id === undefined ? undefined : groups.get(id);
    if (group === undefined) return error(response, 404, 'no such group');
    if (method === 'PATCH') {
      // STAND_IN_PATCH_DELAY_MS slows group PATCHes down, to test the member phase's time budget.
      const delay = Number(process.env.STAND_IN_PATCH_DELAY_MS ?? '0');
      if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
      for (const operation of body.Operations as { op: string; path?: string; value?: { value: string; display?: string }[] }[]) {
        if (operation.op === 'add') for (const m of operation.value ?? []) group.members.set(m.value, m.display ?? '');
        const removed = /^members\[value eq "(.*)"\]$/.exec(operation.path ?? '');
        if (operation.op === 'remove' && removed !== null) group.members.delete(removed[1]);
      }
      return send(response, 204);
    }
    if (method === 'GET') {
      const withMembers = url.searchParams.get('excludedAttributes') !== 'members';
      return send(response, 200, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: group.id,
        displayName: group.displayName,
        ...(withMembers ? { members: [...group.members].map(([value, display]) => ({ value, display })) } : {}),
      });
    }
    return error(response, 405, 'method');
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        handle(request, response, Buffer.concat(chunks).toString('utf8'));
      } catch (failure) {
        error(response, 500, (failure as Error).message);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, host);
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
