import { newId } from '../new-id.ts';
import type { AccessRow, HeldAccess, LinkRecord, MembershipRow, NewAccount, NewOrgRows, OrgGroupRecord, Queries } from '../../store/store.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import type { LoadedRules, WriteFacts } from './load-rules.ts';
import { MembershipIndex } from './membership-index.ts';
import { idChunks, type OrgEnv } from './org-env.ts';

/** Where a membership row comes from; `map:` rows name the directory and the IdP group. */
export const MANUAL = 'manual';
export const INITIAL = 'initial';
export const DEFAULT = 'default';
export const mapSource = (directoryId: string, idpGroupId: string) => `map:${directoryId}:${idpGroupId}`;
export const isDerived = (source: string) => source === DEFAULT || source.startsWith('map:');

/**
 * An account made in the same write, with its one link: the recompute puts both in with the
 * memberships and access it works out (`insertOrgRows`, one statement for a single create on
 * PostgreSQL), and reads nothing back about them.
 */
export interface NewAccountFacts {
  readonly account: NewAccount;
  readonly link: Omit<LinkRecord, 'seq'>;
}

export interface RecomputeOptions {
  readonly at: string;
  /**
   * Accounts created in this write and not yet inserted, with their one link: they join the `new`
   * default groups, nothing about them is read back (no other links, memberships or access yet),
   * and their rows go in with the recompute's.
   */
  readonly newAccounts?: ReadonlyMap<string, NewAccountFacts>;
  /** SCIM users created in this write: they are in no IdP group yet (a POST /Users), nothing to walk. */
  readonly newUsers?: ReadonlySet<string>;
  /** Every link of the (older) accounts named, when the caller read them already. */
  readonly links?: readonly LinkRecord[];
  /** What the caller read in this transaction: one directory's rules, the default groups and their grants. */
  readonly facts?: WriteFacts;
}

/**
 * Brings the org-group memberships and app access of these accounts in line with the SCIM layer and
 * the rules: the one computation behind every incremental change (O(k) in the accounts named, in a
 * bounded number of statements) and behind a full reconcile (the same call, chunk by chunk), so the
 * two cannot disagree.
 */
