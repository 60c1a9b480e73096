import { describe, expect, it } from 'vitest';
import { importGroupsStep, importUsersStep } from './import-walk.ts';
import { emptyList, listResponse, readPath, resource, scimJson, singleMatch, status, LIST_RESPONSE } from './sim-checks.ts';
import type { SimClient, SimResponse } from './sim-client.ts';
import { splitBaseUrl } from './sim-client.ts';
import { createStepHandle, forEachLimit, type SimContext } from './sim-context.ts';
import { renderReport, StepRecorder } from './sim-report.ts';
import { resolveOptions } from './run-simulation.ts';

const res = (status: number, body?: unknown, contentType = 'application/scim+json; charset=utf-8'): SimResponse => ({
  status,
  contentType: body === undefined ? undefined : contentType,
  body,
  text: body === undefined ? '' : JSON.stringify(body),
  ms: 1,
});
const list = (Resources: unknown[], totalResults = Resources.length, startIndex = 1) => ({ schemas: [LIST_RESPONSE], totalResults, startIndex, itemsPerPage: Resources.length, Resources });

describe('checks, as the IdPs apply them', () => {
  it('a ListResponse needs integer paging numbers and a Resources array (Okta, Entra)', () => {
    expect(listResponse()(res(200, list([{ id: 'a' }])))).toEqual([]);
    expect(listResponse()(res(200, { ...list([]), totalResults: '0' })).join()).toMatch(/totalResults.*not an integer/);
    expect(listResponse()(res(200, { schemas: [LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0 })).join()).toMatch(/Resources/);
    expect(listResponse()(res(200, { ...list([{ id: 'a' }]), itemsPerPage: 5 })).join()).toMatch(/itemsPerPage/);
    expect(listResponse({ startIndex: false })(res(200, { ...list([]), startIndex: undefined }))).toEqual([]);
  });

  it('Entra wants application/scim+json; Okta also takes application/json', () => {
    expect(scimJson(true)(res(200, {}, 'application/json'))).toHaveLength(1);
    expect(scimJson(false)(res(200, {}, 'application/json'))).toEqual([]);
    expect(scimJson(true)(res(204))).toEqual([]);
  });

  it('a create must return a resource with an id ("Create new user returned empty user")', () => {
    expect(resource()(res(201, {}))).toEqual(['the resource has no "id"']);
    expect(resource()({ ...res(201), text: '' })).toEqual(['the response has no resource (empty body)']);
    expect(resource('x')(res(200, { id: 'y' }))).toEqual(['"id" is y, expected x']);
  });

  it('lookups: empty before create (404 accepted from Okta), exactly one afterwards', () => {
    expect(emptyList(true)(res(404, { status: '404' }))).toEqual([]);
    expect(emptyList(false)(res(200, list([{ id: 'a' }])))).toHaveLength(1);
    expect(singleMatch('a')(res(200, list([{ id: 'a' }])))).toEqual([]);
    expect(singleMatch('a')(res(200, list([{ id: 'b' }])))).toHaveLength(1);
    expect(status(201)(res(0))).toEqual(['no response (unknown error)']);
  });

  it('readPath reads dotted, filtered and extension paths ignoring case', () => {
    const user = { Name: { familyName: 'J' }, emails: [{ type: 'home', value: 'h' }, { type: 'work', value: 'w' }], 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 'm' } } };
    expect(readPath(user, 'name.familyName')).toBe('J');
    expect(readPath(user, 'emails[type eq "work"].value')).toBe('w');
    expect(readPath(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value')).toBe('m');
  });
});

/** A fake server: each GET path answers from `pages`, in order of startIndex. */
function fakeClient(answer: (path: string) => SimResponse): SimClient & { paths: string[] } {
  const paths: string[] = [];
  return { base: 'http://fake', paths, send: async (_m, path) => (paths.push(path), answer(path)), close: async () => {} };
}

function context(client: SimClient, users: Array<[number, string]>, groups: Array<[number, string, string[]]> = []): SimContext {
  return {
    client,
    options: resolveOptions({ idp: 'okta', baseUrl: 'http://fake', token: 't', users: 250, groups: 1 }),
    run: 'test',
    expected: {
      users: new Map(users.map(([i, id]) => [i, { index: i, id, values: { userName: `u${i}` } }])),
      groups: new Map(groups.map(([j, id, members]) => [j, { index: j, id, displayName: `g${j}`, members: new Set(members) }])),
    },
  };
}

async function runStep(ctx: SimContext, step: ReturnType<typeof importUsersStep>) {
  const recorder = new StepRecorder(step.name);
  await step.run(ctx, createStepHandle(ctx.client, recorder, () => {}));
  return recorder.finish();
}

describe('the import walk', () => {
  const users = Array.from({ length: 250 }, (_, i) => ({ id: `id${i}`, userName: `u${i}` }));
  const page = (path: string, rows: typeof users) => {
    const start = Number(/startIndex=(\d+)/.exec(path)![1]);
    return res(200, list(rows.slice(start - 1, start - 1 + 100), rows.length, start));
  };

  it('pages by startIndex += 100 until totalResults and finds every resource once', async () => {
    const client = fakeClient((p) => page(p, users));
    const report = await runStep(context(client, users.map((u, i) => [i, u.id])), importUsersStep(false));
    expect(client.paths).toEqual(['/Users?startIndex=1&count=100', '/Users?startIndex=101&count=100', '/Users?startIndex=201&count=100']);
    expect(report.failures).toBe(0);
  });

  it('reports unstable ordering: an id on two pages, another never seen', async () => {
    const shuffled = (p: string) => (p.includes('startIndex=101') ? page(p, [...users.slice(0, 100), users[5]!, ...users.slice(101)]) : page(p, users));
    const report = await runStep(context(fakeClient(shuffled), users.map((u, i) => [i, u.id])), importUsersStep(false));
    expect(report.errors.join('\n')).toMatch(/id5 came twice/);
    expect(report.errors.join('\n')).toMatch(/id100, written by this run, is missing/);
  });

  it('reports a server that pages shorter than asked (Okta would skip resources)', async () => {
    const short = (p: string) => {
      const start = Number(/startIndex=(\d+)/.exec(p)![1]);
      return res(200, list(users.slice(start - 1, start + 49), users.length, start));
    };
    const report = await runStep(context(fakeClient(short), [[0, 'id0']]), importUsersStep(false));
    expect(report.errors.join('\n')).toMatch(/would skip/);
  });

  it('reports a group whose members differ from what was pushed (e.g. emptied by a removal)', async () => {
    const client = fakeClient(() => res(200, list([{ id: 'g0', displayName: 'g0', members: [] }])));
    const report = await runStep(context(client, [], [[0, 'g0', ['a', 'b']]]), importGroupsStep(true));
    expect(report.errors.join('\n')).toMatch(/members differ \(missing 2/);
  });

  it('stops on a page that is not a ListResponse', async () => {
    const client = fakeClient(() => res(500, { detail: 'boom' }));
    const report = await runStep(context(client, [[0, 'id0']]), importUsersStep(true));
    expect(client.paths).toHaveLength(1);
    expect(report.errors[0]).toMatch(/expected 200, got 500: boom/);
  });
});

describe('run options and helpers', () => {
  it('bounds every count', () => {
    expect(() => resolveOptions({ idp: 'okta', baseUrl: 'http://x', token: 't', users: 0, groups: 1 })).toThrow(RangeError);
    expect(() => resolveOptions({ idp: 'okta', baseUrl: 'http://x', token: 't', users: 1e9, groups: 1 })).toThrow(RangeError);
    expect(() => resolveOptions({ idp: 'keycloak' as 'okta', baseUrl: 'http://x', token: 't', users: 1, groups: 1 })).toThrow(/idp must be/);
    expect(resolveOptions({ idp: 'entra', baseUrl: 'http://x', token: 't', users: 3, groups: 1, members: 50 }).members).toBe(3);
  });

  it('keeps the tenant-URL flag of a pasted base URL', () => {
    expect(splitBaseUrl('https://h/scim/v2/d/?aadOptscim062020')).toEqual({ base: 'https://h/scim/v2/d', query: 'aadOptscim062020' });
  });

  it('forEachLimit never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
    expect(peak).toBe(3);
  });

  it('renders the per-step table with failures and the verdict', () => {
    const text = renderReport({
      idp: 'okta', baseUrl: 'http://x', users: 1, groups: 0, members: 0, requests: 2, failures: 1, durationMs: 10, ok: false,
      steps: [{ step: 'create-users', requests: 2, failures: 1, p50Ms: 1.25, durationMs: 3, errors: ['POST /Users: expected 201, got 500'] }],
    });
    expect(text).toMatch(/create-users\s+2\s+1\s+1\.3/);
    expect(text).toContain('FAIL create-users: POST /Users: expected 201, got 500');
    expect(text).toMatch(/FAILED: 2 requests, 1 failures/);
  });
});
