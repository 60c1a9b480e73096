import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/create-sqlite-store.ts';
import { requestDetails } from '../src/http/ops/request-details.ts';
const dir = mkdtempSync(path.join(tmpdir(), 'micro-'));
const store = createSqliteStore(path.join(dir, 'r.db'), { synchronous: 'normal' });
await store.migrate();
const id = crypto.randomUUID();
await store.write((q) => q.directories.insert({ id, name: 'x', idp: 'okta', status: 'active', createdAt: '2026', updatedAt: '2026', passwordMode: 'ignore', ipAllowlist: null, customAttributes: [] }));
const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'user123@example.com', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'user123@example.com', type: 'work', primary: true }], active: true, externalId: 'abc' });
function entries(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const d = requestDetails({ rawBody: body, body: JSON.parse(body), rewritten: false, pathId: undefined, location: `http://x/scim/v2/${id}/Users/${crypto.randomUUID()}`, bulkLocations: [], maxChars: 16384 });
    return { directoryId: id, at: new Date().toISOString(), requestId: 'req-' + i, idp: 'okta', version: 'v2' as const, method: 'POST', path: `/scim/v2/${id}/Users`, query: null, operation: 'User.create', status: 201, latencyMs: 1.2, rewrites: null, error: null, ...d() };
  });
}
for (let round = 0; round < 5; round++) {
  const t0 = performance.now();
  const e = entries(750);
  const t1 = performance.now();
  await store.write((q) => q.requestLog.insertMany(e));
  const t2 = performance.now();
  console.log(`750 entries: details ${(t1 - t0).toFixed(1)} ms, insert ${(t2 - t1).toFixed(1)} ms`);
}
await store.close();
