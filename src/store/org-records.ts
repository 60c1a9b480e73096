/**
 * The organization layer's records (DESIGN.md §1) and the queries over them. Mapped from rows at
 * the store boundary: nothing above the store sees a column name.
 */

export type AccountStatus = 'active' | 'deactivated';

/** The account fields a directory's attribute mapping fills. */
export interface AccountProfile {
  readonly userName: string | null;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly title: string | null;
  readonly department: string | null;
  readonly manager: string | null;
  readonly locale: string | null;
  readonly timezone: string | null;
}

export interface AccountRecord extends AccountProfile {
  readonly id: string;
  readonly seq: number;
  readonly status: AccountStatus;
  /** The email's domain is not one of the organization's domains. */
  readonly external: boolean;
  readonly custom: Readonly<Record<string, string | null>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewAccount = Omit<AccountRecord, 'seq'>;

/** What `OrgQueries.insertOrgRows` inserts; any part may be empty. */
export interface NewOrgRows {
  readonly accounts?: readonly NewAccount[];
  readonly links?: readonly Omit<LinkRecord, 'seq'>[];
  readonly memberships?: readonly MembershipRow[];
  readonly access?: readonly Omit<AccessRow, 'seq'>[];
}
export type AccountChanges = Partial<Omit<AccountRecord, 'id' | 'seq' | 'createdAt'>>;

/** How a SCIM user came to be linked to its account. */
export type LinkedBy = 'new' | 'email' | 'admin';

export interface LinkRecord {
  readonly seq: number;
  readonly directoryId: string;
  readonly userId: string;
  readonly accountId: string;
  /** The SCIM user's `active`, as the organization layer last applied it. */
  readonly active: boolean;
  readonly linkedBy: LinkedBy;
  readonly createdAt: string;
}

export interface LinkConflictRecord {
  readonly seq: number;
  readonly directoryId: string;
  readonly userId: string;
  readonly email: string;
  readonly existingAccountId: string;
  readonly accountId: string;
  readonly at: string;
}

export type DefaultKind = 'new' | 'all';

export interface OrgGroupRecord {
  readonly id: string;
  readonly seq: number;
  readonly name: string;
  readonly description: string | null;
  /** The directory whose group mapping created the group; null for groups an admin made. */
  readonly syncedBy: string | null;
  /** `new`: every new account joins it; `all`: every account is in it; null: not a default group. */
  readonly defaultKind: DefaultKind | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One reason an account is in an org group: `manual`, `initial`, `default` or `map:<directory>:<IdP group>`. */
export interface MembershipRow {
  readonly groupId: string;
  readonly accountId: string;
  readonly source: string;
}

export interface AppRecord {
  readonly id: string;
  readonly seq: number;
  readonly name: string;
  readonly kind: string;
  readonly seatLimit: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type AccessStatus = 'granted' | 'queued';

export interface AccessRow {
  readonly seq: number;
  readonly appId: string;
  readonly accountId: string;
  readonly status: AccessStatus;
  readonly since: string;
}

/** An account's row of an app, as a recompute compares it. */
export interface HeldAccess {
  readonly appId: string;
  readonly accountId: string;
}

export interface AppKeyRecord {
  readonly id: string;
  readonly appId: string;
  readonly keyHash: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type DeprovisionStatus = 'applied' | 'held' | 'approved' | 'rejected';

export interface DeprovisionRecord {
  readonly seq: number;
  readonly id: string;
  readonly directoryId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly action: 'deactivate' | 'delete';
  readonly status: DeprovisionStatus;
  readonly at: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

/** An IdP group a user is in, directly or through nested groups. */
export interface EffectiveGroup {
  readonly id: string;
  readonly displayName: string;
}

export interface AccountListOptions {
  readonly afterSeq: number;
  readonly limit: number;
  readonly status?: AccountStatus;
  /** Substring of email, userName or displayName (case-insensitive). */
  readonly search?: string;
  readonly groupId?: string;
  readonly appId?: string;
  readonly directoryId?: string;
  readonly updatedSince?: string;
}

/** Grants to groups, with each app's seat limit. */
export interface GrantRow {
  readonly appId: string;
  readonly groupId: string;
  readonly seatLimit: number | null;
}

/** See OrgQueries.writeFacts. */
export interface WriteFactRows {
  readonly rules: { json: string; version: number } | undefined;
  readonly domains: string[];
  readonly defaultGroups: { id: string; defaultKind: DefaultKind }[];
  readonly defaultGrants: GrantRow[];
}

export interface OrgQueries {
  listDomains(): Promise<string[]>;
  addDomain(domain: string, at: string): Promise<boolean>;
  removeDomain(domain: string): Promise<boolean>;

