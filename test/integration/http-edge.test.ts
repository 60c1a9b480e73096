import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA } from '../helpers/expect-scim-error.ts';
import { groupBody, startRoster, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

/**
 * Every answer under a SCIM base path is a SCIM answer (issue 8, "Every answer is a SCIM answer"):
 * whatever refuses the request — a route, Fastify's router, its body parsers or Node's HTTP parser —
 * the client gets an RFC 7644 §3.12 body in `application/scim+json` (SCIM 1.1: draft-scim-api-01
 * §3.9 `{"Errors":[…]}` in `application/json`). Pure edge behaviour: one engine is enough.
 */

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Sends bytes as they are (methods and headers fetch would refuse) and reads the answer until close. */
function rawRequest(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', (e) => (data ? undefined : reject(e)));
    socket.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: rest.join('\r\n\r\n') });
    });
    socket.write(bytes, () => socket.end());
  });
}

function expectV2Error(res: RawAnswer, status: number, scimType?: string) {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  const body = JSON.parse(res.text);
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe('string');
  if (scimType !== undefined) expect(body.scimType).toBe(scimType);
}

function expectV1Error(res: RawAnswer, status: number) {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.text);
  expect(body.Errors).toHaveLength(1);
  expect(body.Errors[0].code).toBe(String(status));
  expect(typeof body.Errors[0].description).toBe('string');
}

