import type { FilterNode, AttrPath } from '../scim/filter/filter-ast.ts';
import type { ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import type { AdminKeyRow, DirectoryRow, GroupMemberRow, GroupRow, TokenRow, UserRow } from './database.ts';
import type { Engine } from './migrations/migration.ts';

export type { Engine };
export type NewUserRow = Omit<UserRow, 'seq'>;
export type NewGroupRow = Omit<GroupRow, 'seq'>;
export type StoredUser = UserRow;
export type StoredGroup = GroupRow;

export interface ListOptions {
  readonly directoryId: string;
  readonly type: ResourceTypeDef;
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly descending?: boolean;
  /** Rows to skip (startIndex - 1). */
  readonly offset: number;
  readonly limit: number;
  /** Keyset paging (RFC 9865 cursors): only rows with seq greater than this. */
  readonly afterSeq?: number;
}

export interface NewMember {
  readonly memberId: string;
  readonly memberType: 'User' | 'Group';
  readonly display: string | null;
}

export interface DomainEventInput {
  readonly directoryId: string;
  readonly type: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly data: unknown;
  readonly at: string;
}

/** Every query Roster runs, grouped by table; the same code serves every engine. */
export interface Queries {
  directories: {
    insert(row: DirectoryRow): Promise<void>;
    get(id: string): Promise<DirectoryRow | undefined>;
    list(): Promise<DirectoryRow[]>;
    update(id: string, patch: Partial<Omit<DirectoryRow, 'id' | 'created_at'>>): Promise<boolean>;
    counts(id: string): Promise<{ users: number; groups: number }>;
    purgeData(id: string): Promise<void>;
  };
  tokens: {
    insert(row: TokenRow): Promise<void>;
    findByHash(hash: string): Promise<TokenRow | undefined>;
    /** The token and its directory in one query: the hot path of every SCIM request. */
    findWithDirectory(hash: string): Promise<{ token: TokenRow; directory: DirectoryRow } | undefined>;
    get(id: string): Promise<TokenRow | undefined>;
    listForDirectory(directoryId: string): Promise<TokenRow[]>;
    update(id: string, patch: Partial<Pick<TokenRow, 'expires_at' | 'revoked_at' | 'last_used_at'>>): Promise<boolean>;
  };
  adminKeys: {
    insert(row: AdminKeyRow): Promise<void>;
    findByHash(hash: string): Promise<AdminKeyRow | undefined>;
    list(): Promise<AdminKeyRow[]>;
    update(id: string, patch: Partial<Pick<AdminKeyRow, 'revoked_at' | 'last_used_at'>>): Promise<boolean>;
  };
  users: {
    insert(row: NewUserRow): Promise<void>;
    get(directoryId: string, id: string): Promise<StoredUser | undefined>;
    /** Reads a user about to be updated in this transaction, locking its row where the engine needs it. */
    lock(directoryId: string, id: string): Promise<StoredUser | undefined>;
    /** Writes a new version only if the stored one is still `expectedVersion` (atomic ETag check). */
    update(row: NewUserRow, expectedVersion: number): Promise<boolean>;
    delete(directoryId: string, id: string): Promise<boolean>;
    list(options: ListOptions): Promise<StoredUser[]>;
    count(options: Pick<ListOptions, 'directoryId' | 'type' | 'filter'>): Promise<number>;
    existingIds(directoryId: string, ids: readonly string[]): Promise<Set<string>>;
  };
  groups: {
    insert(row: NewGroupRow): Promise<void>;
    get(directoryId: string, id: string): Promise<StoredGroup | undefined>;
    lock(directoryId: string, id: string): Promise<StoredGroup | undefined>;
    update(row: NewGroupRow, expectedVersion: number): Promise<boolean>;
    delete(directoryId: string, id: string): Promise<boolean>;
    list(options: ListOptions): Promise<StoredGroup[]>;
    count(options: Pick<ListOptions, 'directoryId' | 'type' | 'filter'>): Promise<number>;
    existingIds(directoryId: string, ids: readonly string[]): Promise<Set<string>>;
    /** Adjusts member_count and bumps version/updated_at of groups whose membership changed. */
    touch(groupIds: readonly string[], countDelta: number, at: string): Promise<void>;
    /** Group ids, names of the groups a member belongs to (for a user's read-only `groups`). */
    ofMembers(directoryId: string, memberIds: readonly string[]): Promise<Map<string, { id: string; displayName: string }[]>>;
  };
  members: {
    /** Adds members not already present; returns the ids actually added. O(k). */
    add(directoryId: string, groupId: string, members: readonly NewMember[]): Promise<string[]>;
    /** Removes the listed members; returns the ids actually removed. O(k). */
    remove(groupId: string, memberIds: readonly string[]): Promise<string[]>;
    /** Which of these ids are members now. O(k). */
    present(groupId: string, memberIds: readonly string[]): Promise<Set<string>>;
    /** A page of members in insertion order, after `afterSeq`. */
    page(groupId: string, afterSeq: number, limit: number): Promise<GroupMemberRow[]>;
    /** Removes a member from every group; returns the affected group ids. */
    removeEverywhere(memberId: string): Promise<string[]>;
  };
  passwords: {
    /** Stores (or replaces) a user's password hash. */
    set(directoryId: string, userId: string, hash: string, at: string): Promise<void>;
    /** The hash and `active` of the user with this userName (lowercased), if any. */
    findByUserName(directoryId: string, userNameLower: string): Promise<{ hash: string | null; active: number | null } | undefined>;
  };
  events: {
    append(event: DomainEventInput): Promise<void>;
    list(directoryId: string, afterSeq: number, limit: number): Promise<{ seq: number; type: string; resource_type: string; resource_id: string; data: string; created_at: string }[]>;
  };
}

export interface Store {
  readonly engine: Engine;
  /** Runs queries outside a transaction. */
  read<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  /** Runs queries in one write transaction: all of them, or none. */
  write<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  /** A consistent copy of the database in one file, taken while it serves (SQLite only). */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}
