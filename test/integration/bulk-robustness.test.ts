import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { ERROR_SCHEMA } from '../helpers/expect-scim-error.ts';
import { GROUP_SCHEMA, startRoster, userBody, type RosterUnderTest, type ScimClient } from '../helpers/start-roster.ts';

/**
 * `/Bulk` under load and bad operations (issue 8, items 3 and 4): every operation-level failure is
 * that operation's error in the BulkResponse, never a 500 after earlier operations committed; a long
 * bulk yields between operations so other directories are served; bulkId chains resolve in order.
 */

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const bulk = (operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_REQUEST], ...extra, Operations: operations });
type BulkResult = { method: string; bulkId?: string; status: string; location?: string; version?: string; response?: Record<string, any> };

/** JSON text nested `depth` objects deep (JSON.stringify itself overflows the stack on such values). */
const DEEP = '"__deep__"';
const nested = (depth: number) => '{"a":'.repeat(depth) + '"leaf"' + '}'.repeat(depth);

describeEachEngine('bulk robustness over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({ ROSTER_BULK_MAX_OPERATIONS: '1000', ROSTER_BULK_MAX_PAYLOAD_BYTES: String(4 * 1024 * 1024) }, engine);
  });
  afterAll(() => roster.close());

  const userNames = async (scim: ScimClient) => ((await scim.get('/Users?count=1000')).body.Resources as { userName: string }[]).map((u) => u.userName).sort();

  it('a non-string version and data nested 5,000 deep fail their own operations; the others land', async () => {
    const scim = await roster.directory();
    const existing = (await scim.post('/Users', userBody('existing@example.com'))).body;
    const text = JSON.stringify(
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'a', data: userBody('a@example.com') },
        { method: 'PUT', path: `/Users/${existing.id}`, version: 1, data: userBody('existing@example.com', { displayName: 'Changed' }) },
        { method: 'POST', path: '/Users', bulkId: 'deep', data: { ...userBody('deep@example.com'), deep: '__deep__' } },
        { method: 'PATCH', path: `/Users/${existing.id}`, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: '__deep__' }] } },
        { method: 'POST', path: '/Users', bulkId: 'b', data: userBody('b@example.com') },
      ]),
    ).replaceAll(DEEP, nested(5000));
    const res = await scim.post('/Bulk', text);
    expect(res.status, res.text).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.map((o) => o.status)).toEqual(['201', '400', '400', '400', '201']);
    for (const failed of [ops[1]!, ops[2]!, ops[3]!]) {
      expect(failed.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue' });
      expect(typeof failed.response!.detail).toBe('string');
    }
    expect(await userNames(scim)).toEqual(['a@example.com', 'b@example.com', 'existing@example.com']);
    expect((await scim.get(`/Users/${existing.id}`)).body.displayName).toBeUndefined();
  });

  it('an unexpected error in one operation is that operation\'s 500; earlier and later operations land', async () => {
    const scim = await roster.directory();
    const groups = roster.services.groups as { create: (...args: any[]) => Promise<any> };
    const original = groups.create;
    // Stands in for any bug below the route: a plain Error, not a ScimError.
    groups.create = async (...args: any[]) => {
      if ((args[1] as { displayName?: string })?.displayName === 'Boom') throw new TypeError('boom');
      return original(...args);
    };
    try {
      const res = await scim.post(
        '/Bulk',
        bulk([
          { method: 'POST', path: '/Users', bulkId: 'u1', data: userBody('u1@example.com') },
          { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: 'Boom' } },
          { method: 'POST', path: '/Users', bulkId: 'u2', data: userBody('u2@example.com') },
        ]),
      );
      expect(res.status, res.text).toBe(200);
      const ops = res.body.Operations as BulkResult[];
      expect(ops.map((o) => o.status)).toEqual(['201', '500', '201']);
      expect(ops[1]!.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '500' });
      expect(JSON.stringify(ops[1]!.response)).not.toContain('boom');
      expect(await userNames(scim)).toEqual(['u1@example.com', 'u2@example.com']);
    } finally {
      groups.create = original;
    }
  });

  it('a chain of 300 bulkId references listed backwards resolves, each group containing the next', async () => {
    const scim = await roster.directory();
    const n = 300;
    const pad = 'p'.repeat(200);
    // Operation i creates group i with group i+1 as its member; the last group comes first in the list's end.
    const operations = Array.from({ length: n }, (_, i) => ({
      method: 'POST',
      path: '/Groups',
      bulkId: `${pad}${i}`,
      data: { schemas: [GROUP_SCHEMA], displayName: `Chain ${i}`, ...(i < n - 1 ? { members: [{ value: `bulkId:${pad}${i + 1}`, type: 'Group' }] } : {}) },
    }));
    const res = await scim.post('/Bulk', bulk(operations));
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    const ops = res.body.Operations as BulkResult[];
    expect(ops.every((o) => o.status === '201')).toBe(true);
    const idOf = (i: number) => ops[i]!.location!.split('/').pop()!;
    for (const i of [0, 1, n - 2]) {
      expect(((await scim.get(`/Groups/${idOf(i)}`)).body.members as { value: string }[]).map((m) => m.value)).toEqual([idOf(i + 1)]);
    }
  });

  it('other directories and /healthz are answered while a 1,000-operation bulk runs', async () => {
    const busy = await roster.directory();
    const other = await roster.directory();
    await other.post('/Users', userBody('other@example.com'));
    const operations = Array.from({ length: 1000 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userBody(`load${i}@example.com`) }));
    let bulkDone = false;
    const running = busy.post('/Bulk', bulk(operations)).then((res) => {
      bulkDone = true;
      return res;
    });
    // Wait until the bulk has landed some operations, asking through the busy directory itself.
    let landed = 0;
    while (landed === 0 && !bulkDone) {
      landed = (await busy.get('/Users?count=0')).body.totalResults;
    }
    const health = await fetch(`${roster.origin}/healthz`);
    const read = await other.get('/Users');
    const during = await busy.get('/Users?count=0');
    const doneBeforeAnswers = bulkDone;
    const res = await running;
    expect(res.status).toBe(200);
    expect((res.body.Operations as BulkResult[]).filter((o) => o.status === '201')).toHaveLength(1000);
    expect(health.status).toBe(200);
    expect(read.body.totalResults).toBe(1);
    expect(doneBeforeAnswers).toBe(false);
    expect(during.body.totalResults).toBeGreaterThan(0);
    expect(during.body.totalResults).toBeLessThan(1000);
  });

  it('no request in this file made the server answer 5xx', () => {
    expect(roster.logs()).not.toMatch(/"statusCode":5\d\d/);
  });
});
