import type { AccountListOptions, AccountRecord, AuditActor, LinkRecord, Queries, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { AccountStatus } from './account-status.ts';
import { explainAccess, type AccessExplanation } from './explain-access.ts';
import type { OrgEnv } from './org-env.ts';
import { recomputeAccounts } from './recompute-accounts.ts';
import { refreshProfiles } from './sync-users.ts';
import type { createChangeRunner } from './run-change.ts';

export interface AccountDetail extends AccountRecord {
  readonly links: readonly LinkRecord[];
  readonly groups: readonly { readonly id: string; readonly name: string; readonly sources: readonly string[] }[];
  readonly apps: readonly { readonly id: string; readonly name: string; readonly status: string; readonly since: string }[];
}

/** Accounts: listed, read with their links, groups and apps, explained, and linked by hand. */
export function createAccountService(deps: { store: Store; env: OrgEnv; status: AccountStatus; audit: AuditLog; runChange: ReturnType<typeof createChangeRunner> }) {
  const { store, env, status, audit, runChange } = deps;

  async function mustGet(q: Queries, id: string): Promise<AccountRecord> {
    const [account] = await q.org.getAccounts([id]);
    if (!account) throw new DomainError('account.not_found', `no account ${id}`);
    return account;
  }

  async function detail(q: Queries, account: AccountRecord): Promise<AccountDetail> {
    const links = await q.org.linksOfAccounts([account.id]);
    const rows = await q.org.accountMemberships(account.id);
    const groups = await q.org.getGroups([...new Set(rows.map((r) => r.groupId))]);
    const access = await q.org.accessOf([account.id]);
    const apps = new Map((await q.org.listApps()).map((a) => [a.id, a]));
    return {
      ...account,
      links,
      groups: groups.map((g) => ({ id: g.id, name: g.name, sources: rows.filter((r) => r.groupId === g.id).map((r) => r.source) })),
      apps: access.map((x) => ({ id: x.appId, name: apps.get(x.appId)?.name ?? x.appId, status: x.status, since: x.since })),
    };
  }

  return {
    list: (options: Partial<AccountListOptions> = {}) => store.read((q) => q.org.listAccounts({ afterSeq: 0, limit: 100, ...options })),
    get: (id: string) => store.read(async (q) => detail(q, await mustGet(q, id))),
    conflicts: (limit = 100) => store.read((q) => q.org.listConflicts(limit)),

    /** Why the account has (or has not) the app: the chain of grant, group, source and IdP group. */
    explain: (accountId: string, appId: string): Promise<AccessExplanation> =>
      store.read(async (q) => {
        const account = await mustGet(q, accountId);
        const app = await q.org.getApp(appId);
        if (!app) throw new DomainError('app.not_found', `no app ${appId}`);
        return explainAccess(q, account, app);
      }),

    /**
     * Links a directory's user to this account by hand (the third way of issue 9, after the key and
     * the email). The user's old account, left without links, is deactivated.
     */
    async link(accountId: string, input: { directoryId: string; userId: string }, actor: AuditActor = SYSTEM_ACTOR) {
      return runChange(false, async (tx) => {
        const account = await mustGet(tx, accountId);
        const [user] = [...(await tx.org.userResources(input.directoryId, [input.userId])).values()];
        if (!user) throw new DomainError('account.invalid', `directory ${input.directoryId} has no user ${input.userId}`);
        const at = env.now().toISOString();
        const [old] = await tx.org.linksOfUsers(input.directoryId, [input.userId]);
        if (old?.accountId === accountId) return detail(tx, account);
        const others = await tx.org.linksOfAccounts([accountId]);
        if (others.some((l) => l.directoryId === input.directoryId)) throw new DomainError('account.invalid', `the account is already linked to another user of directory ${input.directoryId}`);
        if (old) {
          await tx.org.updateLink(input.directoryId, input.userId, { accountId, linkedBy: 'admin' });
          await env.record(tx, { type: 'account.unlinked', directoryId: null, resourceId: old.accountId, data: { accountId: old.accountId, directoryId: input.directoryId, userId: input.userId, linkedBy: old.linkedBy }, at });
        } else {
          await tx.org.insertLinks([{ directoryId: input.directoryId, userId: input.userId, accountId, active: user.active !== false, linkedBy: 'admin', createdAt: at }]);
        }
        await env.record(tx, { type: 'account.linked', directoryId: null, resourceId: accountId, data: { accountId, directoryId: input.directoryId, userId: input.userId, linkedBy: 'admin' }, at });
        await audit.record(tx, actor, { action: 'account.link', targetType: 'Account', targetId: accountId, directoryId: input.directoryId, before: old ?? null, after: input }, at);
        const touched = old ? [accountId, old.accountId] : [accountId];
        await recomputeAccounts(env, tx, touched, { at });
        await refreshProfiles(env, status, tx, touched, at);
        const loaded = await env.rulesOf(tx, input.directoryId);
        // An admin's link is the admin's decision: the guard does not hold what follows from it.
        const unguarded = { ...loaded, rules: { ...loaded.rules, guard: { ...loaded.rules.guard, enabled: false } } };
        await status.settle(tx, input.directoryId, unguarded, touched, new Map(touched.map((id) => [id, input.userId])), 'deactivate', at);
        return detail(tx, await mustGet(tx, accountId));
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