async function viaFetch(url: string, init: RequestInit = {}): Promise<RawAnswer> {
  const res = await fetch(url, init);
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

describe('every answer under the SCIM base paths is a SCIM error', () => {
  let roster: RosterUnderTest;
  let scim: ScimClient & { directoryId: string };
  let port: number;
  let groupId: string;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_BODY_LIMIT_BYTES: '4096' });
    scim = await roster.directory();
    port = Number(new URL(roster.origin).port);
    groupId = (await scim.post('/Groups', groupBody('Edge'))).body.id;
  });
  afterAll(() => roster.close());

  for (const version of ['v2', 'v1'] as const) {
    const expectError = version === 'v2' ? expectV2Error : expectV1Error;
    const base = () => `/scim/${version}/${scim.directoryId}`;
    const auth = () => ({ authorization: `Bearer ${scim.token}` });
    const raw = (method: string, path: string, extra = '') =>
      rawRequest(port, `${method} ${base()}${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${scim.token}\r\nConnection: close\r\n${extra}\r\n`);
    const get = (path: string, headers: Record<string, string> = {}) => viaFetch(`${roster.origin}${base()}${path}`, { headers: { ...auth(), ...headers } });
    const send = (method: string, path: string, body: string, type: string) =>
      viaFetch(`${roster.origin}${base()}${path}`, { method, headers: { ...auth(), 'content-type': type }, body });

    const cases: [string, () => Promise<RawAnswer>, number, string?][] = [
      ['an HTTP method the parser does not know', () => raw('FOO', '/Users'), 400],
      ['a method Fastify knows but no route has', () => raw('PROPFIND', '/Users'), 404],
      ['a header block larger than the parser allows', () => get('/Users', { 'x-padding': 'a'.repeat(20_000) }), 431],
      ['an invalid Content-Length', () => raw('POST', '/Users', 'Content-Length: abc\r\n'), 400],
      ['an id longer than the router takes', () => get(`/Users/${'a'.repeat(600)}`), 414],
      ['a path with broken percent-encoding', () => get('/Users/%E0%A4%A'), 400],
      ['an unknown endpoint', () => get('/Nope'), 404],
      ['an unknown path below a resource', () => get('/Users/abc/def'), 404],
      ['an unauthenticated unknown endpoint', () => viaFetch(`${roster.origin}${base()}/Nope`), 401],
      ['a body in XML', () => send('POST', '/Users', '<user/>', 'application/xml'), 415],
      ['a body that is not JSON', () => send('POST', '/Users', '{"userName": ', 'application/scim+json'), 400, 'invalidSyntax'],
      ['a body with __proto__', () => send('POST', '/Users', '{"__proto__": {"x": 1}}', 'application/json'), 400, 'invalidSyntax'],
      ['a body larger than the limit', () => send('POST', '/Users', JSON.stringify({ pad: 'a'.repeat(5000) }), 'application/json'), 413],
      ['filter twice', () => get('/Users?filter=userName%20pr&filter=id%20pr'), 400, 'invalidValue'],
      ['attributes twice', () => get('/Users?attributes=userName&attributes=id'), 400, 'invalidValue'],
      ['count twice in different case', () => get('/Users?count=1&COUNT=2'), 400, 'invalidValue'],
      ['repeated attributes with a cursor on a group', () => get(`/Groups/${groupId}?attributes=x&cursor=..%2F&attributes=%C0%80`), 400, 'invalidValue'],
    ];
    for (const [name, run, status, scimType] of cases) {
      it(`${version}: ${name} → ${status}`, async () => {
        const res = await run();
        if (version === 'v2') expectV2Error(res, status, scimType);
        else expectError(res, status);
      });
    }
  }

  it('the SCIM roots without a directory answer as SCIM errors', async () => {
    expectV2Error(await viaFetch(`${roster.origin}/scim/v2`), 404);
    expectV1Error(await viaFetch(`${roster.origin}/scim/v1`), 404);
    // An empty directory id reaches the directory's routes, which want a token first.
    expectV2Error(await viaFetch(`${roster.origin}/scim/v2/`), 401);
    expectV1Error(await viaFetch(`${roster.origin}/scim/v1/`), 401);
  });

  describe('endpoint names are case-insensitive (RFC 7644 §3.10; Microsoft\'s SCIM test collection sends /users)', () => {
    it('v2: lower- and upper-case endpoint names reach the same routes; ids are kept as sent', async () => {
      const created = await scim.post('/users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Lower.Case@example.com' });
      expect(created.status).toBe(201);
      expect((await scim.get(`/USERS/${created.body.id}`)).body.userName).toBe('Lower.Case@example.com');
      expect((await scim.get(`/Users/${created.body.id.toUpperCase()}`)).status).toBe(404);
      for (const path of ['/users', '/GROUPS', '/schemas', '/resourcetypes', '/serviceproviderconfig', '/Users/.search'.toLowerCase()]) {
        const res = path.endsWith('.search')
          ? await scim.post(path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })
          : await scim.get(path);
        expect(res.status, `${path}: ${res.text}`).toBe(200);
      }
      const bulk = await scim.post('/bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] });
      expect(bulk.status).toBe(200);
      expect((await scim.get('/schemas/urn:ietf:params:scim:schemas:core:2.0:User')).status).toBe(200);
    });

    it('v1: the same for /scim/v1', async () => {
      const v1 = roster.client(`${roster.origin}/scim/v1/${scim.directoryId}`, scim.token);
      for (const path of ['/users', '/groups', '/schemas', '/resourcetypes', '/serviceproviderconfigs', '/SCHEMAS/Users']) {
        const res = await v1.get(path);
        expect(res.status, `${path}: ${res.text}`).toBe(200);
      }
    });
  });

  describe('discovery endpoints are read-only: 405 with Allow: GET', () => {
    const v2Paths = ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', '/schemas'];
    const v1Paths = ['/ServiceProviderConfigs', '/Schemas', '/Schemas/Users', '/ResourceTypes'];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      it(`v2: ${method}`, async () => {
        for (const path of v2Paths) {
          const res = await viaFetch(`${roster.origin}/scim/v2/${scim.directoryId}${path}`, {
            method,
            headers: { authorization: `Bearer ${scim.token}`, ...(method === 'DELETE' ? {} : { 'content-type': 'application/scim+json' }) },
            ...(method === 'DELETE' ? {} : { body: '{}' }),
          });
          expectV2Error(res, 405);
          expect(res.headers.allow, path).toBe('GET');
        }
      });
      it(`v1: ${method}`, async () => {
        for (const path of v1Paths) {
          const res = await viaFetch(`${roster.origin}/scim/v1/${scim.directoryId}${path}`, {
            method,
            headers: { authorization: `Bearer ${scim.token}`, ...(method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
            ...(method === 'DELETE' ? {} : { body: '{}' }),
          });
          expectV1Error(res, 405);
          expect(res.headers.allow, path).toBe('GET');
        }
      });
    }
  });

  it('no request in this file made the server answer 500', () => {
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