export async function recomputeAccounts(env: OrgEnv, tx: Queries, accountIds: readonly string[], options: RecomputeOptions): Promise<void> {
  const fresh = options.newAccounts;
  const ids = [...new Set([...accountIds, ...(fresh?.keys() ?? [])])];
  if (ids.length === 0) return;
  const { at } = options;
  // An account made in this write has one link and no membership or access rows: only older ones are read.
  const older = fresh ? ids.filter((id) => !fresh.has(id)) : ids;
  const links: Omit<LinkRecord, 'seq'>[] = options.links ? [...options.links] : await tx.org.linksOfAccounts(older);
  if (fresh) for (const id of ids) if (fresh.has(id)) links.push(fresh.get(id)!.link);
  const { facts } = options;
  const rulesByDirectory = new Map<string, LoadedRules>(facts ? [[facts.directoryId, facts.loaded]] : []);
  for (const link of links) if (!rulesByDirectory.has(link.directoryId)) rulesByDirectory.set(link.directoryId, await env.rulesOf(tx, link.directoryId));
  const groupsOfUser = await tx.org.effectiveGroups(links.map((l) => l.userId).filter((id) => !options.newUsers?.has(id)));
  const defaults = facts?.defaults ?? (await tx.org.defaultGroups());

  // The org groups the mapping names, by lowercased name; those missing are created (on-the-fly).
  // Each IdP group is mapped once (a 100-member delta names the same group for every member): its
  // names, their org groups and its source are worked out, and the source string built, once.
  const mappings = new Map<string, IdpGroupMapping>();
  const wanted: { readonly accountId: string; readonly mapping: IdpGroupMapping }[] = [];
  for (const link of links) {
    const { compiled } = rulesByDirectory.get(link.directoryId)!;
    for (const group of groupsOfUser.get(link.userId) ?? []) {
      let mapping = mappings.get(group.id);
      if (mapping === undefined) {
        const names = compiled.mapGroup(group.displayName);
        mappings.set(group.id, (mapping = { directoryId: link.directoryId, names, source: mapSource(link.directoryId, group.id), groupIds: [] }));
      }
      if (mapping.names.length > 0) wanted.push({ accountId: link.accountId, mapping });
    }
  }
  await ensureGroups(env, tx, mappings.values(), at);

  const desired = new MembershipIndex();
  const desiredRows: MembershipRow[] = [];
  const want = (r: MembershipRow) => desired.add(r) && desiredRows.push(r);
  for (const { accountId, mapping } of wanted) for (const groupId of mapping.groupIds) want({ groupId, accountId, source: mapping.source });
  for (const accountId of ids) {
    for (const g of defaults) {
      if (g.defaultKind === 'all') want({ groupId: g.id, accountId, source: DEFAULT });
      if (g.defaultKind === 'new' && options.newAccounts?.has(accountId)) want({ groupId: g.id, accountId, source: INITIAL });
    }
  }
  // "Keep existing memberships" off in any directory the account is linked to: memberships an admin
  // gave by hand go at its next sync; those the rules derive are recomputed anyway.
  const dropManual = new Set(links.filter((l) => !rulesByDirectory.get(l.directoryId)!.rules.groups.keepExisting).map((l) => l.accountId));

  const existing = await tx.org.membershipsOf(older);
  const before = new MembershipIndex(existing);
  const toRemove = existing.filter((r) => !desired.has(r) && (isDerived(r.source) || (r.source === MANUAL && dropManual.has(r.accountId))));
  const toAdd = desiredRows.filter((r) => !before.has(r));
  if (toRemove.length > 0) await tx.org.removeMemberships(toRemove);

  // Membership is any row for (group, account): events name the pairs that appeared or vanished.
  // `before` becomes the state after the change once the pairs that appeared are known.
  const appeared = toAdd.filter((r) => !before.hasPair(r.groupId, r.accountId));
  const after = before;
  for (const r of toRemove) after.delete(r);
  for (const r of toAdd) after.add(r);
  const vanished = toRemove.filter((r) => !after.hasPair(r.groupId, r.accountId));
  // Removals in (group, account) order: their rows were read in the plan's order, which differs between engines.
  await env.recordMany(tx, [...pairEvents('org_group.member_added', appeared, at, false), ...pairEvents('org_group.member_removed', vanished, at, true)]);

  const groupsOfAccount = after.groupsByAccount();
  // The new membership rows go in with the access rows (and the new accounts' rows): nothing in between reads them.
  await recomputeAccess(env, tx, ids, groupsOfAccount, at, { withRows: older, fresh, facts, memberships: toAdd });
}

/** An IdP group's mapping in one recompute: the org group names it maps to and, once known, their ids. */
interface IdpGroupMapping {
  readonly directoryId: string;
  readonly names: readonly string[];
  readonly source: string;
  /** One per name, in order; filled by ensureGroups. */
  readonly groupIds: string[];
}

/** Finds the org groups these mappings name, creating the missing ones (synced by the directory that named them). */
async function ensureGroups(env: OrgEnv, tx: Queries, mappings: Iterable<IdpGroupMapping>, at: string): Promise<void> {
  const all = [...mappings].filter((m) => m.names.length > 0);
  const byName = new Map<string, { name: string; directoryId: string }>();
  for (const m of all) for (const name of m.names) if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), { name, directoryId: m.directoryId });
  const found = byName.size > 0 ? await tx.org.groupsByName([...byName.keys()]) : [];
  const ids = new Map(found.map((g) => [g.name.toLowerCase(), g.id]));
  for (const [lower, w] of byName) {
    if (ids.has(lower)) continue;
    const group: Omit<OrgGroupRecord, 'seq'> = { id: newId(), name: w.name, description: null, syncedBy: w.directoryId, defaultKind: null, createdAt: at, updatedAt: at };
    if (!(await tx.org.insertGroup(group))) {
      ids.set(lower, (await tx.org.groupsByName([lower]))[0]!.id);
      continue;
    }
    await env.record(tx, { type: 'org_group.created', directoryId: null, resourceId: group.id, data: { id: group.id, name: group.name, syncedBy: group.syncedBy, defaultKind: null }, at });
    ids.set(lower, group.id);
  }
  for (const m of all) for (const name of m.names) m.groupIds.push(ids.get(name.toLowerCase())!);
}

