import { newId } from '../new-id.ts';
import { scimErrors } from '../../scim/scim-error.ts';
import type { AccountProfile, AccountRecord, LinkRecord, NewAccount, Queries } from '../../store/store.ts';
import type { AccountStatus } from './account-status.ts';
import type { LoadedRules } from './load-rules.ts';
import { accountData, type OrgEnv } from './org-env.ts';
import { recomputeAccounts, type NewAccountFacts } from './recompute-accounts.ts';

export interface SyncedUser {
  readonly id: string;
  readonly resource: Record<string, unknown>;
}

export interface SyncUsersOptions {
  readonly at: string;
  /** `scim`: a refused domain is a SCIM error (the write is undone); `reconcile`: it is skipped and recorded. */
  readonly origin: 'scim' | 'reconcile';
  /** The users were created in this write (a SCIM POST): they are in no IdP group yet, and have no link. */
  readonly newUsers?: boolean;
  /** The caller read these users as unlinked in this transaction (a reconcile's first pass). */
  readonly unlinked?: boolean;
}

const PROFILE_KEYS = ['userName', 'email', 'displayName', 'givenName', 'familyName', 'title', 'department', 'manager', 'locale', 'timezone'] as const;

/** The part after the last `@`, lowercased; null without one. */
export function emailDomain(email: string | null): string | null {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at > 0 ? email.slice(at + 1).toLowerCase() : null;
}

/**
 * Links SCIM users of one directory to accounts and keeps the accounts' profiles current, for a batch
 * of users in a bounded number of statements (one user from a SCIM write; thousands in a reconcile).
 * Linking order (issue 9): an existing link for the immutable key (directory + SCIM id), then the
 * mapped email when its domain is one of the organization's, else a new account. An email change
 * never unlinks. The same email as an account already linked to another user of this directory is a
 * conflict: reported, never merged.
 */
