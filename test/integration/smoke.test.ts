import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/engines.ts';
import { startRoster, userBody, type RosterUnderTest } from '../helpers/start-roster.ts';

describeEachEngine('a directory over HTTP', (engine) => {
  let roster: RosterUnderTest;
  beforeAll(async () => {
    roster = await startRoster({}, engine);
  });
  afterAll(() => roster.close());

  it('creates a user and finds it by userName ignoring case', async () => {
    const scim = await roster.directory();
    const created = await scim.post('/Users', userBody('Ada@Example.com'));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${scim.baseUrl}/Users/${created.body.id}`);
    const found = await scim.get('/Users?filter=userName%20eq%20%22ada%40example.com%22');
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(created.body.id);
  });

  it('stores an enterprise attribute sent without its URN under the enterprise extension', async () => {
    const scim = await roster.directory();
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const created = await scim.post('/Users', userBody('short.names@example.com', { department: 'Sales', manager: { value: 'm-1' } }));
    expect(created.status).toBe(201);
    expect(created.body[ENT]).toEqual({ department: 'Sales', manager: { value: 'm-1' } });
    expect(created.body.department).toBeUndefined();
    expect(created.body.schemas).toContain(ENT);
    const found = await scim.get(`/Users?filter=${encodeURIComponent(`${ENT}:department eq "sales"`)}`);
    expect(found.body.totalResults).toBe(1);
  });

  it('accepts a DELETE that carries a JSON content type and no body', async () => {
    const scim = await roster.directory();
    const created = await scim.post('/Users', userBody('leaver@example.com'));
    const deleted = await scim.request('DELETE', `/Users/${created.body.id}`, undefined, { 'content-type': 'application/scim+json' });
    expect(deleted.status).toBe(204);
    const empty = await scim.request('POST', '/Users', '', { 'content-type': 'application/scim+json' });
    expect(empty.status).toBe(400);
    expect(empty.body.scimType).toBe('invalidSyntax');
  });
});