/**
 * The events for these (group, account) pairs, each once: one per group, at most IDS_PER_EVENT
 * accounts each; `ordered`: groups and accounts in id order, else as the pairs come.
 */
function pairEvents(type: 'org_group.member_added' | 'org_group.member_removed', pairs: readonly MembershipRow[], at: string, ordered: boolean): DomainEvent[] {
  const byGroup = new Map<string, Set<string>>();
  for (const { groupId, accountId } of pairs) {
    const set = byGroup.get(groupId);
    if (set) set.add(accountId);
    else byGroup.set(groupId, new Set([accountId]));
  }
  // Loops, not flatMap over spread entries: this runs in every SCIM write with rules (~4 µs a create that way).
  // Sorting each group's ids as strings, not the pairs with a comparator: a JS call per comparison
  // took a tenth of a 100-member removal's recompute.
  const events: DomainEvent[] = [];
  for (const groupId of ordered ? [...byGroup.keys()].sort() : byGroup.keys()) {
    const ids = [...byGroup.get(groupId)!];
    for (const part of idChunks(ordered ? ids.sort() : ids)) events.push({ type, directoryId: null, resourceId: groupId, data: { groupId, accountIds: part }, at });
  }
  return events;
}

export interface RecomputeAccessOptions {
  /** The accounts that may have access rows (not those made in this write); all of `ids` by default. */
  readonly withRows?: readonly string[];
  readonly fresh?: ReadonlyMap<string, NewAccountFacts>;
  readonly facts?: WriteFacts;
  /**
   * Membership rows the caller still has to insert: they go in with the access rows and the rows of
   * `fresh` (`insertOrgRows`). Nothing here reads them.
   */
  readonly memberships?: readonly MembershipRow[];
}

/**
 * Access follows membership: an active account in a granted group has the app. Past an app's seat
 * limit new access is queued (oldest first), and a seat freed goes to the head of the queue.
 */
export async function recomputeAccess(
  env: OrgEnv,
  tx: Queries,
  ids: readonly string[],
  groupsOfAccount: ReadonlyMap<string, ReadonlySet<string>>,
  at: string,
  options: RecomputeAccessOptions = {},
): Promise<void> {
  const { withRows = ids, fresh, facts } = options;
  const accounts = new Map((await tx.org.accountStatuses(fresh ? withRows : ids)).map((a) => [a.id, a]));
  // New accounts are the newest (their seq is larger than every read one's), in the order they were made.
  let order = Number.MAX_SAFE_INTEGER - (fresh?.size ?? 0);
  if (fresh) for (const [id, f] of fresh) accounts.set(id, { id, seq: order++, status: f.account.status });
  const allGroups = new Set<string>();
  for (const groups of groupsOfAccount.values()) for (const g of groups) allGroups.add(g);
  const grants = allGroups.size === 0 ? [] : facts && [...allGroups].every((g) => facts.defaults.some((d) => d.id === g)) ? facts.defaultGrants.filter((g) => allGroups.has(g.groupId)) : await tx.org.grantsOfGroups([...allGroups]);
  const appsOfGroup = new Map<string, string[]>();
  const seatLimits = new Map(grants.map((g) => [g.appId, g.seatLimit]));
  for (const g of grants) {
    const list = appsOfGroup.get(g.groupId);
    if (list) list.push(g.appId);
    else appsOfGroup.set(g.groupId, [g.appId]);
  }

  const eligible = new Map<string, Set<string>>(); // app -> accounts
  for (const id of ids) {
    if (accounts.get(id)?.status !== 'active') continue;
    for (const g of groupsOfAccount.get(id) ?? []) for (const app of appsOfGroup.get(g) ?? []) eligible.set(app, (eligible.get(app) ?? new Set()).add(id));
  }
  const existing = await tx.org.heldAccess(withRows);
  const existingByApp = new Map<string, HeldAccess[]>();
  for (const row of existing) {
    const list = existingByApp.get(row.appId);
    if (list) list.push(row);
    else existingByApp.set(row.appId, [row]);
  }

  const apps = new Set([...eligible.keys(), ...existingByApp.keys()]);
  // Each app's new rows go in after the loop: an app's seat count reads only that app's rows, none of them pending then.
  const pending: Omit<AccessRow, 'seq'>[] = [];
  for (const appId of [...apps].sort()) {
    const want = eligible.get(appId) ?? new Set<string>();
    const rows = existingByApp.get(appId) ?? [];
    const lost = rows.filter((r) => !want.has(r.accountId)).map((r) => r.accountId).sort();
    const has = new Set(rows.map((r) => r.accountId));
    const gained = oldestFirst([...want].filter((id) => !has.has(id)), accounts);
    if (lost.length === 0 && gained.length === 0) continue;
    // Queued rows hold no seat: only the granted ones are revoked.
    const revoked = lost.length > 0 ? (await tx.org.deleteAccess(appId, lost)).sort() : [];
    // An app revoked with no grant left to these accounts has no limit read yet: seatAndRecord reads it.
    await seatAndRecord(env, tx, appId, gained, revoked, at, { knownLimit: seatLimits.get(appId), pending });
  }
  const made: Pick<NewOrgRows, 'accounts' | 'links'> = fresh ? { accounts: [...fresh.values()].map((f) => f.account), links: [...fresh.values()].map((f) => f.link) } : {};
  await tx.org.insertOrgRows({ ...made, memberships: options.memberships, access: pending });
}

