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
  for (;;) {
    const users = await tx.org.unlinkedUsers(directoryId, after, CHUNK);
    if (users.length === 0) break;
    await syncUsers(env, status, tx, directoryId, users, { at, origin: 'reconcile' });
    after = users[users.length - 1]!.seq;
    progress?.((done += users.length), 'link');
  }
  after = 0;
  done = 0;
  for (;;) {
    const links = await tx.org.linkedAccounts(directoryId, after, CHUNK);
    if (links.length === 0) break;
    const resources = await tx.org.userResources(directoryId, links.map((l) => l.userId));
    const users = links.filter((l) => resources.has(l.userId)).map((l) => ({ id: l.userId, resource: resources.get(l.userId)! }));
    await syncUsers(env, status, tx, directoryId, users, { at, origin: 'reconcile' });
    await recomputeAccounts(env, tx, links.map((l) => l.accountId), { at });
    after = links[links.length - 1]!.seq;
    progress?.((done += links.length), 'accounts');
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
    progress?.((done += ids.length), 'accounts');
  }
}
