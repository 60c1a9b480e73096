import type { AttrPath, FilterNode } from '../scim/filter/filter-ast.ts';
import type { ResourceTypeDef } from '../scim/schemas/resource-types.ts';
import type { Engine } from './migrations/migration.ts';
import type {
  AdminKeyChanges,
  AdminKeyRecord,
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryStatus,
  DirectoryChanges,
  DirectoryRecord,
  EventRecord,
  FeedEventRecord,
  GroupRecord,
  GroupRef,
  MemberRecord,
  NewDelivery,
  NewEvent,
  NewGroup,
  NewMember,
  NewUser,
  TokenChanges,
  TokenRecord,
  UserRecord,
  WebhookChanges,
  WebhookRecord,
} from './records.ts';
import type { AdminChanges, AdminRecord, AdminSessionRecord, AdminSetupTokenRecord } from './admin-records.ts';
import type { OrgQueries } from './org-records.ts';
import type { AuditEntry, AuditFilter, AuditRecord, RequestLogEntry, RequestLogFilter, RequestLogRecord } from './ops-records.ts';

export type { Engine };
export type * from './records.ts';
export type * from './org-records.ts';

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
  /**
   * The directory, its row locked until the transaction ends (PostgreSQL; SQLite has one writer):
   * two admin changes that read and depend on the same directory (its custom attributes and the rules
   * that read them) run one after the other.
   */
  lock(id: string): Promise<DirectoryRecord | undefined>;
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

