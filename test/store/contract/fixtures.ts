import { randomUUID } from 'node:crypto';
import type { DirectoryRecord, GroupRecord, NewGroup, NewUser, ResourceJson, UserRecord } from '../../../src/store/records.ts';
import type { Store } from '../../../src/store/store.ts';

/** Timestamps `n` seconds after a fixed instant, in the store's format (ISO 8601, UTC, milliseconds). */
export const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);
export const sorted = (values: readonly string[]) => [...values].sort();

/** The store under test (set when the suite opens it) and records made in it for a test. */
export function createFixtures() {
  const f = { store: undefined as unknown as Store };

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
    await f.store.read((q) => q.directories.insert(record));
    return record.id;
  }

  function newUser(directoryId: string, resource: ResourceJson, overrides: Partial<NewUser> = {}): NewUser {
    return { id: randomUUID(), directoryId, resource, version: 1, createdAt: at(1), updatedAt: at(1), ...overrides };
  }

  /** Inserts a user and returns it as the store reads it back (with its seq). */
  async function createUser(directoryId: string, resource: ResourceJson, overrides: Partial<NewUser> = {}): Promise<UserRecord> {
    const user = newUser(directoryId, resource, overrides);
    await f.store.read((q) => q.users.insert(user));
    const read = await f.store.read((q) => q.users.get(directoryId, user.id));
    if (!read) throw new Error('inserted user not found');
    return read;
  }

  function newGroup(directoryId: string, displayName: string, overrides: Partial<NewGroup> = {}): NewGroup {
    return { id: randomUUID(), directoryId, resource: { displayName }, memberCount: 0, version: 1, createdAt: at(1), updatedAt: at(1), ...overrides };
  }

  async function createGroup(directoryId: string, displayName: string, overrides: Partial<NewGroup> = {}): Promise<GroupRecord> {
    const group = newGroup(directoryId, displayName, overrides);
    await f.store.read((q) => q.groups.insert(group));
    const read = await f.store.read((q) => q.groups.get(directoryId, group.id));
    if (!read) throw new Error('inserted group not found');
    return read;
  }

  async function addMembers(directoryId: string, groupId: string, ...memberIds: string[]): Promise<void> {
    await f.store.write((q) => q.members.add(directoryId, groupId, memberIds.map((memberId) => ({ memberId, memberType: 'User' as const, display: null }))));
  }
  return Object.assign(f, { directoryRecord, createDirectory, newUser, createUser, newGroup, createGroup, addMembers });
}

export type Fixtures = ReturnType<typeof createFixtures>;
