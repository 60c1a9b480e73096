import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type RosterConfig } from '../../src/config/load-config.ts';
import { createServices, type Services } from '../../src/domain/create-services.ts';
import { createApp } from '../../src/http/create-app.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTestDatabase, type EngineName } from './engines.ts';

export interface ScimResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface ScimClient {
  readonly baseUrl: string;
  readonly token: string;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<ScimResponse<T>>;
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<ScimResponse<T>>;
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<ScimResponse<T>>;
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<ScimResponse<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<ScimResponse<T>>;
}

export interface RosterUnderTest {
  readonly origin: string;
  readonly config: RosterConfig;
  readonly services: Services;
  /** The store under the services, for tests that check what was (or was not) written. */
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** Everything the server logged, as text. */
  logs(): string;
  /** Creates a directory and returns a client for its SCIM base URL and token. */
  directory(options?: { name?: string; idp?: string }): Promise<ScimClient & { directoryId: string }>;
  client(baseUrl: string, token: string, authScheme?: 'Bearer' | 'Basic'): ScimClient;
  close(): Promise<void>;
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A client whose verb methods all go through `request`. */
export function scimClient(baseUrl: string, token: string, request: ScimClient['request']): ScimClient {
  return {
    baseUrl,
    token,
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b, h) => request('POST', p, b, h),
    put: (p, b, h) => request('PUT', p, b, h),
    patch: (p, b, h) => request('PATCH', p, b, h),
    delete: (p, h) => request('DELETE', p, undefined, h),
  };
}

export function patchOp(...operations: unknown[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function userBody(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER_SCHEMA], userName, active: true, ...extra };
}

export function groupBody(displayName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [GROUP_SCHEMA], displayName, ...extra };
}

/**
 * A real Roster: the real SQLite file in a fresh temp directory (or a fresh PostgreSQL database
 * cloned from the migrated template), the real HTTP server on a port chosen by the OS (port 0,
 * bound before any request is sent).
 */
export async function startRoster(env: Record<string, string> = {}, engine: EngineName = 'sqlite'): Promise<RosterUnderTest> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roster-test-'));
  const database = engine === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({ ROSTER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...(database ? { DATABASE_URL: database.url } : {}), ...env });
  const store = await openStore(config);
  await store.migrate();
  const services = createServices(config, store);
  let logText = '';
  const logStream = new PassThrough();
  logStream.on('data', (chunk) => (logText += chunk.toString()));
  const app = await createApp({ config, services, logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind');
  const origin = `http://127.0.0.1:${address.port}`;

  function client(baseUrl: string, token: string, authScheme: 'Bearer' | 'Basic' = 'Bearer'): ScimClient {
    const authorization = authScheme === 'Bearer' ? `Bearer ${token}` : `Basic ${Buffer.from(`admin@example.com:${token}`).toString('base64')}`;
    async function request(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(baseUrl + p, {
        method,
        headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed as any, text };
    }
    return scimClient(baseUrl, token, request);
  }

  return {
    origin,
    config,
    services,
    store,
    app,
    dataDir,
    logs: () => logText,
    async directory(options = {}) {
      const { directory, token } = await services.directories.create({ name: options.name ?? 'Test directory', idp: options.idp ?? 'generic' });
      return Object.assign(client(`${origin}/scim/v2/${directory.id}`, token.token), { directoryId: directory.id });
    },
    client,
    async close() {
      await app.close();
      await store.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