  getRules(directoryId: string): Promise<{ json: string; version: number } | undefined>;
  /**
   * What the organization work of every SCIM write reads first, in one statement (on PostgreSQL one
   * round trip instead of four): the directory's rules row, the domains, the default groups in order
   * and the grants to them.
   */
  writeFacts(directoryId: string): Promise<WriteFactRows>;
  putRules(directoryId: string, json: string, version: number, at: string): Promise<void>;

  getAccounts(ids: readonly string[]): Promise<AccountRecord[]>;
  /** Just the order and status of these accounts (what access needs), without their profiles. */
  accountStatuses(ids: readonly string[]): Promise<{ id: string; seq: number; status: AccountStatus }[]>;
  updateAccount(id: string, changes: AccountChanges): Promise<void>;
  deleteAccount(id: string): Promise<void>;
  listAccounts(options: AccountListOptions): Promise<AccountRecord[]>;

  /** The links of these users of one directory. */
  linksOfUsers(directoryId: string, userIds: readonly string[]): Promise<LinkRecord[]>;
  /**
   * Until the transaction ends, no other transaction links or makes accounts for these emails
   * (lowercased): two SCIM writes of one person at the same instant, in two directories, would each
   * find no account and make one. PostgreSQL: advisory locks; SQLite's one writer holds it already.
   * True when it took locks, and so may have waited for another transaction.
   */
  lockEmails(emailsLower: readonly string[]): Promise<boolean>;
  /** Accounts whose lowercased email is one of these, oldest first. */
  findAccountsByEmails(emailsLower: readonly string[]): Promise<AccountRecord[]>;
  linksOfAccounts(accountIds: readonly string[]): Promise<LinkRecord[]>;
  insertLinks(links: readonly Omit<LinkRecord, 'seq'>[]): Promise<void>;
  updateLink(directoryId: string, userId: string, changes: { active?: boolean; accountId?: string; linkedBy?: LinkedBy }): Promise<void>;
  deleteLink(directoryId: string, userId: string): Promise<void>;
  /** The directory's linked users and their accounts, in the users' order after `afterSeq` (a user's seq), for set-wise reconciles. */
  linkedAccounts(directoryId: string, afterSeq: number, limit: number): Promise<{ seq: number; accountId: string; userId: string }[]>;
  countLinks(directoryId: string): Promise<number>;
  /** Removes every link of a directory (it was deleted); returns the accounts that had one. */
  deleteDirectoryLinks(directoryId: string): Promise<string[]>;
  /** A directory's users that have no link yet, with their resources, after `afterSeq`. */
  unlinkedUsers(directoryId: string, afterSeq: number, limit: number): Promise<{ seq: number; id: string; resource: Record<string, unknown> }[]>;
  /** SCIM users' resources by id (of one directory). */
  userResources(directoryId: string, userIds: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Every link of the accounts these users of a directory are linked to (in link order). */
  linksOfUsersAccounts(directoryId: string, userIds: readonly string[]): Promise<LinkRecord[]>;

  insertConflict(conflict: Omit<LinkConflictRecord, 'seq'>): Promise<void>;
  listConflicts(limit: number): Promise<LinkConflictRecord[]>;

  /** Each user's IdP groups, direct and through nested groups (recursive). */
  effectiveGroups(userIds: readonly string[]): Promise<Map<string, EffectiveGroup[]>>;
  /** The users in an IdP group, directly or through nested groups. */
  subtreeUsers(groupId: string): Promise<string[]>;

  getGroups(ids: readonly string[]): Promise<OrgGroupRecord[]>;
  groupsByName(namesLower: readonly string[]): Promise<OrgGroupRecord[]>;
  /** False when a group of that name exists already (it was created meanwhile). */
  insertGroup(group: Omit<OrgGroupRecord, 'seq'>): Promise<boolean>;
  updateGroup(id: string, changes: { name?: string; description?: string | null; defaultKind?: DefaultKind | null; syncedBy?: string | null; updatedAt: string }): Promise<void>;
  /**
   * Deletes the group's row and its grants. Its membership rows stay, for the caller to walk and
   * remove in chunks (groupMemberIds, removeGroupMembers): a group may hold 100,000 members.
   */
  deleteGroup(id: string): Promise<void>;
  listGroups(options: { afterSeq: number; limit: number; search?: string }): Promise<OrgGroupRecord[]>;
  defaultGroups(): Promise<OrgGroupRecord[]>;
  /** How many distinct accounts are in each group. */
  groupSizes(groupIds: readonly string[]): Promise<Map<string, number>>;

  /** Every membership row of these accounts, in no particular order (what a recompute compares). */
  membershipsOf(accountIds: readonly string[]): Promise<MembershipRow[]>;
  /** One account's membership rows in the order they were made (what the account's detail and explain show). */
  accountMemberships(accountId: string): Promise<MembershipRow[]>;
  addMemberships(rows: readonly MembershipRow[]): Promise<void>;
  removeMemberships(rows: readonly MembershipRow[]): Promise<void>;
  /** Distinct members of a group in account order after `afterSeq`. */
  groupMembers(groupId: string, afterSeq: number, limit: number): Promise<AccountRecord[]>;
  /**
   * The next `limit` accounts of the group after row `afterSeq`, in the group index's order, each at
   * the row of its first source by name, and that last row's seq for the next page: a walk names each
   * account once, whatever the sources of its rows.
   */
  groupMemberIds(groupId: string, afterSeq: number, limit: number): Promise<{ ids: string[]; lastSeq: number }>;
  /** Deletes every membership row (whatever its source) of these accounts in this group. */
  removeGroupMembers(groupId: string, accountIds: readonly string[]): Promise<void>;
  /** Distinct accounts with a membership in any of these groups, after `afterAccountSeq` (chunked walks). */
  accountsInGroups(groupIds: readonly string[], afterAccountSeq: number, limit: number): Promise<{ seq: number; id: string }[]>;
  /** Accounts with a membership row of this source in any of these groups, each once. */
  accountsWithSource(groupIds: readonly string[], source: string): Promise<string[]>;
  /** Every account id after `afterSeq` (full reconciles). */
  accountIds(afterSeq: number, limit: number): Promise<{ seq: number; id: string }[]>;

  /** False when an app of that name (ignoring case) exists already: the unique index on `name_lower` decides. */
  insertApp(app: Omit<AppRecord, 'seq'>): Promise<boolean>;
  getApp(id: string): Promise<AppRecord | undefined>;
  /** The apps of these ids that exist, in one query per chunk of ids. */
  getApps(ids: readonly string[]): Promise<AppRecord[]>;
  /** The app of this lowercased name (an index lookup). */
  appByName(nameLower: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  updateApp(id: string, changes: { name?: string; kind?: string; seatLimit?: number | null; updatedAt: string }): Promise<void>;
  deleteApp(id: string): Promise<void>;
  grantsOfApp(appId: string): Promise<string[]>;
  /** The grants to these groups, with each app's seat limit. */
  grantsOfGroups(groupIds: readonly string[]): Promise<GrantRow[]>;
  addGrant(appId: string, groupId: string, at: string): Promise<boolean>;
  removeGrant(appId: string, groupId: string): Promise<boolean>;

  /** These accounts' access rows, in the order the rows were made (within each chunk of ids). */
  accessOf(accountIds: readonly string[]): Promise<AccessRow[]>;
  /**
   * Which apps these accounts hold a row of (granted or queued), each with its app's seat limit
   * (`undefined`: the app is gone); in no particular order. What a recompute compares, read from the
   * access index alone.
   */
  heldAccess(accountIds: readonly string[]): Promise<HeldAccess[]>;
  insertAccess(rows: readonly Omit<AccessRow, 'seq'>[]): Promise<void>;
  /**
   * The rows a write made for new accounts and their recompute, in this order: accounts, links,
   * membership rows, access rows (memberships and access each skipped when there already, as in
   * `addMemberships` and `insertAccess`). On PostgreSQL the rows of a single create (an account, its
   * link, a few memberships and access rows) go in one statement: one round trip instead of three.
   */
  insertOrgRows(rows: NewOrgRows): Promise<void>;
  /** Deletes these accounts' rows of the app; returns the accounts whose row was granted (a seat freed). */
  deleteAccess(appId: string, accountIds: readonly string[]): Promise<string[]>;
  setAccessStatus(appId: string, accountIds: readonly string[], status: AccessStatus, since: string): Promise<void>;
  countAccess(appId: string): Promise<{ granted: number; queued: number }>;
  /** The oldest queued accounts of an app (all of them without a limit). */
  queuedAccess(appId: string, limit?: number): Promise<string[]>;
  /** An app's access rows after `afterSeq` (granted, or of one status), with their accounts. */
  listAccess(appId: string, options: { afterSeq: number; limit: number; status?: AccessStatus; updatedSince?: string }): Promise<{ access: AccessRow; account: AccountRecord }[]>;

  insertAppKey(key: AppKeyRecord): Promise<void>;
  findAppKey(hash: string): Promise<AppKeyRecord | undefined>;
  listAppKeys(appId: string): Promise<AppKeyRecord[]>;
  revokeAppKey(id: string, at: string): Promise<boolean>;

  insertDeprovision(record: Omit<DeprovisionRecord, 'seq'>): Promise<void>;
  /** Deprovisions of a directory applied (or approved) at or after `since`. */
  countDeprovisions(directoryId: string, since: string): Promise<number>;
  listDeprovisions(options: { status?: DeprovisionStatus; directoryId?: string; limit: number }): Promise<DeprovisionRecord[]>;
  getDeprovision(id: string): Promise<DeprovisionRecord | undefined>;
  /** The deprovisions of these ids that exist, in one query per chunk of ids. */
  getDeprovisions(ids: readonly string[]): Promise<DeprovisionRecord[]>;
  decideDeprovision(id: string, status: DeprovisionStatus, by: string, at: string): Promise<boolean>;
}
