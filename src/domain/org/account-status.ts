import { newId } from '../new-id.ts';
import type { AccountRecord, LinkRecord, Queries } from '../../store/store.ts';
import type { LoadedRules } from './load-rules.ts';
import { accountData, type OrgEnv } from './org-env.ts';
import { recomputeAccounts } from './recompute-accounts.ts';

export type DeprovisionAction = 'deactivate' | 'delete';

/** Linked-account counts per directory, for the guard's threshold; a minute old at most. */
const COUNT_TTL_MS = 60_000;

/**
 * Account status follows its links: active while any linked SCIM user is active. A directory's
 * sync settings may forbid deactivating or reactivating; the mass-deprovision guard may hold a
 * deactivation for an admin. The SCIM layer has already answered the IdP either way.
 */
export function createAccountStatus(env: OrgEnv) {
  const counts = new Map<string, { n: number; at: number }>();

  async function linkedCount(tx: Queries, directoryId: string): Promise<number> {
    const cached = counts.get(directoryId);
    if (cached && Date.now() - cached.at < COUNT_TTL_MS) return cached.n;
    const n = await tx.org.countLinks(directoryId);
    counts.set(directoryId, { n, at: Date.now() });
    return n;
  }

  /** Whether one more deprovision of this directory now goes past the guard's threshold. */
  async function mustHold(tx: Queries, directoryId: string, loaded: LoadedRules, at: string): Promise<boolean> {
    const guard = loaded.rules.guard;
    if (!guard.enabled) return false;
    const since = new Date(Date.parse(at) - guard.windowMinutes * 60_000).toISOString();
    const recent = await tx.org.countDeprovisions(directoryId, since);
    const threshold = Math.max(guard.minCount, Math.floor(guard.share * (await linkedCount(tx, directoryId))));
    return recent + 1 > threshold;
  }

  /**
   * Deactivates (or deletes) an account now: the guard has let it through or an admin approved it.
   * `links`: every link of the account, when the caller read them in this transaction.
   */
  async function apply(tx: Queries, account: AccountRecord, action: DeprovisionAction, at: string, links?: readonly LinkRecord[]): Promise<void> {
    links ??= await tx.org.linksOfAccounts([account.id]);
    if (action === 'delete' && links.length === 0) {
      // Its memberships and access go first, with their events; then the account.
      await tx.org.updateAccount(account.id, { status: 'deactivated', updatedAt: at });
      await recomputeAccounts(env, tx, [account.id], { at });
      await tx.org.deleteAccount(account.id);
      await env.record(tx, { type: 'account.deleted', directoryId: null, resourceId: account.id, data: { id: account.id, email: account.email }, at });
      return;
    }
    if (account.status !== 'active') return;
    const after = { ...account, status: 'deactivated' as const, updatedAt: at };
    await tx.org.updateAccount(account.id, { status: 'deactivated', updatedAt: at });
    await env.record(tx, { type: 'account.deactivated', directoryId: null, resourceId: account.id, data: accountData(after), changed: ['status'], at });
    await recomputeAccounts(env, tx, [account.id], { at, links });
  }

  return {
    apply,

    /**
     * Brings each account's status in line with its links after a change in `directoryId` (a user
     * deactivated, reactivated, deleted, or newly linked). `action` is what the IdP did: a deletion
     * follows the directory's `onDelete`.
     */
    async settle(tx: Queries, directoryId: string, loaded: LoadedRules, accountIds: readonly string[], userOf: ReadonlyMap<string, string>, action: DeprovisionAction, at: string): Promise<void> {
      if (accountIds.length === 0) return;
      const accounts = await tx.org.getAccounts(accountIds);
      const links = await tx.org.linksOfAccounts(accountIds);
      const sync = loaded.rules.sync;
      for (const account of accounts) {
        const own = links.filter((l) => l.accountId === account.id);
        const anyActive = own.some((l) => l.active);
        const userId = userOf.get(account.id) ?? '';
        if (account.status === 'active' && !anyActive) {
          const wanted: DeprovisionAction = action === 'delete' && own.length === 0 && sync.onDelete === 'delete' ? 'delete' : 'deactivate';
          if (!sync.allowDeactivate) {
            await env.record(tx, { type: 'account.sync_skipped', directoryId, resourceId: userId, data: { userId, accountId: account.id, action: wanted, reason: "this directory's sync settings do not allow deactivating accounts" }, at });
            continue;
          }
          const held = await mustHold(tx, directoryId, loaded, at);
          const record = { id: newId(), directoryId, accountId: account.id, userId, action: wanted, status: held ? ('held' as const) : ('applied' as const), at, decidedBy: null, decidedAt: null };
          if (loaded.rules.guard.enabled || held) await tx.org.insertDeprovision(record);
          if (held) {
            await env.record(tx, { type: 'deprovision.held', directoryId, resourceId: record.id, data: { id: record.id, directoryId, accountId: account.id, userId, action: wanted, decidedBy: null }, at });
            continue;
          }
          await apply(tx, account, wanted, at, own);
        } else if (account.status === 'deactivated' && anyActive) {
          if (!sync.autoReactivate) {
            await env.record(tx, { type: 'account.sync_skipped', directoryId, resourceId: userId, data: { userId, accountId: account.id, action: 'reactivate', reason: "this directory's sync settings do not reactivate accounts automatically" }, at });
            continue;
          }
          const after = { ...account, status: 'active' as const, updatedAt: at };
          await tx.org.updateAccount(account.id, { status: 'active', updatedAt: at });
          await env.record(tx, { type: 'account.reactivated', directoryId: null, resourceId: account.id, data: accountData(after), changed: ['status'], at });
          await recomputeAccounts(env, tx, [account.id], { at, links: own });
        }
      }
    },
  };
}

export type AccountStatus = ReturnType<typeof createAccountStatus>;
