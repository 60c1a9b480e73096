import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAttrPath, parseScimFilter } from '../scim/filter/parse-filter.ts';
import { groupResourceType, userResourceType } from '../scim/schemas/resource-types.ts';
import type { AdminKeyRecord, DirectoryRecord, EventRecord, GroupRecord, NewEvent, NewGroup, NewUser, ResourceJson, TokenRecord, UserRecord } from './records.ts';
import { UniqueViolationError, WriteConflictError } from './store-errors.ts';
import type { ListOptions, Listed, Store } from './store.ts';
import { runOpsStoreContract } from './ops-store-contract.ts';

/** A store opened for the suite, and how to dispose of it (and of its database). */
export interface OpenedStore {
  readonly store: Store;
  readonly close: () => Promise<void>;
}

/** Timestamps `n` seconds after a fixed instant, in the store's format (ISO 8601, UTC, milliseconds). */
const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

/**
 * The behaviour every Store must have, whatever the engine: each query the domain runs, with exact
 * results. Each engine calls this once (store.contract.test.ts); a gap an engine cannot close is
 * listed there with its reason, never hidden. Every test makes its own directories (random ids), so
 * tests share one database without seeing each other's rows.
 */
export function runStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(name, () => {
    let opened: OpenedStore | undefined;
    let store: Store;
    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    // ---- fixtures -------------------------------------------------------------------------------

    function directoryRecord(overrides: Partial<DirectoryRecord> = {}): DirectoryRecord {
      return {
        id: randomUUID(),
        name: 'Acme',
        idp: 'okta',
        status: 'active',
        createdAt: at(0),
        updatedAt: at(0),
        passwordMode: 'ignore',
        ipAllowlist: null,
        customAttributes: [],
        ...overrides,
      };
    }

    async function createDirectory(overrides: Partial<DirectoryRecord> = {}): Promise<string> {
      const record = directoryRecord(overrides);
      await store.read((q) => q.directories.insert(record));
      return record.id;
    }

    function newUser(directoryId: string, resource: ResourceJson, overrides: Partial<NewUser> = {}): NewUser {
      return { id: randomUUID(), directoryId, resource, version: 1, createdAt: at(1), updatedAt: at(1), ...overrides };
    }

    /** Inserts a user and returns it as the store reads it back (with its seq). */
    async function createUser(directoryId: string, resource: ResourceJson, overrides: Partial<NewUser> = {}): Promise<UserRecord> {
      const user = newUser(directoryId, resource, overrides);
      await store.read((q) => q.users.insert(user));
      const read = await store.read((q) => q.users.get(directoryId, user.id));
      if (!read) throw new Error('inserted user not found');
      return read;
    }

    function newGroup(directoryId: string, displayName: string, overrides: Partial<NewGroup> = {}): NewGroup {
      return { id: randomUUID(), directoryId, resource: { displayName }, memberCount: 0, version: 1, createdAt: at(1), updatedAt: at(1), ...overrides };
    }

    async function createGroup(directoryId: string, displayName: string, overrides: Partial<NewGroup> = {}): Promise<GroupRecord> {
      const group = newGroup(directoryId, displayName, overrides);
      await store.read((q) => q.groups.insert(group));
      const read = await store.read((q) => q.groups.get(directoryId, group.id));
      if (!read) throw new Error('inserted group not found');
      return read;
    }

    async function addMembers(directoryId: string, groupId: string, ...memberIds: string[]): Promise<void> {
      await store.write((q) => q.members.add(directoryId, groupId, memberIds.map((memberId) => ({ memberId, memberType: 'User' as const, display: null }))));
    }

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected the promise to reject');
    }

    const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);
    const sorted = (values: readonly string[]) => [...values].sort();

    // ---- store ----------------------------------------------------------------------------------

    describe('store', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('applies no migration twice', async () => {
        expect(await store.migrate()).toEqual([]);
      });
    });

    // ---- directories ----------------------------------------------------------------------------

    describe('directories', () => {
      it('reads back an inserted directory with its settings parsed', async () => {
        const record = directoryRecord({
          passwordMode: 'store',
          ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
          customAttributes: [{ name: 'costCenter', type: 'string', multiValued: false, caseExact: false, description: 'Where the cost goes' }],
        });
        await store.read((q) => q.directories.insert(record));
        expect(await store.read((q) => q.directories.get(record.id))).toEqual(record);
      });

      it('reads back a directory without settings as null allow-list and no custom attributes', async () => {
        const record = directoryRecord();
        await store.read((q) => q.directories.insert(record));
        expect(await store.read((q) => q.directories.get(record.id))).toEqual(record);
      });

      it('returns undefined for an unknown id', async () => {
        expect(await store.read((q) => q.directories.get(randomUUID()))).toBeUndefined();
      });

      it('lists directories not deleted, oldest first', async () => {
        // Inserted out of creation order, so the order must come from createdAt.
        const later = directoryRecord({ createdAt: at(30), updatedAt: at(30) });
        const deleted = directoryRecord({ createdAt: at(20), updatedAt: at(20), status: 'deleted' });
        const paused = directoryRecord({ createdAt: at(15), updatedAt: at(15), status: 'paused' });
        const earlier = directoryRecord({ createdAt: at(10), updatedAt: at(10) });
        for (const r of [later, deleted, paused, earlier]) await store.read((q) => q.directories.insert(r));
        const mine = new Set([later.id, deleted.id, paused.id, earlier.id]);
        const listed = (await store.read((q) => q.directories.list())).filter((d) => mine.has(d.id));
        expect(listed).toEqual([earlier, paused, later]);
      });

      it('updates only the given fields', async () => {
        const record = directoryRecord({ ipAllowlist: ['192.0.2.0/24'] });
        await store.read((q) => q.directories.insert(record));
        const changes = {
          name: 'Acme EU',
          status: 'paused' as const,
          updatedAt: at(5),
          passwordMode: 'store' as const,
          customAttributes: [{ name: 'level', type: 'integer' as const, multiValued: false, caseExact: false, description: '' }],
        };
        expect(await store.read((q) => q.directories.update(record.id, changes))).toBe(true);
        expect(await store.read((q) => q.directories.get(record.id))).toEqual({ ...record, ...changes });
      });

      it('clears the allow-list and custom attributes', async () => {
        const record = directoryRecord({ ipAllowlist: ['192.0.2.0/24'], customAttributes: [{ name: 'x', type: 'boolean', multiValued: false, caseExact: false, description: '' }] });
        await store.read((q) => q.directories.insert(record));
        expect(await store.read((q) => q.directories.update(record.id, { ipAllowlist: null, customAttributes: [] }))).toBe(true);
        expect(await store.read((q) => q.directories.get(record.id))).toEqual({ ...record, ipAllowlist: null, customAttributes: [] });
      });

      it('returns false when updating an unknown id', async () => {
        expect(await store.read((q) => q.directories.update(randomUUID(), { name: 'nobody' }))).toBe(false);
      });

      it('counts the users and groups of one directory', async () => {
        const d = await createDirectory();
        const other = await createDirectory();
        await createUser(d, { userName: 'a' });
        await createUser(d, { userName: 'b' });
        await createGroup(d, 'G');
        await createUser(other, { userName: 'c' });
        expect(await store.read((q) => q.directories.counts(d))).toEqual({ users: 2, groups: 1 });
        expect(await store.read((q) => q.directories.counts(other))).toEqual({ users: 1, groups: 0 });
        const empty = await createDirectory();
        expect(await store.read((q) => q.directories.counts(empty))).toEqual({ users: 0, groups: 0 });
      });

      it('purges users, groups, memberships and passwords but keeps the directory row', async () => {
        const record = directoryRecord();
        await store.read((q) => q.directories.insert(record));
        const d = record.id;
        const user = await createUser(d, { userName: 'ann' });
        const group = await createGroup(d, 'Staff');
        await addMembers(d, group.id, user.id);
        await store.write((q) => q.passwords.set(d, user.id, 'scrypt$old', at(2)));
        // Another directory's data stays.
        const other = await createDirectory();
        const otherUser = await createUser(other, { userName: 'ann' });
        const otherGroup = await createGroup(other, 'Staff');
        await addMembers(other, otherGroup.id, otherUser.id);
        await store.write((q) => q.passwords.set(other, otherUser.id, 'scrypt$other', at(2)));

        await store.write((q) => q.directories.purgeData(d));

        expect(await store.read((q) => q.directories.get(d))).toEqual(record);
        expect(await store.read((q) => q.directories.counts(d))).toEqual({ users: 0, groups: 0 });
        expect(await store.read((q) => q.users.get(d, user.id))).toBeUndefined();
        expect(await store.read((q) => q.groups.get(d, group.id))).toBeUndefined();
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
        // The password row went too: the same user id written again has no password.
        await store.read((q) => q.users.insert(newUser(d, { userName: 'ann', active: true }, { id: user.id })));
        expect(await store.read((q) => q.passwords.findByUserName(d, 'ann'))).toEqual({ hash: null, active: true });

        expect(await store.read((q) => q.directories.counts(other))).toEqual({ users: 1, groups: 1 });
        expect(await store.read((q) => q.members.page(otherGroup.id, 0, 10))).toEqual([expect.objectContaining({ memberId: otherUser.id })]);
        expect(await store.read((q) => q.passwords.findByUserName(other, 'ann'))).toEqual({ hash: 'scrypt$other', active: null });
      });
    });

    // ---- tokens ---------------------------------------------------------------------------------

    describe('tokens', () => {
      function tokenRecord(directoryId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
        return {
          id: randomUUID(),
          directoryId,
          tokenHash: randomUUID().replaceAll('-', ''),
          prefix: 'rst_ab12',
          label: 'Okta',
          createdAt: at(1),
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null,
          ...overrides,
        };
      }

      it('reads back an inserted token', async () => {
        const token = tokenRecord(await createDirectory(), { label: null, expiresAt: at(1000) });
        await store.read((q) => q.tokens.insert(token));
        expect(await store.read((q) => q.tokens.get(token.id))).toEqual(token);
        expect(await store.read((q) => q.tokens.get(randomUUID()))).toBeUndefined();
      });

      it('finds a token by hash with its directory, settings parsed', async () => {
        const directory = directoryRecord({
          status: 'paused',
          passwordMode: 'store',
          ipAllowlist: ['203.0.113.0/24'],
          customAttributes: [{ name: 'badge', type: 'string', multiValued: true, caseExact: true, description: 'Badge codes' }],
        });
        await store.read((q) => q.directories.insert(directory));
        const token = tokenRecord(directory.id, { lastUsedAt: at(3) });
        await store.read((q) => q.tokens.insert(token));
        expect(await store.read((q) => q.tokens.findWithDirectory(token.tokenHash))).toEqual({ token, directory });
        expect(await store.read((q) => q.tokens.findWithDirectory('0'.repeat(64)))).toBeUndefined();
      });

      it('finds a token of a directory without settings', async () => {
        const directory = directoryRecord();
        await store.read((q) => q.directories.insert(directory));
        const token = tokenRecord(directory.id);
        await store.read((q) => q.tokens.insert(token));
        expect(await store.read((q) => q.tokens.findWithDirectory(token.tokenHash))).toEqual({ token, directory });
      });

      it('lists the tokens of one directory, oldest first', async () => {
        const d = await createDirectory();
        const newest = tokenRecord(d, { createdAt: at(30) });
        const oldest = tokenRecord(d, { createdAt: at(10) });
        const middle = tokenRecord(d, { createdAt: at(20), revokedAt: at(25) });
        for (const t of [newest, oldest, middle, tokenRecord(await createDirectory())]) await store.read((q) => q.tokens.insert(t));
        expect(await store.read((q) => q.tokens.listForDirectory(d))).toEqual([oldest, middle, newest]);
        expect(await store.read((q) => q.tokens.listForDirectory(randomUUID()))).toEqual([]);
      });

      it('updates expiry, revocation and last use, each alone', async () => {
        const token = tokenRecord(await createDirectory(), { expiresAt: at(100) });
        await store.read((q) => q.tokens.insert(token));
        expect(await store.read((q) => q.tokens.update(token.id, { lastUsedAt: at(5) }))).toBe(true);
        expect(await store.read((q) => q.tokens.get(token.id))).toEqual({ ...token, lastUsedAt: at(5) });
        expect(await store.read((q) => q.tokens.update(token.id, { revokedAt: at(6) }))).toBe(true);
        expect(await store.read((q) => q.tokens.update(token.id, { expiresAt: null }))).toBe(true);
        expect(await store.read((q) => q.tokens.get(token.id))).toEqual({ ...token, lastUsedAt: at(5), revokedAt: at(6), expiresAt: null });
      });

      it('returns false when updating an unknown token', async () => {
        expect(await store.read((q) => q.tokens.update(randomUUID(), { revokedAt: at(1) }))).toBe(false);
      });

      it('refuses a second token with the same hash', async () => {
        const d = await createDirectory();
        const token = tokenRecord(d);
        await store.read((q) => q.tokens.insert(token));
        const error = await rejection(store.read((q) => q.tokens.insert(tokenRecord(d, { tokenHash: token.tokenHash }))));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error).toMatchObject({ table: 'tokens', columns: ['token_hash'] });
      });
    });

    // ---- admin keys -----------------------------------------------------------------------------

    describe('adminKeys', () => {
      function adminKeyRecord(overrides: Partial<AdminKeyRecord> = {}): AdminKeyRecord {
        return { id: randomUUID(), keyHash: randomUUID().replaceAll('-', ''), prefix: 'rsa_cd34', label: 'ops', createdAt: at(1), revokedAt: null, lastUsedAt: null, ...overrides };
      }

      it('finds a key by hash', async () => {
        const key = adminKeyRecord({ label: null });
        await store.read((q) => q.adminKeys.insert(key));
        expect(await store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual(key);
        expect(await store.read((q) => q.adminKeys.findByHash('f'.repeat(64)))).toBeUndefined();
      });

      it('lists keys oldest first', async () => {
        const newer = adminKeyRecord({ createdAt: at(20) });
        const older = adminKeyRecord({ createdAt: at(10), revokedAt: at(11) });
        for (const k of [newer, older]) await store.read((q) => q.adminKeys.insert(k));
        const listed = (await store.read((q) => q.adminKeys.list())).filter((k) => k.id === newer.id || k.id === older.id);
        expect(listed).toEqual([older, newer]);
      });

      it('updates revocation and last use', async () => {
        const key = adminKeyRecord();
        await store.read((q) => q.adminKeys.insert(key));
        expect(await store.read((q) => q.adminKeys.update(key.id, { lastUsedAt: at(7) }))).toBe(true);
        expect(await store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual({ ...key, lastUsedAt: at(7) });
        expect(await store.read((q) => q.adminKeys.update(key.id, { revokedAt: at(8) }))).toBe(true);
        expect(await store.read((q) => q.adminKeys.findByHash(key.keyHash))).toEqual({ ...key, lastUsedAt: at(7), revokedAt: at(8) });
        expect(await store.read((q) => q.adminKeys.update(randomUUID(), { revokedAt: at(8) }))).toBe(false);
      });
    });

    // ---- users ----------------------------------------------------------------------------------

    describe('users', () => {
      it('reads back an inserted user with a seq, in its own directory only', async () => {
        const d = await createDirectory();
        const resource = {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'Ann.Lee@example.com',
          name: { givenName: 'Ann', familyName: 'Lee' },
          emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
          active: true,
          displayName: 'Ann Lee ✓',
        };
        const user = newUser(d, resource);
        await store.read((q) => q.users.insert(user));
        const read = await store.read((q) => q.users.get(d, user.id));
        expect(read).toEqual({ ...user, seq: expect.any(Number) });
        expect(Number.isInteger(read!.seq) && read!.seq > 0).toBe(true);
        const elsewhere = await createDirectory();
        expect(await store.read((q) => q.users.get(elsewhere, user.id))).toBeUndefined();
        expect(await store.read((q) => q.users.get(d, randomUUID()))).toBeUndefined();
      });

      it('gives later users a larger seq', async () => {
        const d = await createDirectory();
        const a = await createUser(d, { userName: 'a' });
        const b = await createUser(d, { userName: 'b' });
        expect(b.seq).toBeGreaterThan(a.seq);
      });

      it('locks a user inside a write and returns it', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        expect(await store.write((q) => q.users.lock(d, user.id))).toEqual(user);
        expect(await store.write((q) => q.users.lock(d, randomUUID()))).toBeUndefined();
        expect(await store.write((q) => q.users.lock(randomUUID(), user.id))).toBeUndefined();
      });

      it('updates at the expected version and refuses a stale one, writing nothing', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann', active: true });
        const v2 = { id: user.id, directoryId: d, resource: { userName: 'ann', active: false, title: 'CTO' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) };
        expect(await store.write((q) => q.users.update(v2, user))).toBe(true);
        expect(await store.read((q) => q.users.get(d, user.id))).toEqual({ ...v2, seq: user.seq });

        const stale = { ...v2, resource: { userName: 'zed' }, version: 3, updatedAt: at(10) };
        expect(await store.write((q) => q.users.update(stale, user))).toBe(false);
        expect(await store.read((q) => q.users.get(d, user.id))).toEqual({ ...v2, seq: user.seq });
        // Nor did the refused write touch the indexed columns.
        const filter = parseScimFilter('userName eq "zed"');
        expect(await store.read((q) => q.users.count({ directoryId: d, type: userResourceType, filter }))).toBe(0);
        expect(await store.read((q) => q.passwords.findByUserName(d, 'ann'))).toEqual({ hash: null, active: false });
      });

      it('refuses an update addressed to another directory', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        const moved = { id: user.id, directoryId: await createDirectory(), resource: { userName: 'ann' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) };
        expect(await store.write((q) => q.users.update(moved, user))).toBe(false);
        expect(await store.read((q) => q.users.get(d, user.id))).toEqual(user);
      });

      it('deletes a user once, and only in its directory', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        const elsewhere = await createDirectory();
        expect(await store.write((q) => q.users.delete(elsewhere, user.id))).toBe(false);
        expect(await store.read((q) => q.users.get(d, user.id))).toEqual(user);
        expect(await store.write((q) => q.users.delete(d, user.id))).toBe(true);
        expect(await store.read((q) => q.users.get(d, user.id))).toBeUndefined();
        expect(await store.write((q) => q.users.delete(d, user.id))).toBe(false);
      });

      it('refuses a userName differing only in case within a directory, as UniqueViolationError', async () => {
        const d = await createDirectory();
        await createUser(d, { userName: 'Ann@Example.com' });
        const error = await rejection(store.read((q) => q.users.insert(newUser(d, { userName: 'ann@example.COM' }))));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error).toMatchObject({ table: 'users', columns: ['directory_id', 'user_name_lower'] });
        expect(await store.read((q) => q.directories.counts(d))).toEqual({ users: 1, groups: 0 });
      });

      it('allows the same userName in another directory', async () => {
        const d = await createDirectory();
        const other = await createDirectory();
        await createUser(d, { userName: 'Ann@Example.com' });
        const user = await createUser(other, { userName: 'ann@example.com' });
        expect(user.resource).toEqual({ userName: 'ann@example.com' });
      });

      it('refuses an update to a userName another user holds', async () => {
        const d = await createDirectory();
        await createUser(d, { userName: 'ann' });
        const bob = await createUser(d, { userName: 'bob' });
        const renamed = { id: bob.id, directoryId: d, resource: { userName: 'ANN' }, version: 2, createdAt: bob.createdAt, updatedAt: at(9) };
        const error = await rejection(store.write((q) => q.users.update(renamed, bob)));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(await store.read((q) => q.users.get(d, bob.id))).toEqual(bob);
      });

      it('finds existing ids beyond one statement', async () => {
        const d = await createDirectory();
        const a = await createUser(d, { userName: 'a' });
        const b = await createUser(d, { userName: 'b' });
        const probe = [a.id, ...Array.from({ length: 1200 }, () => randomUUID()), b.id];
        expect(await store.read((q) => q.users.existingIds(d, probe))).toEqual(new Set([a.id, b.id]));
      });

      it('lists only the ids that exist in the directory', async () => {
        const d = await createDirectory();
        const other = await createDirectory();
        const a = await createUser(d, { userName: 'a' });
        const b = await createUser(d, { userName: 'b' });
        const elsewhere = await createUser(other, { userName: 'c' });
        const found = await store.read((q) => q.users.existingIds(d, [a.id, elsewhere.id, randomUUID(), b.id]));
        expect(found).toEqual(new Set([a.id, b.id]));
        expect(await store.read((q) => q.users.existingIds(d, []))).toEqual(new Set());
      });

      it('reads a user with its groups in group order', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        const first = await createGroup(d, 'First');
        const second = await createGroup(d, 'Second');
        // Added to the newer group first: the order is the groups', not the memberships'.
        await addMembers(d, second.id, user.id);
        await addMembers(d, first.id, user.id);
        expect(await store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({
          user,
          groups: [
            { id: first.id, displayName: 'First' },
            { id: second.id, displayName: 'Second' },
          ],
        });
      });

      it('reads a user without groups with an empty list, and no user as undefined', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        expect(await store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [] });
        expect(await store.read((q) => q.users.getWithGroups(d, randomUUID()))).toBeUndefined();
        const elsewhere = await createDirectory();
        expect(await store.read((q) => q.users.getWithGroups(elsewhere, user.id))).toBeUndefined();
      });

      describe('list and count', () => {
        let d: string;
        /** carol(b) alice(–, inactive) Bob(a) dave(b) erin(–), inserted in this order. */
        let carol: UserRecord, alice: UserRecord, bob: UserRecord, dave: UserRecord, erin: UserRecord;
        beforeAll(async () => {
          d = await createDirectory();
          carol = await createUser(d, { userName: 'carol', externalId: 'b', active: true });
          alice = await createUser(d, { userName: 'alice', active: false });
          bob = await createUser(d, { userName: 'Bob', externalId: 'a', active: true });
          dave = await createUser(d, { userName: 'dave', externalId: 'b' });
          erin = await createUser(d, { userName: 'erin' });
          // Another directory's users never show.
          const other = await createDirectory();
          await createUser(other, { userName: 'alice', externalId: 'a' });
        });

        const list = (options: Omit<ListOptions, 'directoryId' | 'type' | 'offset' | 'limit'> & Partial<ListOptions> = {}) =>
          store.read((q) => q.users.list({ directoryId: d, type: userResourceType, offset: 0, limit: 100, ...options }));
        const byExternalId = parseAttrPath('externalId');
        const byUserName = parseAttrPath('userName');

        it('lists in insertion order without sortKey when unsorted', async () => {
          const rows = await list();
          expect(rows).toEqual([carol, alice, bob, dave, erin]);
          for (const row of rows) expect(row).not.toHaveProperty('sortKey');
        });

        it('filters', async () => {
          expect(ids(await list({ filter: parseScimFilter('externalId eq "b"') }))).toEqual([carol.id, dave.id]);
          expect(ids(await list({ filter: parseScimFilter('userName eq "BOB"') }))).toEqual([bob.id]);
          expect(ids(await list({ filter: parseScimFilter('active eq false or not (externalId pr)') }))).toEqual([alice.id, erin.id]);
        });

        it('pages with offset and limit', async () => {
          expect(ids(await list({ offset: 1, limit: 2 }))).toEqual([alice.id, bob.id]);
          expect(ids(await list({ offset: 4, limit: 2 }))).toEqual([erin.id]);
          expect(await list({ offset: 5, limit: 2 })).toEqual([]);
        });

        it('sorts ascending by a caseExact-false attribute, with its folded key', async () => {
          const rows = await list({ sortBy: byUserName });
          expect(ids(rows)).toEqual([alice.id, bob.id, carol.id, dave.id, erin.id]);
          expect(rows.map((r) => r.sortKey)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
          expect(rows[1]).toEqual({ ...bob, sortKey: 'bob' });
        });

        it('sorts descending', async () => {
          expect(ids(await list({ sortBy: byUserName, descending: true }))).toEqual([erin.id, dave.id, carol.id, bob.id, alice.id]);
        });

        it('ignores descending without sortBy', async () => {
          expect(ids(await list({ descending: true }))).toEqual([carol.id, alice.id, bob.id, dave.id, erin.id]);
        });

        it('sorts missing values last ascending, ties by seq', async () => {
          const rows = await list({ sortBy: byExternalId });
          expect(ids(rows)).toEqual([bob.id, carol.id, dave.id, alice.id, erin.id]);
          expect(rows.map((r) => r.sortKey)).toEqual(['a', 'b', 'b', null, null]);
        });

        it('sorts missing values first descending, ties by seq descending', async () => {
          const rows = await list({ sortBy: byExternalId, descending: true });
          expect(ids(rows)).toEqual([erin.id, alice.id, dave.id, carol.id, bob.id]);
          expect(rows.map((r) => r.sortKey)).toEqual([null, null, 'b', 'b', 'a']);
        });

        it('sorts, filters and pages together', async () => {
          const filter = parseScimFilter('active pr');
          expect(ids(await list({ filter, sortBy: byUserName, offset: 1, limit: 1 }))).toEqual([bob.id]);
        });

        it('pages by keyset after a seq when unsorted', async () => {
          expect(ids(await list({ after: { seq: alice.seq } }))).toEqual([bob.id, dave.id, erin.id]);
          expect(ids(await list({ after: { seq: alice.seq }, limit: 2 }))).toEqual([bob.id, dave.id]);
          expect(await list({ after: { seq: erin.seq } })).toEqual([]);
        });

        it('pages by keyset after (key, seq) ascending', async () => {
          expect(ids(await list({ sortBy: byExternalId, after: { seq: bob.seq, key: 'a' } }))).toEqual([carol.id, dave.id, alice.id, erin.id]);
          expect(ids(await list({ sortBy: byExternalId, after: { seq: carol.seq, key: 'b' } }))).toEqual([dave.id, alice.id, erin.id]);
          expect(ids(await list({ sortBy: byExternalId, after: { seq: dave.seq, key: 'b' } }))).toEqual([alice.id, erin.id]);
          expect(ids(await list({ sortBy: byExternalId, after: { seq: alice.seq, key: null } }))).toEqual([erin.id]);
          expect(await list({ sortBy: byExternalId, after: { seq: erin.seq, key: null } })).toEqual([]);
        });

        it('pages by keyset after (key, seq) descending', async () => {
          const desc = { sortBy: byExternalId, descending: true };
          expect(ids(await list({ ...desc, after: { seq: erin.seq, key: null } }))).toEqual([alice.id, dave.id, carol.id, bob.id]);
          expect(ids(await list({ ...desc, after: { seq: alice.seq, key: null } }))).toEqual([dave.id, carol.id, bob.id]);
          expect(ids(await list({ ...desc, after: { seq: dave.seq, key: 'b' } }))).toEqual([carol.id, bob.id]);
          expect(await list({ ...desc, after: { seq: bob.seq, key: 'a' } })).toEqual([]);
        });

        it('walks a sorted list page by page with the returned sortKey, without gaps or repeats', async () => {
          for (const descending of [false, true]) {
            const seen: string[] = [];
            let after: { seq: number; key: string | number | null } | undefined;
            for (;;) {
              const page: Listed<UserRecord>[] = await list({ sortBy: byExternalId, descending, limit: 2, after });
              if (page.length === 0) break;
              seen.push(...ids(page));
              const last = page[page.length - 1]!;
              after = { seq: last.seq, key: last.sortKey ?? null };
            }
            expect(seen).toEqual(ids(await list({ sortBy: byExternalId, descending })));
          }
        });

        it('counts with and without a filter', async () => {
          const count = (filter?: string) => store.read((q) => q.users.count({ directoryId: d, type: userResourceType, filter: filter === undefined ? undefined : parseScimFilter(filter) }));
          expect(await count()).toBe(5);
          expect(await count('externalId eq "b"')).toBe(2);
          expect(await count('userName sw "A"')).toBe(1);
          expect(await count('userName eq "nobody"')).toBe(0);
        });
      });
    });

    // ---- groups ---------------------------------------------------------------------------------

    describe('groups', () => {
      it('reads back an inserted group', async () => {
        const d = await createDirectory();
        const group = newGroup(d, 'Engineering', { resource: { displayName: 'Engineering', externalId: 'eng-1' }, memberCount: 3 });
        await store.read((q) => q.groups.insert(group));
        expect(await store.read((q) => q.groups.get(d, group.id))).toEqual({ ...group, seq: expect.any(Number) });
        const elsewhere = await createDirectory();
        expect(await store.read((q) => q.groups.get(elsewhere, group.id))).toBeUndefined();
        expect(await store.write((q) => q.groups.lock(d, group.id))).toEqual(await store.read((q) => q.groups.get(d, group.id)));
      });

      it('updates at the expected version and refuses a stale one', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const v2 = { id: group.id, directoryId: d, resource: { displayName: 'Engineering' }, memberCount: 0, version: 2, createdAt: group.createdAt, updatedAt: at(9) };
        expect(await store.write((q) => q.groups.update(v2, group))).toBe(true);
        expect(await store.write((q) => q.groups.update({ ...v2, resource: { displayName: 'Stale' }, version: 3 }, group))).toBe(false);
        expect(await store.read((q) => q.groups.get(d, group.id))).toEqual({ ...v2, seq: group.seq });
      });

      it('refuses a displayName differing only in case within a directory', async () => {
        const d = await createDirectory();
        await createGroup(d, 'Admins');
        const error = await rejection(store.read((q) => q.groups.insert(newGroup(d, 'ADMINS'))));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error).toMatchObject({ table: 'groups', columns: ['directory_id', 'display_name_lower'] });
        await createGroup(await createDirectory(), 'admins');
      });

      it('deletes a group with its membership rows', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        const group = await createGroup(d, 'Eng');
        const kept = await createGroup(d, 'Ops');
        await addMembers(d, group.id, user.id);
        await addMembers(d, kept.id, user.id);
        expect(await store.write((q) => q.groups.delete(d, group.id))).toBe(true);
        expect(await store.read((q) => q.groups.get(d, group.id))).toBeUndefined();
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
        expect(await store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [{ id: kept.id, displayName: 'Ops' }] });
        expect(await store.write((q) => q.groups.delete(d, group.id))).toBe(false);
      });

      it('lists, sorts, pages and counts like users', async () => {
        const d = await createDirectory();
        const b = await createGroup(d, 'beta', { resource: { displayName: 'beta', externalId: 'x' } });
        const a = await createGroup(d, 'Alpha');
        const c = await createGroup(d, 'gamma', { resource: { displayName: 'gamma', externalId: 'x' } });
        await createGroup(await createDirectory(), 'Alpha');
        const list = (options: Partial<ListOptions>) => store.read((q) => q.groups.list({ directoryId: d, type: groupResourceType, offset: 0, limit: 100, ...options }));
        expect(await list({})).toEqual([b, a, c]);
        const sortedRows = await list({ sortBy: parseAttrPath('displayName') });
        expect(ids(sortedRows)).toEqual([a.id, b.id, c.id]);
        expect(sortedRows.map((r) => r.sortKey)).toEqual(['alpha', 'beta', 'gamma']);
        expect(ids(await list({ sortBy: parseAttrPath('displayName'), descending: true, after: { seq: c.seq, key: 'gamma' } }))).toEqual([b.id, a.id]);
        expect(ids(await list({ filter: parseScimFilter('externalId eq "x"') }))).toEqual([b.id, c.id]);
        expect(ids(await list({ after: { seq: b.seq }, limit: 1 }))).toEqual([a.id]);
        expect(await store.read((q) => q.groups.count({ directoryId: d, type: groupResourceType }))).toBe(3);
        expect(await store.read((q) => q.groups.count({ directoryId: d, type: groupResourceType, filter: parseScimFilter('displayName eq "ALPHA"') }))).toBe(1);
        expect(await store.read((q) => q.groups.existingIds(d, [a.id, randomUUID(), c.id]))).toEqual(new Set([a.id, c.id]));
      });

      it('touches groups: adjusts the member count and bumps version and updatedAt', async () => {
        const d = await createDirectory();
        const g1 = await createGroup(d, 'One', { memberCount: 2 });
        const g2 = await createGroup(d, 'Two', { memberCount: 5 });
        const untouched = await createGroup(d, 'Three', { memberCount: 1 });
        await store.write((q) => q.groups.touch([g1.id, g2.id], 3, at(50)));
        expect(await store.read((q) => q.groups.get(d, g1.id))).toEqual({ ...g1, memberCount: 5, version: 2, updatedAt: at(50) });
        expect(await store.read((q) => q.groups.get(d, g2.id))).toEqual({ ...g2, memberCount: 8, version: 2, updatedAt: at(50) });
        await store.write((q) => q.groups.touch([g1.id], -1, at(60)));
        expect(await store.read((q) => q.groups.get(d, g1.id))).toEqual({ ...g1, memberCount: 4, version: 3, updatedAt: at(60) });
        await store.write((q) => q.groups.touch([], 1, at(70)));
        expect(await store.read((q) => q.groups.get(d, untouched.id))).toEqual(untouched);
      });

      it('maps members to their groups, oldest group first', async () => {
        const d = await createDirectory();
        const ann = await createUser(d, { userName: 'ann' });
        const bob = await createUser(d, { userName: 'bob' });
        const loner = await createUser(d, { userName: 'loner' });
        const older = await createGroup(d, 'Older');
        const newer = await createGroup(d, 'Newer');
        await addMembers(d, newer.id, ann.id, bob.id);
        await addMembers(d, older.id, ann.id);
        const map = await store.read((q) => q.groups.ofMembers(d, [ann.id, bob.id, loner.id]));
        expect(map).toEqual(
          new Map([
            [ann.id, [{ id: older.id, displayName: 'Older' }, { id: newer.id, displayName: 'Newer' }]],
            [bob.id, [{ id: newer.id, displayName: 'Newer' }]],
          ]),
        );
        const elsewhere = await createDirectory();
        expect(await store.read((q) => q.groups.ofMembers(elsewhere, [ann.id]))).toEqual(new Map());
        expect(await store.read((q) => q.groups.ofMembers(d, []))).toEqual(new Map());
      });
    });

    // ---- members --------------------------------------------------------------------------------

    describe('members', () => {
      it('adds only members not already present and returns their ids', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
        const m = (memberId: string) => ({ memberId, memberType: 'User' as const, display: null });
        expect(sorted(await store.write((q) => q.members.add(d, group.id, [m(a), m(b)])))).toEqual(sorted([a, b]));
        expect(await store.write((q) => q.members.add(d, group.id, [m(b), m(c), m(c)]))).toEqual([c]);
        expect(await store.write((q) => q.members.add(d, group.id, [m(a)]))).toEqual([]);
        expect(await store.write((q) => q.members.add(d, group.id, []))).toEqual([]);
        expect((await store.read((q) => q.members.page(group.id, 0, 10))).map((r) => r.memberId)).toEqual([a, b, c]);
      });

      it('removes only present members and returns their ids', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
        await addMembers(d, group.id, a, b, c);
        expect(sorted(await store.write((q) => q.members.remove(group.id, [c, randomUUID(), a])))).toEqual(sorted([a, c]));
        expect(await store.write((q) => q.members.remove(group.id, [a]))).toEqual([]);
        expect(await store.write((q) => q.members.remove(group.id, []))).toEqual([]);
        expect((await store.read((q) => q.members.page(group.id, 0, 10))).map((r) => r.memberId)).toEqual([b]);
      });

      it('pages members in insertion order, filling display when none was given', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const named = await createUser(d, { userName: 'ann', displayName: 'Ann Lee' });
        const unnamed = await createUser(d, { userName: 'bob' });
        const labelled = await createUser(d, { userName: 'cy', displayName: 'Cy' });
        const nested = await createGroup(d, 'Platform');
        await store.write((q) =>
          q.members.add(d, group.id, [
            { memberId: unnamed.id, memberType: 'User', display: null },
            { memberId: named.id, memberType: 'User', display: null },
            { memberId: labelled.id, memberType: 'User', display: 'As the IdP sent it' },
            { memberId: nested.id, memberType: 'Group', display: null },
          ]),
        );
        const all = await store.read((q) => q.members.page(group.id, 0, 10));
        expect(all).toEqual([
          { seq: expect.any(Number), memberId: unnamed.id, memberType: 'User', display: 'bob' },
          { seq: expect.any(Number), memberId: named.id, memberType: 'User', display: 'Ann Lee' },
          { seq: expect.any(Number), memberId: labelled.id, memberType: 'User', display: 'As the IdP sent it' },
          { seq: expect.any(Number), memberId: nested.id, memberType: 'Group', display: 'Platform' },
        ]);
        const seqs = all.map((r) => r.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(await store.read((q) => q.members.page(group.id, all[0]!.seq, 2))).toEqual(all.slice(1, 3));
        expect(await store.read((q) => q.members.page(group.id, all[3]!.seq, 2))).toEqual([]);
      });

      it('follows a renamed member when display was not given', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const user = await createUser(d, { userName: 'ann' });
        await addMembers(d, group.id, user.id);
        await store.write((q) => q.users.update({ id: user.id, directoryId: d, resource: { userName: 'ann', displayName: 'Ann Lee' }, version: 2, createdAt: user.createdAt, updatedAt: at(9) }, user));
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([{ seq: expect.any(Number), memberId: user.id, memberType: 'User', display: 'Ann Lee' }]);
      });

      it('shows display null for a member that is neither a user nor a group', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const gone = randomUUID();
        await addMembers(d, group.id, gone);
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([{ seq: expect.any(Number), memberId: gone, memberType: 'User', display: null }]);
      });

      // The IN lists are cut into chunks below every engine's parameter cap; 1,201 ids span three.
      it('adds, finds, maps and removes more members than one statement takes', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Everyone');
        const many = Array.from({ length: 1201 }, () => randomUUID());
        const m = (memberId: string) => ({ memberId, memberType: 'User' as const, display: null });
        expect(sorted(await store.write((q) => q.members.add(d, group.id, many.map(m))))).toEqual(sorted(many));
        expect(await store.write((q) => q.members.add(d, group.id, many.map(m)))).toEqual([]);
        const map = await store.read((q) => q.groups.ofMembers(d, many));
        expect(map.size).toBe(many.length);
        expect(map.get(many[1200]!)).toEqual([{ id: group.id, displayName: 'Everyone' }]);
        expect((await store.read((q) => q.members.page(group.id, 0, 2000))).map((r) => r.memberId)).toEqual(many);
        expect(sorted(await store.write((q) => q.members.remove(group.id, many)))).toEqual(sorted(many));
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
      });

      it('removes a member everywhere and returns the affected groups', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        const other = await createUser(d, { userName: 'bob' });
        const [g1, g2, g3] = [await createGroup(d, 'One'), await createGroup(d, 'Two'), await createGroup(d, 'Three')];
        await addMembers(d, g1.id, user.id, other.id);
        await addMembers(d, g3.id, user.id);
        await addMembers(d, g2.id, other.id);
        expect(sorted(await store.write((q) => q.members.removeEverywhere(user.id)))).toEqual(sorted([g1.id, g3.id]));
        expect(await store.read((q) => q.users.getWithGroups(d, user.id))).toEqual({ user, groups: [] });
        expect((await store.read((q) => q.members.page(g1.id, 0, 10))).map((r) => r.memberId)).toEqual([other.id]);
        expect(await store.write((q) => q.members.removeEverywhere(user.id))).toEqual([]);
      });
    });

    // ---- passwords ------------------------------------------------------------------------------

    describe('passwords', () => {
      it('stores then replaces a hash, found by the lowercased userName', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'Ann.Lee@Example.com', active: true });
        await store.write((q) => q.passwords.set(d, user.id, 'scrypt$1', at(2)));
        expect(await store.read((q) => q.passwords.findByUserName(d, 'ann.lee@example.com'))).toEqual({ hash: 'scrypt$1', active: true });
        await store.write((q) => q.passwords.set(d, user.id, 'scrypt$2', at(3)));
        expect(await store.read((q) => q.passwords.findByUserName(d, 'ann.lee@example.com'))).toEqual({ hash: 'scrypt$2', active: true });
      });

      it('reports active as true, false or null', async () => {
        const d = await createDirectory();
        await createUser(d, { userName: 'on', active: true });
        await createUser(d, { userName: 'off', active: false });
        await createUser(d, { userName: 'unset' });
        expect(await store.read((q) => q.passwords.findByUserName(d, 'on'))).toEqual({ hash: null, active: true });
        expect(await store.read((q) => q.passwords.findByUserName(d, 'off'))).toEqual({ hash: null, active: false });
        expect(await store.read((q) => q.passwords.findByUserName(d, 'unset'))).toEqual({ hash: null, active: null });
      });

      it('finds no user of another directory or of an unknown name', async () => {
        const d = await createDirectory();
        const user = await createUser(d, { userName: 'ann' });
        await store.write((q) => q.passwords.set(d, user.id, 'scrypt$1', at(2)));
        const elsewhere = await createDirectory();
        expect(await store.read((q) => q.passwords.findByUserName(elsewhere, 'ann'))).toBeUndefined();
        expect(await store.read((q) => q.passwords.findByUserName(d, 'nobody'))).toBeUndefined();
      });
    });

    // ---- events ---------------------------------------------------------------------------------

    describe('events', () => {
      function newEvent(directoryId: string | null, overrides: Partial<NewEvent> = {}): NewEvent {
        return {
          id: randomUUID(),
          type: 'user.created',
          schemaVersion: 1,
          at: at(1),
          directoryId,
          resourceType: 'User',
          resourceId: randomUUID(),
          data: { userName: 'ann' },
          changed: null,
          ...overrides,
        };
      }

      async function append(...events: NewEvent[]): Promise<void> {
        for (const e of events) await store.write((q) => q.events.append(e));
      }

      it('lists appended events in order, with data and changed round-tripped', async () => {
        const d = await createDirectory();
        const created = newEvent(d, { data: { userName: 'ann', nested: { n: 1.5, flags: [true, false, null], text: 'Zoë ✓ "quoted"' } } });
        const updated = newEvent(d, { type: 'user.updated', schemaVersion: 2, at: at(2), data: { active: false }, changed: ['active', 'name.givenName'] });
        const removed = newEvent(d, { type: 'user.deleted', at: at(3), data: null, changed: [] });
        await append(created, updated, removed);
        const listed = await store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }));
        expect(listed).toEqual([created, updated, removed].map((e) => ({ ...e, seq: expect.any(Number) })));
        const seqs = listed.map((e) => e.seq);
        expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
      });

      it('pages after a seq with a limit', async () => {
        const d = await createDirectory();
        const events = [newEvent(d), newEvent(d), newEvent(d), newEvent(d)];
        await append(...events);
        const all = await store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }));
        const page = await store.read((q) => q.events.list({ afterSeq: all[0]!.seq, limit: 2, directoryId: d }));
        expect(page.map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
        expect(await store.read((q) => q.events.list({ afterSeq: all[3]!.seq, limit: 2, directoryId: d }))).toEqual([]);
      });

      it('filters by directory, and lists every directory without one', async () => {
        const d = await createDirectory();
        const other = await createDirectory();
        const mine = newEvent(d);
        await append(mine);
        const [first] = await store.read((q) => q.events.list({ afterSeq: 0, limit: 1, directoryId: d }));
        const theirs = newEvent(other);
        const orgWide = newEvent(null, { type: 'directory.created', resourceType: 'Directory', resourceId: other });
        const mineAgain = newEvent(d);
        await append(theirs, orgWide, mineAgain);
        expect((await store.read((q) => q.events.list({ afterSeq: 0, limit: 100, directoryId: d }))).map((e) => e.id)).toEqual([mine.id, mineAgain.id]);
        // Tests in one file run one after another, so nothing else was appended since `first`.
        const since = await store.read((q) => q.events.list({ afterSeq: first!.seq, limit: 100 }));
        expect(since).toEqual([theirs, orgWide, mineAgain].map((e) => ({ ...e, seq: expect.any(Number) })));
        expect((since[1] as EventRecord).directoryId).toBeNull();
      });
    });

    runOpsStoreContract(() => store);

    // ---- transactions ---------------------------------------------------------------------------

    describe('transactions', () => {
      it('rolls back every write of a transaction that throws', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const user = newUser(d, { userName: 'ann' });
        const event = { id: randomUUID(), type: 'user.created', schemaVersion: 1, at: at(1), directoryId: d, resourceType: 'User', resourceId: user.id, data: {}, changed: null };
        const boom = new Error('boom');
        const error = await rejection(
          store.write(async (q) => {
            await q.users.insert(user);
            await q.members.add(d, group.id, [{ memberId: user.id, memberType: 'User', display: null }]);
            await q.groups.touch([group.id], 1, at(5));
            await q.directories.update(d, { name: 'renamed' });
            await q.events.append(event);
            throw boom;
          }),
        );
        expect(error).toBe(boom);
        expect(await store.read((q) => q.users.get(d, user.id))).toBeUndefined();
        expect(await store.read((q) => q.members.page(group.id, 0, 10))).toEqual([]);
        expect(await store.read((q) => q.groups.get(d, group.id))).toEqual(group);
        expect((await store.read((q) => q.directories.get(d)))?.name).toBe('Acme');
        expect(await store.read((q) => q.events.list({ afterSeq: 0, limit: 10, directoryId: d }))).toEqual([]);
      });

      it('concurrent writes stay independent: one that fails undoes only itself, the others commit', async () => {
        const d = await createDirectory();
        await createUser(d, { userName: 'taken' });
        const ok = Array.from({ length: 12 }, (_, i) => newUser(d, { userName: `parallel-${i}` }));
        const results = await Promise.allSettled([
          ...ok.map((u) => store.write((q) => q.users.insert(u))),
          store.write(async (q) => {
            await q.users.insert(newUser(d, { userName: 'half-written' }));
            throw new Error('boom');
          }),
          store.write((q) => q.users.insert(newUser(d, { userName: 'TAKEN' }))),
        ]);
        expect(results.map((r) => r.status)).toEqual([...ok.map(() => 'fulfilled'), 'rejected', 'rejected']);
        expect((results.at(-1) as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolationError);
        for (const u of ok) expect(await store.read((q) => q.users.get(d, u.id))).toEqual({ ...u, seq: expect.any(Number) });
        const all = await store.read((q) => q.users.list({ directoryId: d, type: userResourceType, offset: 0, limit: 100 }));
        expect(all.map((u) => u.resource.userName).sort()).toEqual(['taken', ...ok.map((u) => u.resource.userName as string)].sort());
      });

      it('rolls back earlier writes when a later one violates a unique index', async () => {
        const d = await createDirectory();
        await createUser(d, { userName: 'taken' });
        const first = newUser(d, { userName: 'fresh' });
        const error = await rejection(
          store.write(async (q) => {
            await q.users.insert(first);
            await q.users.insert(newUser(d, { userName: 'TAKEN' }));
          }),
        );
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(await store.read((q) => q.users.get(d, first.id))).toBeUndefined();
      });

      it('runs again after a WriteConflictError and commits only the second attempt', async () => {
        const d = await createDirectory();
        const lost = newUser(d, { userName: 'lost' });
        const won = newUser(d, { userName: 'won' });
        let attempts = 0;
        const result = await store.write(async (q) => {
          attempts++;
          if (attempts === 1) {
            await q.users.insert(lost);
            throw new WriteConflictError();
          }
          await q.users.insert(won);
          return 'committed';
        });
        expect(result).toBe('committed');
        expect(attempts).toBe(2);
        expect(await store.read((q) => q.users.get(d, lost.id))).toBeUndefined();
        expect(await store.read((q) => q.users.get(d, won.id))).toEqual({ ...won, seq: expect.any(Number) });
      });

      it('gives up on a transaction that conflicts every time, with WriteConflictError', async () => {
        const d = await createDirectory();
        const users: NewUser[] = [];
        const error = await rejection(
          store.write(async (q) => {
            const user = newUser(d, { userName: `try-${users.length}` });
            users.push(user);
            await q.users.insert(user);
            throw new WriteConflictError();
          }),
        );
        expect(error).toBeInstanceOf(WriteConflictError);
        expect(users.length).toBeGreaterThan(1);
        expect(await store.read((q) => q.directories.counts(d))).toEqual({ users: 0, groups: 0 });
      });

      it('does not run again after any other error', async () => {
        let attempts = 0;
        const error = await rejection(
          store.write(async () => {
            attempts++;
            throw new TypeError('not a conflict');
          }),
        );
        expect(error).toBeInstanceOf(TypeError);
        expect(attempts).toBe(1);
      });

      it('sees its own writes inside the transaction', async () => {
        const d = await createDirectory();
        const group = await createGroup(d, 'Eng');
        const user = newUser(d, { userName: 'ann', displayName: 'Ann' });
        const seen = await store.write(async (q) => {
          await q.users.insert(user);
          await q.members.add(d, group.id, [{ memberId: user.id, memberType: 'User', display: null }]);
          await q.groups.touch([group.id], 1, at(5));
          return {
            user: await q.users.get(d, user.id),
            count: await q.users.count({ directoryId: d, type: userResourceType }),
            members: await q.members.page(group.id, 0, 10),
            group: await q.groups.lock(d, group.id),
            withGroups: await q.users.getWithGroups(d, user.id),
          };
        });
        expect(seen.user).toEqual({ ...user, seq: expect.any(Number) });
        expect(seen.count).toBe(1);
        expect(seen.members).toEqual([{ seq: expect.any(Number), memberId: user.id, memberType: 'User', display: 'Ann' }]);
        expect(seen.group).toEqual({ ...group, memberCount: 1, version: 2, updatedAt: at(5) });
        expect(seen.withGroups).toEqual({ user: seen.user, groups: [{ id: group.id, displayName: 'Eng' }] });
      });
    });
  });
}