/** Admin accounts of the console (migration 012). */
export interface AdminQueries {
  insert(record: AdminRecord): Promise<void>;
  get(id: string): Promise<AdminRecord | undefined>;
  findByEmail(emailLower: string): Promise<AdminRecord | undefined>;
  /** Every admin, oldest first. */
  list(): Promise<AdminRecord[]>;
  count(): Promise<number>;
  /**
   * The owners' ids, their rows locked for this transaction where the engine needs it (PostgreSQL),
   * so two demotions at once cannot both pass the last-owner check.
   */
  lockOwners(): Promise<string[]>;
  update(id: string, changes: AdminChanges): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface AdminSessionQueries {
  insert(record: AdminSessionRecord): Promise<void>;
  /** The session with this token hash and its admin, in one query (every console request). */
  findByHash(tokenHash: string): Promise<{ session: AdminSessionRecord; admin: AdminRecord } | undefined>;
  touch(id: string, at: string): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Ends every session of an admin but `exceptId`; returns how many. */
  deleteForAdmin(adminId: string, exceptId?: string): Promise<number>;
  /** Deletes sessions past their absolute end, or unused since `idleBefore`. */
  purgeExpired(now: string, idleBefore: string): Promise<number>;
}

export interface AdminSetupQueries {
  insert(record: AdminSetupTokenRecord): Promise<void>;
  get(tokenHash: string): Promise<AdminSetupTokenRecord | undefined>;
  /**
   * Marks every unused token used and returns their hashes. Taking them all (rather than the one
   * presented) makes two setups at once on two nodes queue on the same rows: the second finds its
   * token used and the first owner already there.
   */
  useAll(at: string): Promise<string[]>;
}

/** Failed logins per (email, client address), for the login rate limit. */
export interface AdminLoginQueries {
  recordFailure(loginKey: string, at: string): Promise<void>;
  /** The times of the key's failures at or after `since`, oldest first. */
  failuresSince(loginKey: string, since: string): Promise<string[]>;
  clear(loginKey: string): Promise<void>;
  /** Deletes failures of every key before `before`. */
  prune(before: string): Promise<void>;
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
  /**
   * Appends an event. In a write's queries the row is inserted when the write's own work ends, with
   * every other event it appended, still inside its transaction (`flush`): a create with rules records
   * events at four moments, and one insert for all is one statement instead of four.
   */
  append(event: NewEvent): Promise<void>;
  /** Appends events in this order, several per statement (a reconcile's thousands of `account.created`). */
  appendMany(events: readonly NewEvent[]): Promise<void>;
  /** Inserts the events appended and not inserted yet; the store calls it before a write's transaction (or savepoint) ends. */
  flush(): Promise<void>;
  /** Forgets the events appended and not inserted yet; the store calls it when a write rolls back. */
  discard(): void;
  /** Events after `afterSeq` in outbox order; of one directory when given. */
  list(options: { afterSeq: number; limit: number; directoryId?: string }): Promise<EventRecord[]>;
  /** One resource's events in a directory, newest first, before `beforeSeq` when given. */
  listForResource(options: { directoryId: string; resourceId: string; beforeSeq?: number; limit: number }): Promise<EventRecord[]>;
}

/** The event feed in commit order (feed-queries.ts explains the sequencer). */
export interface FeedQueries {
  /** Whether some committed event has no position yet (a cheap read before a sequencer write). */
  hasUnpositioned(): Promise<boolean>;
  /**
   * Gives the next positions to up to `limit` committed events that have none, in seq order, and
   * returns how many. Run in a write transaction; on PostgreSQL a second sequencer running at the
   * same moment assigns nothing (it skips the locked sequencer row) and returns 0.
   */
  assignPositions(limit: number): Promise<number>;
  /** The last position assigned, and the last position retention deleted (older cursors are gone). */
  state(): Promise<{ head: number; prunedThrough: number }>;
  /** Events with `after < position <= through`, in position order, optionally of one directory and some types. */
  page(options: { after: number; through: number; limit: number; directoryId?: string; types?: readonly string[] }): Promise<FeedEventRecord[]>;
  /**
   * Deletes the oldest events, in position order, up to the first created at or after `before`
   * (at most `limit`), keeping those a pending or dead-lettered delivery still needs and stopping at
   * the lowest cursor of the enabled endpoints' lanes (after it, events have no row yet); moves
   * `pruned_through`. Returns how many were deleted.
   */
  prune(before: string, limit: number): Promise<number>;
}

export interface WebhookQueries {
  insert(record: WebhookRecord): Promise<void>;
  get(id: string): Promise<WebhookRecord | undefined>;
  /** Every endpoint, oldest first. */
  list(): Promise<WebhookRecord[]>;
  update(id: string, changes: WebhookChanges): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /**
   * Takes (or keeps) an enabled endpoint's lane for `holder` until `until`, unless another holder's
   * lease is still running at `now`; returns the lane's cursor when `holder` has it.
   */
  takeLane(id: string, holder: string, now: number, until: number): Promise<number | undefined>;
  /**
   * Moves the lane's cursor from `from` to `to` and renews the lease, only while `holder` still has
   * the lane at `from` (a holder whose lease lapsed and was taken over changes nothing); says whether it did.
   */
  moveLane(id: string, holder: string, from: number, to: number, until: number): Promise<boolean>;
}

export interface DeliveryQueries {
  /** Adds deliveries; one that exists already (same endpoint and event) is left as it is. */
  insertMany(deliveries: readonly NewDelivery[]): Promise<void>;
  /** Which of these resource keys have a pending delivery at the endpoint (their next events must wait behind it). */
  pendingResources(webhookId: string, resourceKeys: readonly string[]): Promise<Set<string>>;
  /** Whether the endpoint has a pending delivery due at `now` and not leased (a read before a claim's write). */
  hasDue(webhookId: string, now: number): Promise<boolean>;
  /**
   * Claims up to `limit` due deliveries of an endpoint, in feed order, never one whose resource has
   * an earlier delivery still pending (per-resource order); each claimed row gets `attempts + 1` and
   * `lease_until`. On PostgreSQL rows another node is claiming are skipped (`for update skip locked`).
   */
  claim(webhookId: string, now: number, limit: number, leaseUntil: number, at: string): Promise<ClaimedDelivery[]>;
  /** Records how attempts ended; an outcome whose attempt is no longer the row's is ignored. */
  complete(outcomes: readonly DeliveryOutcome[]): Promise<void>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** An endpoint's deliveries, newest first, optionally of one status, before a position. */
  list(webhookId: string, options: { status?: DeliveryStatus; beforePosition?: number; limit: number }): Promise<DeliveryRecord[]>;
  /** Dead letters (one, or all of the endpoint's) back to pending, due now, attempts reset; returns how many. */
  redeliver(webhookId: string, deliveryId: string | undefined, now: number, at: string): Promise<number>;
  /** Deletes delivered and dead-lettered deliveries created before `before`; returns how many. */
  prune(before: string): Promise<number>;
  /** Refreshes the planner's statistics of the deliveries table (after many rows at once). */
  analyze(): Promise<void>;
  /**
   * When the oldest event some enabled endpoint is still owed was made (ISO 8601): the earliest of
   * each endpoint's first pending delivery and of the first event its lane has not settled; null
   * when nothing is owed. Index probes only, whatever the backlog.
   */
  oldestOwedAt(): Promise<string | null>;
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
  readonly feed: FeedQueries;
  readonly webhooks: WebhookQueries;
  readonly deliveries: DeliveryQueries;
  readonly requestLog: RequestLogQueries;
  readonly audit: AuditQueries;
  readonly ops: OpsQueries;
  readonly admins: AdminQueries;
  readonly adminSessions: AdminSessionQueries;
  readonly adminSetup: AdminSetupQueries;
  readonly adminLogins: AdminLoginQueries;
  readonly org: OrgQueries;
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
