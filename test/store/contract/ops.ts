import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, RequestLogEntry } from '../../../src/store/ops-records.ts';
import type { Store } from '../../../src/store/store.ts';

/**
 * The store contract of the request log, the audit log and the provisioning status queries; run by
 * runStoreContract (store-contract.ts) on every engine, against the store it opened.
 */
export function runOpsStoreContract(storeOf: () => Store): void {
  const at = (n: number, year = 2026): string => new Date(Date.UTC(year, 0, 1) + n * 1000).toISOString();

  async function createDirectory(store: Store): Promise<string> {
    const id = randomUUID();
    await store.read((q) => q.directories.insert({ id, name: 'Ops', idp: 'okta', status: 'active', createdAt: at(0), updatedAt: at(0), passwordMode: 'ignore', ipAllowlist: null, customAttributes: [] }));
    return id;
  }

  function entry(directoryId: string, overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
    return {
      directoryId,
      at: at(1),
      requestId: randomUUID(),
      idp: 'okta',
      version: 'v2',
      method: 'POST',
      path: `/scim/v2/${directoryId}/Users`,
      query: null,
      operation: 'User.create',
      status: 201,
      latencyMs: 1.25,
      received: '{"userName":"ann"}',
      receivedSize: 18,
      normalized: null,
      rewrites: null,
      resources: [randomUUID()],
      subjects: [],
      error: null,
      ...overrides,
    };
  }

  describe('request log', () => {
    it('reads back a batch newest first, every field round-tripped', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      const first = entry(d, { subjects: ['Ann'] });
      const second = entry(d, {
        at: at(2),
        method: 'PATCH',
        version: 'v1',
        query: 'filter=userName%20eq%20%22%E2%80%A6%22',
        operation: 'User.patch',
        status: 400,
        latencyMs: 0.5,
        normalized: '{"Operations":[]}',
        rewrites: [{ quirk: 'entra-capitalized-op', at: 'Operations[0]', detail: 'op "Replace" → "replace"' }],
        resources: null,
        received: null,
        receivedSize: null,
        error: 'bad "thing" ✓',
        idp: null,
      });
      await store.write((q) => q.requestLog.insertMany([first, second]));
      const listed = await store.read((q) => q.requestLog.list({ directoryId: d, limit: 10 }));
      const { subjects: _a, ...firstRecord } = first;
      const { subjects: _b, ...secondRecord } = second;
      expect(listed).toEqual([
        { ...secondRecord, seq: expect.any(Number) },
        { ...firstRecord, seq: expect.any(Number) },
      ]);
      expect(listed[0]!.seq).toBeGreaterThan(listed[1]!.seq);
    });

    it('inserts more entries than one statement takes', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      await store.write((q) => q.requestLog.insertMany(Array.from({ length: 250 }, () => entry(d))));
      expect(await store.read((q) => q.requestLog.count(d, at(0)))).toEqual({ requests: 250, errors: 0 });
    });

    it('filters by status range, subject, time, and pages before a seq', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      const other = await createDirectory(store);
      const ok = entry(d, { at: at(10), subjects: ['u-1', 'john_doe'] });
      const bad = entry(d, { at: at(20), status: 409, subjects: ['u-2', 'johnxdoe'] });
      const failed = entry(d, { at: at(30), status: 503, subjects: ['u-1'] });
      await store.write((q) => q.requestLog.insertMany([ok, bad, failed, entry(other, { status: 409, subjects: ['u-1'] })]));
      const list = (f: object) => store.read((q) => q.requestLog.list({ directoryId: d, limit: 10, ...f })).then((rows) => rows.map((r) => r.requestId));
      expect(await list({ status: { min: 400, max: 499 } })).toEqual([bad.requestId]);
      expect(await list({ status: { min: 400, max: 599 } })).toEqual([failed.requestId, bad.requestId]);
      expect(await list({ subject: 'U-1' })).toEqual([failed.requestId, ok.requestId]);
      // `_` is a LIKE wildcard: escaped, it matches itself only.
      expect(await list({ subject: 'john_doe' })).toEqual([ok.requestId]);
      expect(await list({ subject: 'u-' })).toEqual([]);
      expect(await list({ since: at(20), until: at(30) })).toEqual([bad.requestId]);
      const [newest] = await store.read((q) => q.requestLog.list({ directoryId: d, limit: 1 }));
      expect(await list({ before: { at: newest!.at, seq: newest!.seq }, limit: 1 })).toEqual([bad.requestId]);
    });

    it('counts requests and errors since a time, and knows the last request', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      expect(await store.read((q) => q.requestLog.lastAt(d))).toBeUndefined();
      await store.write((q) => q.requestLog.insertMany([entry(d, { at: at(5) }), entry(d, { at: at(15), status: 404 }), entry(d, { at: at(25), status: 500 }), entry(d, { at: at(26) })]));
      expect(await store.read((q) => q.requestLog.count(d, at(10)))).toEqual({ requests: 3, errors: 2 });
      expect(await store.read((q) => q.requestLog.count(d, at(100)))).toEqual({ requests: 0, errors: 0 });
      expect(await store.read((q) => q.requestLog.lastAt(d))).toBe(at(26));
    });

    it('purges entries older than a time, at most a limit at once', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      // Years before every other test's entries, so the purge touches only these.
      await store.write((q) => q.requestLog.insertMany([entry(d, { at: at(1, 2001) }), entry(d, { at: at(2, 2001) }), entry(d, { at: at(3, 2001) }), entry(d, { at: at(1, 2003) })]));
      expect(await store.write((q) => q.requestLog.purgeBefore(at(0, 2002), 2))).toBe(2);
      expect(await store.write((q) => q.requestLog.purgeBefore(at(0, 2002), 2))).toBe(1);
      expect(await store.write((q) => q.requestLog.purgeBefore(at(0, 2002), 2))).toBe(0);
      expect((await store.read((q) => q.requestLog.list({ directoryId: d, limit: 10 }))).map((r) => r.at)).toEqual([at(1, 2003)]);
    });
  });

  describe('audit log', () => {
    function audit(directoryId: string | null, overrides: Partial<AuditEntry> = {}): AuditEntry {
      return {
        id: randomUUID(),
        at: at(1),
        actor: { type: 'admin_key', id: randomUUID(), label: 'rsk_ab12 (ops)', address: '127.0.0.1' },
        action: 'directory.update',
        targetType: 'Directory',
        targetId: directoryId ?? randomUUID(),
        directoryId,
        before: { name: 'A', nested: { n: 1 } },
        after: { name: 'B ✓' },
        ...overrides,
      };
    }

    it('reads back entries newest first, filtered by directory, actor, action, time and position', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      const first = audit(d, { at: at(10) });
      const cli = audit(d, { at: at(20), action: 'token.revoke', actor: { type: 'cli', id: 'ops', label: 'cli', address: null }, before: null, after: null });
      const orgWide = audit(null, { at: at(30), action: 'admin_key.create', targetType: 'AdminKey', before: null });
      for (const e of [first, cli, orgWide]) await store.write((q) => q.audit.append(e));
      const list = (f: object) => store.read((q) => q.audit.list({ limit: 10, ...f }));
      expect(await list({ directoryId: d })).toEqual([cli, first].map((e) => ({ ...e, seq: expect.any(Number) })));
      expect((await list({ actorId: 'ops' })).map((e) => e.id)).toEqual([cli.id]);
      expect((await list({ action: 'admin_key.create', since: at(30), until: at(31) })).map((e) => e.id)).toEqual([orgWide.id]);
      const [newest] = await list({ directoryId: d, limit: 1 });
      expect((await list({ directoryId: d, beforeSeq: newest!.seq })).map((e) => e.id)).toEqual([first.id]);
    });
  });

  describe('provisioning status', () => {
    it('counts a directory’s memberships', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      const group = { id: randomUUID(), directoryId: d, resource: { displayName: 'Eng' }, memberCount: 0, version: 1, createdAt: at(1), updatedAt: at(1) };
      await store.write(async (q) => {
        await q.groups.insert(group);
        await q.members.add(d, group.id, [randomUUID(), randomUUID()].map((memberId) => ({ memberId, memberType: 'User' as const, display: null })));
      });
      expect(await store.read((q) => q.ops.countMemberships(d))).toBe(2);
    });

    it('finds tokens expiring in a window, not revoked, and remembers each warning once', async () => {
      const store = storeOf();
      const d = await createDirectory(store);
      const token = (expiresAt: string | null, revokedAt: string | null = null) => ({
        id: randomUUID(),
        directoryId: d,
        tokenHash: randomUUID(),
        prefix: 'rst_x',
        label: null,
        createdAt: at(0, 2030),
        expiresAt,
        revokedAt,
        lastUsedAt: null,
      });
      // Far in the future, so no other test's tokens fall in the window.
      const soon = token(at(3600, 2031));
      const later = token(at(86_400 * 30, 2031));
      const revoked = token(at(3600, 2031), at(0, 2031));
      const past = token(at(-10, 2031));
      for (const t of [soon, later, revoked, past]) await store.write((q) => q.tokens.insert(t));
      const found = await store.read((q) => q.ops.tokensExpiringBy(at(0, 2031), at(86_400 * 14, 2031)));
      expect(found).toEqual([soon]);
      expect(await store.write((q) => q.ops.markExpiryWarned(soon.id, 14, at(0, 2031)))).toBe(true);
      expect(await store.write((q) => q.ops.markExpiryWarned(soon.id, 14, at(1, 2031)))).toBe(false);
      expect(await store.write((q) => q.ops.markExpiryWarned(soon.id, 1, at(1, 2031)))).toBe(true);
    });
  });
}
