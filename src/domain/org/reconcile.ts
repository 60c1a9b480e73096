import type { Queries } from '../../store/store.ts';
import type { AccountStatus } from './account-status.ts';
import type { OrgEnv } from './org-env.ts';
import { recomputeAccounts } from './recompute-accounts.ts';
import { syncUsers } from './sync-users.ts';

/** Accounts per step of a reconcile: each step is a bounded number of statements over this many rows. */
const CHUNK = 500;

export type ReconcileProgress = (done: number, phase: 'link' | 'accounts') => void;

/**
 * Recomputes a directory's part of the organization layer set-wise: its users without a link are
 * linked (or get accounts), then every linked account's profile, memberships and access are
 * recomputed, CHUNK accounts per step: the same code the SCIM writes run for one account.
 */
export async function reconcileDirectory(env: OrgEnv, status: AccountStatus, tx: Queries, directoryId: string, at: string, progress?: ReconcileProgress): Promise<number> {
  let after = 0;
  let done = 0;
  // A directory with no link yet (its rules are set up for the first time): the first pass links
  // every user, and there is nothing older for a second pass to recompute.
  const linkedBefore = await tx.org.countLinks(directoryId);
  // Accounts the first pass made or linked are computed already: the second pass skips them.
  const fresh = new Set<string>();
  for (;;) {
    const users = await tx.org.unlinkedUsers(directoryId, after, CHUNK);
    if (users.length === 0) break;
    for (const id of await syncUsers(env, status, tx, directoryId, users, { at, origin: 'reconcile', unlinked: true })) fresh.add(id);
    after = users[users.length - 1]!.seq;
    done += users.length;
    progress?.(done, 'link');
  }
  if (linkedBefore === 0) return tx.org.countLinks(directoryId);
  after = 0;
  done = 0;
  for (;;) {
    const page = await tx.org.linkedAccounts(directoryId, after, CHUNK);
    if (page.length === 0) break;
    after = page[page.length - 1]!.seq;
    done += page.length;
    const links = page.filter((l) => !fresh.has(l.accountId));
    progress?.(done, 'accounts');
    if (links.length === 0) continue;
    const resources = await tx.org.userResources(directoryId, links.map((l) => l.userId));
    const users = links.filter((l) => resources.has(l.userId)).map((l) => ({ id: l.userId, resource: resources.get(l.userId)! }));
    await syncUsers(env, status, tx, directoryId, users, { at, origin: 'reconcile' });
    await recomputeAccounts(env, tx, links.map((l) => l.accountId), { at });
  }
  return done;
}

/** Every account of the organization, recomputed (a default group or a domain changed). */
export async function recomputeAll(env: OrgEnv, tx: Queries, at: string, progress?: ReconcileProgress): Promise<number> {
  let after = 0;
  let done = 0;
  for (;;) {
    const ids = await tx.org.accountIds(after, CHUNK);
    if (ids.length === 0) return done;
    await recomputeAccounts(env, tx, ids.map((r) => r.id), { at });
    after = ids[ids.length - 1]!.seq;
    done += ids.length;
    progress?.(done, 'accounts');
  }
}
