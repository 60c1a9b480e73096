import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, type AdminApi } from '../helpers/admin-api.ts';
import { startRoster, type RosterUnderTest } from '../helpers/start-roster.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * The routes Fastify registered, read from its route tree (`printRoutes`): each line is a path
 * segment indented four characters per level below its parent, with its methods. HEAD is Fastify's
 * own echo of every GET.
 */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('the OpenAPI document at /api/v1/openapi.json', () => {
  let roster: RosterUnderTest;
  let admin: AdminApi;
  let doc: any;
  beforeAll(async () => {
    roster = await startRoster();
    admin = adminApi(roster.origin, (await roster.services.adminKeys.create('openapi')).key);
    const res = await fetch(`${roster.origin}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await res.json();
  });
  afterAll(() => roster.close());

  it('is served without a key and is shaped as OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Roster API', version: expect.any(String) });
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminKey', 'appKey']);
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path).toMatch(/^\/api\/v1(\/|$)/);
      for (const [method, op] of Object.entries<any>(item)) {
        expect(METHODS).toContain(method);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const tag of op.tags) expect(tags.has(tag)).toBe(true);
        // Every {param} of the path is declared, and nothing else is declared in the path.
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        expect(op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual(inPath);
        const security = op.security.map((s: object) => Object.keys(s)[0]);
        const publicRoute = roster.app.adminRoutes.some((r) => r.access === 'public' && r.method === method.toUpperCase() && r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') === path);
        if (path === '/api/v1/openapi.json' || publicRoute) expect(security).toEqual([]);
        else expect(security).toEqual([path === '/api/v1/app' || path.startsWith('/api/v1/app/') ? 'appKey' : 'adminKey']);
      }
    }
  });

  it('documents every route registered under /api/v1, and only those', () => {
    const registered = registeredRoutes(roster.app.printRoutes({ commonPrefix: false }))
      .filter((r) => /^\S+ \/api\/v1(\/|$)/.test(r))
      .map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'))
      .sort();
    const documented = Object.entries<any>(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(registered.length).toBeGreaterThan(50);
    expect(documented).toEqual(registered);
  });

  it('describes the schemas the server enforces: query parameters, bodies and their limits', () => {
    const grant = doc.paths['/api/v1/apps/{id}/grants'].post;
    expect(grant.parameters).toContainEqual({ name: 'preview', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } });
    expect(grant.requestBody.required).toBe(true);
    expect(grant.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['groupId'] });
    const createApp = doc.paths['/api/v1/apps'].post;
    expect(createApp.responses['201'].description).toBe('the app');
    expect(createApp.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(createApp.requestBody.content['application/json'].schema.properties.kind.enum).toEqual(['wiki', 'issue_tracker', 'code_host', 'other']);
    const accounts = doc.paths['/api/v1/accounts'].get;
    expect(accounts.parameters.map((p: any) => p.name)).toEqual(['search', 'status', 'groupId', 'appId', 'directoryId', 'updatedSince', 'cursor', 'limit']);
    expect(doc.paths['/api/v1/org-groups/{id}'].delete.responses['204']).toEqual({ description: 'nothing' });
    expect(doc.paths['/api/v1/app/accounts'].get.responses['401']).toBeDefined();
  });

  it('a body the documented schema refuses is refused by the server with 400, before any lookup', async () => {
    const refused = await admin('POST', '/apps', { name: 'Wiki', kind: 'spreadsheet' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'app.invalid', field: 'kind' });
    expect((await admin('GET', '/apps')).body.apps).toEqual([]);

    // Every operation whose documented body is required refuses an empty one with a 400 (never a 404 or a 500).
    const required = Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item).filter(([, op]) => op.requestBody?.required).map(([method]) => [method.toUpperCase(), path.replace('/api/v1', '').replace(/\{[^}]+\}/g, 'missing')] as const),
    );
    expect(required.length).toBeGreaterThan(10);
    for (const [method, path] of required) {
      const res = await admin(method, path, {});
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.code, `${method} ${path}`).toMatch(/\.invalid$/);
    }
  });
});