/** Returns the accounts it created or linked (their memberships and access are computed already). */
export async function syncUsers(env: OrgEnv, status: AccountStatus, tx: Queries, directoryId: string, users: readonly SyncedUser[], options: SyncUsersOptions): Promise<Set<string>> {
  if (users.length === 0) return new Set();
  const { at } = options;
  let facts = await env.factsOf(tx, directoryId);
  const { loaded, domains } = facts;
  const { sync } = loaded.rules;
  const mapped = users.map((u) => {
    const { fields, custom } = loaded.compiled.mapAccount(u.resource);
    const profile = Object.fromEntries(PROFILE_KEYS.map((k) => [k, fields[k] ?? null])) as unknown as AccountProfile;
    const domain = emailDomain(profile.email);
    const external = domains.size > 0 && (domain === null || !domains.has(domain));
    return { user: u, profile, custom, domain, external, active: u.resource.active !== false };
  });

  const skip = (userId: string, accountId: string | null, action: string, reason: string) =>
    env.record(tx, { type: 'account.sync_skipped', directoryId, resourceId: userId, data: { userId, accountId, action, reason }, at });

  const links = new Map(options.newUsers || options.unlinked ? [] : (await tx.org.linksOfUsers(directoryId, users.map((u) => u.id))).map((l) => [l.userId, l]));
  const refused = new Set<string>();
  for (const m of mapped) {
    if (!m.external || sync.outsideDomains !== 'refuse') continue;
    const reason = m.domain === null ? 'the user has no email, and this directory accepts only users of the organization\'s domains' : `the email domain "${m.domain}" is not one of the organization's domains, and this directory refuses users outside them`;
    // The IdP learns it at once (400), and the user is not stored: nothing half-written.
    if (options.origin === 'scim') throw scimErrors.invalidValue(reason);
    refused.add(m.user.id);
    await skip(m.user.id, links.get(m.user.id)?.accountId ?? null, 'link', reason);
  }

  // Profiles of linked users: only the account's primary (oldest) link writes its profile.
  const linked = mapped.filter((m) => links.has(m.user.id) && !refused.has(m.user.id));
  const accountIds = [...new Set(linked.map((m) => links.get(m.user.id)!.accountId))];
  const accounts = new Map((await tx.org.getAccounts(accountIds)).map((a) => [a.id, a]));
  const primary = new Map<string, LinkRecord>();
  for (const l of await tx.org.linksOfAccounts(accountIds)) if (!primary.has(l.accountId)) primary.set(l.accountId, l);
  for (const m of linked) {
    const link = links.get(m.user.id)!;
    const account = accounts.get(link.accountId);
    if (!account || primary.get(account.id)?.userId !== m.user.id || primary.get(account.id)?.directoryId !== directoryId) continue;
    const changed = profileChanges(account, m.profile, m.custom, m.external);
    if (changed.length === 0) continue;
    if (!sync.allowUpdate) {
      await skip(m.user.id, account.id, 'update', "this directory's sync settings do not allow updating accounts");
      continue;
    }
    const after: AccountRecord = { ...account, ...m.profile, custom: m.custom, external: m.external, updatedAt: at };
    await tx.org.updateAccount(account.id, { ...m.profile, custom: m.custom, external: m.external, updatedAt: at });
    await env.record(tx, { type: 'account.updated', directoryId: null, resourceId: account.id, data: accountData(after), changed, at });
  }

  // Unlinked users: link by email, or create.
  const unlinked = mapped.filter((m) => !links.has(m.user.id) && !refused.has(m.user.id));
  if (unlinked.length === 0) return new Set();
  const emails = [...new Set(unlinked.filter((m) => m.profile.email && m.domain && domains.has(m.domain)).map((m) => m.profile.email!.toLowerCase()))];
  // Held to the commit: a concurrent write of the same person in another directory waits, then finds this account.
  // The wait can be long (a reconcile holds the locks): the default groups and their grants are read
  // again after it, so an admin's change committed meanwhile reaches the accounts made here. The
  // rules and domains stay those the users were mapped with.
  if (await tx.org.lockEmails(emails)) facts = { ...(await env.factsOf(tx, directoryId)), loaded, domains };
  const candidates = emails.length > 0 ? await tx.org.findAccountsByEmails(emails) : [];
  const candidateLinks = await tx.org.linksOfAccounts(candidates.map((a) => a.id));
  const byEmail = new Map<string, AccountRecord>();
  for (const a of candidates) if (a.email && !byEmail.has(a.email.toLowerCase())) byEmail.set(a.email.toLowerCase(), a);
  // Directories each candidate is linked to (a second user of the same directory is a conflict).
  const linkedIn = new Map<string, Set<string>>();
  for (const l of candidateLinks) linkedIn.set(l.accountId, (linkedIn.get(l.accountId) ?? new Set()).add(l.directoryId));

  const newAccounts: NewAccount[] = [];
  const newLinks: Omit<LinkRecord, 'seq'>[] = [];
  const created = new Map<string, NewAccountFacts>();
  const settle: string[] = [];
  const userOf = new Map<string, string>();
  for (const m of unlinked) {
    const lower = m.profile.email?.toLowerCase();
    const match = lower && m.domain && domains.has(m.domain) ? byEmail.get(lower) : undefined;
    if (match && !linkedIn.get(match.id)?.has(directoryId)) {
      newLinks.push({ directoryId, userId: m.user.id, accountId: match.id, active: m.active, linkedBy: 'email', createdAt: at });
      linkedIn.set(match.id, (linkedIn.get(match.id) ?? new Set()).add(directoryId));
      await env.record(tx, { type: 'account.linked', directoryId: null, resourceId: match.id, data: { accountId: match.id, directoryId, userId: m.user.id, linkedBy: 'email' }, at });
      settle.push(match.id);
      userOf.set(match.id, m.user.id);
      continue;
    }
    if (!sync.allowCreate) {
      await skip(m.user.id, null, 'create', "this directory's sync settings do not allow creating accounts");
      continue;
    }
    const account: NewAccount = { id: newId(), status: m.active ? 'active' : 'deactivated', external: m.external, ...m.profile, custom: m.custom, createdAt: at, updatedAt: at };
    const link = { directoryId, userId: m.user.id, accountId: account.id, active: m.active, linkedBy: 'new', createdAt: at } as const;
    newAccounts.push(account);
    newLinks.push(link);
    created.set(account.id, { account, link });
    if (match) {
      await tx.org.insertConflict({ directoryId, userId: m.user.id, email: m.profile.email!, existingAccountId: match.id, accountId: account.id, at });
      await env.record(tx, { type: 'account.link_conflict', directoryId: null, resourceId: account.id, data: { accountId: account.id, directoryId, userId: m.user.id, linkedBy: 'new', email: m.profile.email!, existingAccountId: match.id }, at });
    } else if (lower && m.domain && domains.has(m.domain)) {
      // Later users of this batch with the same email link to (or conflict with) this account.
      byEmail.set(lower, { ...account, seq: 0 });
      linkedIn.set(account.id, new Set([directoryId]));
    }
  }
  // Links to accounts that were there before go in now (the recompute reads those accounts' links);
  // the new accounts and their own links go in with the recompute's rows (recomputeAccounts).
  await tx.org.insertLinks(newLinks.filter((l) => created.get(l.accountId)?.link !== l));
  await env.recordMany(
    tx,
    newAccounts.map((account) => ({ type: 'account.created', directoryId: null, resourceId: account.id, data: { ...accountData({ ...account, seq: 0 }), createdFrom: { directoryId, userId: created.get(account.id)!.link.userId } }, at })),
  );
  await recomputeAccounts(env, tx, [...created.keys(), ...settle], { at, newAccounts: created, newUsers: options.newUsers ? new Set(users.map((u) => u.id)) : undefined, facts });
  // An account linked by email whose other links are gone has a new primary link: this user.
  await refreshProfiles(env, status, tx, settle, at);
  await status.settle(tx, directoryId, loaded, settle, userOf, 'deactivate', at);
  return new Set([...created.keys(), ...settle]);
}

function profileChanges(account: AccountRecord, profile: AccountProfile, custom: Readonly<Record<string, string | null>>, external: boolean): string[] {
  const changed: string[] = PROFILE_KEYS.filter((k) => account[k] !== profile[k]);
  if (JSON.stringify(account.custom) !== JSON.stringify(custom)) changed.push('custom');
  if (account.external !== external) changed.push('external');
  return changed;
}

/**
 * Rewrites these accounts' profiles from their primary (oldest) links: after a link came or went,
 * the primary may be another user, perhaps of another directory with other rules.
 */
export async function refreshProfiles(env: OrgEnv, status: AccountStatus, tx: Queries, accountIds: readonly string[], at: string): Promise<void> {
  if (accountIds.length === 0) return;
  const primary = new Map<string, LinkRecord>();
  for (const l of await tx.org.linksOfAccounts(accountIds)) if (!primary.has(l.accountId)) primary.set(l.accountId, l);
  const byDirectory = new Map<string, string[]>();
  for (const l of primary.values()) byDirectory.set(l.directoryId, [...(byDirectory.get(l.directoryId) ?? []), l.userId]);
  for (const [directoryId, userIds] of byDirectory) {
    const resources = await tx.org.userResources(directoryId, userIds);
    const users = userIds.filter((id) => resources.has(id)).map((id) => ({ id, resource: resources.get(id)! }));
    await syncUsers(env, status, tx, directoryId, users, { at, origin: 'reconcile' });
  }
}