/** The ids in the order their accounts were made (seq), each account's seq looked up once. */
function oldestFirst(ids: readonly string[], accounts: ReadonlyMap<string, { readonly seq: number }>): string[] {
  if (ids.length < 2) return [...ids];
  const bySeq = ids.map((id) => ({ id, seq: accounts.get(id)!.seq }));
  bySeq.sort((a, b) => a.seq - b.seq);
  return bySeq.map((x) => x.id);
}

export interface SeatOptions {
  /** The app's seat limit, when the caller read it with the grants. */
  readonly knownLimit?: number | null;
  /** An admin just changed the limit: a removed one seats the whole queue. */
  readonly limitChanged?: boolean;
  /** Where the new access rows go for the caller to insert; inserted here without it. */
  readonly pending?: Omit<AccessRow, 'seq'>[];
}

/** Gives seats to the queue first, then to `gained` (queued past the limit), and records the events. */
export async function seatAndRecord(env: OrgEnv, tx: Queries, appId: string, gained: readonly string[], revoked: readonly string[], at: string, options: SeatOptions = {}): Promise<void> {
  const { knownLimit, limitChanged = false, pending } = options;
  const seatLimit = knownLimit !== undefined ? knownLimit : (await tx.org.getApp(appId))?.seatLimit;
  // undefined: the app is gone (its rows went with it).
  if (seatLimit === undefined) return;
  let granted: string[] = [];
  let queued: string[] = [];
  if (seatLimit === null) {
    // Nobody waits for an app without a limit, except those queued before an admin removed it. Read
    // only then: every write that grants access comes here, and the queue of such an app is empty.
    const promoted = limitChanged ? await tx.org.queuedAccess(appId) : [];
    if (promoted.length > 0) await tx.org.setAccessStatus(appId, promoted, 'granted', at);
    granted = [...promoted, ...gained];
  } else {
    let free = seatLimit - (await tx.org.countAccess(appId)).granted;
    if (free > 0) {
      const promoted = await tx.org.queuedAccess(appId, free);
      if (promoted.length > 0) await tx.org.setAccessStatus(appId, promoted, 'granted', at);
      granted.push(...promoted);
      free -= promoted.length;
    }
    granted.push(...gained.slice(0, Math.max(0, free)));
    queued = gained.slice(Math.max(0, free));
  }
  const fresh = new Set(gained);
  const rows = [...granted.filter((id) => fresh.has(id)).map((accountId) => ({ appId, accountId, status: 'granted' as const, since: at })), ...queued.map((accountId) => ({ appId, accountId, status: 'queued' as const, since: at }))];
  if (pending) pending.push(...rows);
  else if (rows.length > 0) await tx.org.insertAccess(rows);
  const events = (type: 'access.revoked' | 'access.granted' | 'access.queued', ids: readonly string[]) =>
    idChunks(ids).map((part): DomainEvent => ({ type, directoryId: null, resourceId: appId, data: { appId, accountIds: part }, at }));
  await env.recordMany(tx, [...events('access.revoked', revoked), ...events('access.granted', granted), ...events('access.queued', queued)]);
}

