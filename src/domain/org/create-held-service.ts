import type { AuditActor, DeprovisionRecord, DeprovisionStatus, Queries, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import type { DeprovisionData } from '../events/domain-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { AccountStatus } from './account-status.ts';
import type { OrgEnv } from './org-env.ts';
import { accountLabel, type createChangeRunner } from './run-change.ts';

export interface HeldView extends DeprovisionRecord {
  readonly accountName: string | null;
}

const data = (d: DeprovisionRecord, decidedBy: string | null): DeprovisionData => ({ id: d.id, directoryId: d.directoryId, accountId: d.accountId, userId: d.userId, action: d.action, decidedBy });

/**
 * Deprovisions the mass-deprovision guard held. Approving applies them in the order they were held
 * (each only if the account's links still call for it: a user reactivated meanwhile stays active);
 * rejecting keeps the account as it is. The SCIM layer answered the IdP normally all along.
 */
export function createHeldService(deps: { store: Store; env: OrgEnv; status: AccountStatus; audit: AuditLog; runChange: ReturnType<typeof createChangeRunner> }) {
  const { store, env, status, audit, runChange } = deps;

  async function decide(tx: Queries, held: DeprovisionRecord, approve: boolean, actor: AuditActor, at: string): Promise<boolean> {
    const by = actor.label ?? actor.type;
    if (!(await tx.org.decideDeprovision(held.id, approve ? 'approved' : 'rejected', by, at))) throw new DomainError('deprovision.decided', `deprovision ${held.id} was already decided`);
    await env.record(tx, { type: approve ? 'deprovision.approved' : 'deprovision.rejected', directoryId: held.directoryId, resourceId: held.id, data: data(held, by), at });
    await audit.record(tx, actor, { action: approve ? 'deprovision.approve' : 'deprovision.reject', targetType: 'Deprovision', targetId: held.id, directoryId: held.directoryId, before: held, after: { status: approve ? 'approved' : 'rejected' } }, at);
    if (!approve) return false;
    const [account] = await tx.org.getAccounts([held.accountId]);
    const links = await tx.org.linksOfAccounts([held.accountId]);
    if (!account || links.some((l) => l.active)) return false;
    await status.apply(tx, account, held.action === 'delete' && links.length === 0 ? 'delete' : 'deactivate', at);
    return true;
  }

  /** The deprovisions of these ids, in one query; an unknown id is a 404 naming it. */
  async function byIds(tx: Queries, ids: readonly string[]): Promise<DeprovisionRecord[]> {
    const found = new Map((await tx.org.getDeprovisions([...new Set(ids)])).map((d) => [d.id, d]));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw new DomainError('deprovision.not_found', `no held deprovision ${missing}`);
    return [...found.values()];
  }

  async function decideMany(ids: readonly string[] | { directoryId?: string }, approve: boolean, actor: AuditActor) {
    return runChange(false, async (tx) => {
      const at = env.now().toISOString();
      const held = Array.isArray(ids)
        ? await byIds(tx, ids)
        : await tx.org.listDeprovisions({ status: 'held', directoryId: (ids as { directoryId?: string }).directoryId, limit: 100_000 });
      let applied = 0;
      for (const d of held.sort((a, b) => a.seq - b.seq)) if (await decide(tx, d, approve, actor, at)) applied++;
      return { decided: held.length, applied };
    });
  }

  return {
    /** The page of deprovisions, each with its account's name (one query for the page; null for an account since deleted). */
    list: (options: { status?: DeprovisionStatus; directoryId?: string; limit?: number } = {}): Promise<HeldView[]> =>
      store.read(async (q) => {
        const rows = await q.org.listDeprovisions({ status: options.status ?? 'held', directoryId: options.directoryId, limit: options.limit ?? 100 });
        const names = new Map((await q.org.getAccounts([...new Set(rows.map((r) => r.accountId))])).map((a) => [a.id, accountLabel(a)]));
        return rows.map((r) => ({ ...r, accountName: names.get(r.accountId) ?? null }));
      }),
    approve: (ids: readonly string[], actor: AuditActor = SYSTEM_ACTOR) => decideMany(ids, true, actor),
    reject: (ids: readonly string[], actor: AuditActor = SYSTEM_ACTOR) => decideMany(ids, false, actor),
    /** Every held deprovision (of a directory), in the order held. */
    approveAll: (directoryId: string | undefined, actor: AuditActor = SYSTEM_ACTOR) => decideMany({ directoryId }, true, actor),
    rejectAll: (directoryId: string | undefined, actor: AuditActor = SYSTEM_ACTOR) => decideMany({ directoryId }, false, actor),
  };
}

export type HeldService = ReturnType<typeof createHeldService>;
