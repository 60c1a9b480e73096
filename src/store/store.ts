import type { AttrPath, FilterNode } from '../scim/filter/filter-ast.ts';
import type { ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import type { Engine } from './migrations/migration.ts';
import type {
  AdminKeyChanges,
  AdminKeyRecord,
  DirectoryChanges,
  DirectoryRecord,
  EventRecord,
  GroupRecord,
  GroupRef,
  MemberRecord,
  NewEvent,
  NewGroup,
  NewMember,
  NewUser,
  TokenChanges,
  TokenRecord,
  UserRecord,
} from './records.ts';
import type { AuditEntry, AuditFilter, AuditRecord, RequestLogEntry, RequestLogFilter, RequestLogRecord } from './ops-records.ts';

export type { Engine };
export type * from './records.ts';

/** Where a keyset page starts: after this row, in the list's order. */
export interface ListPosition {
  readonly seq: number;
  /**
   * With a sort: the sort key of that row (`null` when it has none), so the next page starts after
   * (key, seq) — RFC 9865 cursors over a sorted list.
   */
  readonly key?: string | number | null;
}

export interface ListOptions {
  readonly directoryId: string;
  readonly type: ResourceTypeDef;
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly descending?: boolean;
  /** Rows to skip (startIndex - 1). */
  readonly offset: number;
  readonly limit: number;
  /** Keyset paging: only rows after this position. */
  readonly after?: ListPosition;
}

export type CountOptions = Pick<ListOptions, 'directoryId' | 'type' | 'filter'>;

/** A listed row with the sort key it was ordered by (for the next cursor). */
export type Listed<R> = R & { readonly sortKey?: string | number | null };

export interface DirectoryQueries {
  insert(record: DirectoryRecord): Promise<void>;
  get(id: string): Promise<DirectoryRecord | undefined>;
  /** Every directory not deleted, oldest first. */
  list(): Promise<DirectoryRecord[]>;
  update(id: string, changes: DirectoryChanges): Promise<boolean>;
  counts(id: string): Promise<{ users: number; groups: number }>;
  /** Deletes the directory's users, groups, memberships and passwords. */
  purgeData(id: string): Promise<void>;
}

export interface TokenQueries {
  insert(record: TokenRecord): Promise<void>;
  get(id: string): Promise<TokenRecord | undefined>;
  /** The token and its directory in one query: the hot path of every SCIM request. */
  findWithDirectory(hash: string): Promise<{ token: TokenRecord; directory: DirectoryRecord } | undefined>;
  listForDirectory(directoryId: string): Promise<TokenRecord[]>;
  update(id: string, changes: TokenChanges): Promise<boolean>;
}

export interface AdminKeyQueries {
  insert(record: AdminKeyRecord): Promise<void>;
  findByHash(hash: string): Promise<AdminKeyRecord | undefined>;
  list(): Promise<AdminKeyRecord[]>;
  update(id: string, changes: AdminKeyChanges): Promise<boolean>;
}

/** What users and groups share: both are keyed by (directory, id) and carry a version. */
export interface ResourceQueries<R, N> {
  insert(record: N): Promise<void>;
  get(directoryId: string, id: string): Promise<R | undefined>;
  /** Reads a resource about to be updated in this transaction, locking its row where the engine needs it. */
  lock(directoryId: string, id: string): Promise<R | undefined>;
  /**
   * Writes `next` only if the stored version is still `current.version` (the atomic half of an ETag
   * check). Only the columns that differ from `current` are written: an indexed column left as it
   * was costs no index update.
   */
  update(next: N, current: N & { readonly version: number }): Promise<boolean>;
  delete(directoryId: string, id: string): Promise<boolean>;
  list(options: ListOptions): Promise<Listed<R>[]>;
  count(options: CountOptions): Promise<number>;
  existingIds(directoryId: string, ids: readonly string[]): Promise<Set<string>>;
}

export interface UserQueries extends ResourceQueries<UserRecord, NewUser> {
  /** A user with the groups it belongs to, in one query. */
  getWithGroups(directoryId: string, id: string): Promise<{ user: UserRecord; groups: GroupRef[] } | undefined>;
}

export interface GroupQueries extends ResourceQueries<GroupRecord, NewGroup> {
  /** Adjusts the member count and bumps version/updated_at of groups whose membership changed. */
  touch(groupIds: readonly string[], countDelta: number, at: string): Promise<void>;
  /** The groups each of these members belongs to (for a user's read-only `groups`), oldest group first. */
  ofMembers(directoryId: string, memberIds: readonly string[]): Promise<Map<string, GroupRef[]>>;
}

export interface MemberQueries {
  /** Adds members not already present; returns the ids actually added. O(k). */
  add(directoryId: string, groupId: string, members: readonly NewMember[]): Promise<string[]>;
  /** Removes the listed members; returns the ids actually removed. O(k). */
  remove(groupId: string, memberIds: readonly string[]): Promise<string[]>;
  /** A page of members in insertion order, after `afterSeq`. */
  page(groupId: string, afterSeq: number, limit: number): Promise<MemberRecord[]>;
  /** Removes a member from every group; returns the affected group ids. */
  removeEverywhere(memberId: string): Promise<string[]>;
}

export interface PasswordQueries {
  /** Stores (or replaces) a user's password hash. */
  set(directoryId: string, userId: string, hash: string, at: string): Promise<void>;
  /** The hash and `active` of the user with this userName (lowercased), if any. */
  findByUserName(directoryId: string, userNameLower: string): Promise<{ hash: string | null; active: boolean | null } | undefined>;
}

export interface EventQueries {
  append(event: NewEvent): Promise<void>;
  /** Events after `afterSeq` in outbox order; of one directory when given. */
  list(options: { afterSeq: number; limit: number; directoryId?: string }): Promise<EventRecord[]>;
}

export interface RequestLogQueries {
  /** Appends a batch of entries in one statement per chunk. */
  insertMany(entries: readonly RequestLogEntry[]): Promise<void>;
  /** Entries of a directory, newest first. */
  list(filter: RequestLogFilter): Promise<RequestLogRecord[]>;
  /** Requests and errors (status 400 or more) of a directory at or after `since`. */
  count(directoryId: string, since: string): Promise<{ requests: number; errors: number }>;
  /** When the directory's newest logged request was made. */
  lastAt(directoryId: string): Promise<string | undefined>;
  /** Deletes up to `limit` entries older than `before` (of every directory); returns how many. */
  purgeBefore(before: string, limit: number): Promise<number>;
}

export interface AuditQueries {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditRecord[]>;
}

export interface OpsQueries {
  /** Memberships of a directory's groups. */
  countMemberships(directoryId: string): Promise<number>;
  /** Tokens neither revoked nor expired at `from` whose expiry is at or before `to`. */
  tokensExpiringBy(from: string, to: string): Promise<TokenRecord[]>;
  /** Remembers that a token's warning for a threshold went out; false when it had already. */
  markExpiryWarned(tokenId: string, thresholdDays: number, at: string): Promise<boolean>;
}

/** What a database connection pool holds now; SQLite has one connection and no pool. */
export interface PoolState {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** Every query Roster runs, grouped by table; the same code serves every engine. */
export interface Queries {
  readonly directories: DirectoryQueries;
  readonly tokens: TokenQueries;
  readonly adminKeys: AdminKeyQueries;
  readonly users: UserQueries;
  readonly groups: GroupQueries;
  readonly members: MemberQueries;
  readonly passwords: PasswordQueries;
  readonly events: EventQueries;
  readonly requestLog: RequestLogQueries;
  readonly audit: AuditQueries;
  readonly ops: OpsQueries;
}

export interface Store {
  readonly engine: Engine;
  /** Runs queries outside a transaction. */
  read<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  /**
   * Runs queries in one write transaction: all of them, or none. A transaction that lost a race
   * to another writer (PostgreSQL serialization failure, deadlock) is run again from the start.
   */
  write<T>(fn: (q: Queries) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  /** The connection pool's state, for metrics; absent where there is no pool (SQLite). */
  poolState?(): PoolState;
  /** A consistent copy of the database in one file, taken while it serves (SQLite only). */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}
