import { randomUUID } from 'node:crypto';
import type { AccessStatus, AppKeyRecord, AppRecord, AuditActor, Queries, Store } from '../../store/store.ts';
import { UniqueViolationError } from '../../store/store-errors.ts';
import { APP_KEY_PREFIX, generateSecret, hashesEqual, hashSecret } from '../directories/secrets.ts';
import { DomainError } from '../domain-error.ts';
import type { AppData } from '../events/domain-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import type { OrgEnv } from './org-env.ts';
import { recomputeAccess, seatAndRecord } from './recompute-accounts.ts';
import type { createChangeRunner } from './run-change.ts';

export interface AppView extends AppRecord {
  readonly grantedGroups: readonly string[];
  readonly seatsUsed: number;
  readonly queued: number;
}

export type AppKeyView = Omit<AppKeyRecord, 'keyHash'>;

const nameTaken = (name: string) => new DomainError('app.name_taken', `an app named "${name.trim()}" exists already`);

/** Accounts per step when a grant changes: each step recomputes the access of this many accounts. */
const CHUNK = 500;

/**
 * Apps and access by group: an account has an app while it is active and in a granted group. A
 * seat limit queues new access (oldest first) instead of over-assigning it. Grants can be previewed.
 */
export function createAppService(deps: { store: Store; env: OrgEnv; audit: AuditLog; runChange: ReturnType<typeof createChangeRunner> }) {
  const { store, env, audit, runChange } = deps;
  const now = () => env.now().toISOString();

  async function mustGet(q: Queries, id: string): Promise<AppRecord> {
    const app = await q.org.getApp(id);
    if (!app) throw new DomainError('app.not_found', `no app ${id}`);
    return app;
  }

  async function view(q: Queries, app: AppRecord): Promise<AppView> {
    const counts = await q.org.countAccess(app.id);
    return { ...app, grantedGroups: await q.org.grantsOfApp(app.id), seatsUsed: counts.granted, queued: counts.queued };
  }

  const data = (v: AppView): AppData => ({ id: v.id, name: v.name, kind: v.kind, seatLimit: v.seatLimit, grantedGroups: v.grantedGroups });

  /** Recomputes access of the members of these groups, chunk by chunk (set-wise, whatever their number). */
  async function recomputeGroups(tx: Queries, groupIds: readonly string[], at: string) {
    let after = 0;
    for (;;) {
      const rows = await tx.org.accountsInGroups(groupIds, after, CHUNK);
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.id);
      const memberships = await tx.org.membershipsOf(ids);
      const groupsOf = new Map<string, Set<string>>();
      for (const m of memberships) groupsOf.set(m.accountId, (groupsOf.get(m.accountId) ?? new Set()).add(m.groupId));
      await recomputeAccess(env, tx, ids, groupsOf, at);
      after = rows[rows.length - 1]!.seq;
    }
  }

  async function changeGrant(appId: string, groupId: string, grant: boolean, actor: AuditActor, preview: boolean) {
    return runChange(preview, async (tx) => {
      const app = await mustGet(tx, appId);
      const [group] = await tx.org.getGroups([groupId]);
      if (!group) throw new DomainError('org_group.not_found', `no org group ${groupId}`);
      const before = await view(tx, app);
      const changed = grant ? await tx.org.addGrant(appId, groupId, now()) : await tx.org.removeGrant(appId, groupId);
      if (!changed) return before;
      const at = now();
      const after = await view(tx, app);
      await env.record(tx, { type: 'app.updated', directoryId: null, resourceId: appId, data: data(after), changed: ['grantedGroups'], at });
      await audit.record(tx, actor, { action: grant ? 'app.grant' : 'app.ungrant', targetType: 'App', targetId: appId, directoryId: null, before: { grantedGroups: before.grantedGroups }, after: { grantedGroups: after.grantedGroups } }, at);
      await recomputeGroups(tx, [groupId], at);
      return view(tx, app);
    });
  }

  return {
    list: () => store.read(async (q) => Promise.all((await q.org.listApps()).map((a) => view(q, a)))),
    get: (id: string) => store.read(async (q) => view(q, await mustGet(q, id))),

    async create(input: { name: string; kind: string; seatLimit?: number | null }, actor: AuditActor = SYSTEM_ACTOR): Promise<AppView> {
      const at = now();
      const app: AppRecord = { id: randomUUID(), seq: 0, name: input.name.trim(), kind: input.kind, seatLimit: input.seatLimit ?? null, createdAt: at, updatedAt: at };
      return store.write(async (tx) => {
        if (!(await tx.org.insertApp(app))) throw nameTaken(app.name);
        const v = await view(tx, app);
        await env.record(tx, { type: 'app.created', directoryId: null, resourceId: app.id, data: data(v), at });
        await audit.record(tx, actor, { action: 'app.create', targetType: 'App', targetId: app.id, directoryId: null, before: null, after: app }, at);
        return v;
      });
    },

    async update(id: string, input: { name?: string; kind?: string; seatLimit?: number | null }, actor: AuditActor = SYSTEM_ACTOR): Promise<AppView> {
      const result = await runChange(false, async (tx) => {
        const app = await mustGet(tx, id);
        const at = now();
        if (input.name !== undefined) {
          const other = await tx.org.appByName(input.name.trim().toLowerCase());
          if (other && other.id !== id) throw nameTaken(input.name);
        }
        await tx.org.updateApp(id, { name: input.name?.trim(), kind: input.kind, seatLimit: input.seatLimit, updatedAt: at });
        const after = await view(tx, await mustGet(tx, id));
        const changed = (['name', 'kind', 'seatLimit'] as const).filter((k) => input[k] !== undefined && after[k] !== app[k]);
        if (changed.length === 0) return after;
        await env.record(tx, { type: 'app.updated', directoryId: null, resourceId: id, data: data(after), changed, at });
        await audit.record(tx, actor, { action: 'app.update', targetType: 'App', targetId: id, directoryId: null, before: app, after }, at);
        // A raised limit seats the queue, oldest first, a removed one all of it; a lowered one revokes nobody.
        if (changed.includes('seatLimit')) await seatAndRecord(env, tx, id, [], [], at, { limitChanged: true });
        return view(tx, await mustGet(tx, id));
      }).catch((error: unknown) => {
        // Two renames to one name at once (PostgreSQL): neither saw the other, the unique index decides.
        if (error instanceof UniqueViolationError && input.name !== undefined) throw nameTaken(input.name);
        throw error;
      });
      return result.result!;
    },

    async remove(id: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      await store.write(async (tx) => {
        const app = await view(tx, await mustGet(tx, id));
        const at = now();
        let after = 0;
        for (;;) {
          const rows = await tx.org.listAccess(id, { afterSeq: after, limit: 1000 });
          if (rows.length === 0) break;
          await env.record(tx, { type: 'access.revoked', directoryId: null, resourceId: id, data: { appId: id, accountIds: rows.map((r) => r.account.id) }, at });
          after = rows[rows.length - 1]!.access.seq;
        }
        await tx.org.deleteApp(id);
        await env.record(tx, { type: 'app.deleted', directoryId: null, resourceId: id, data: data(app), at });
        await audit.record(tx, actor, { action: 'app.delete', targetType: 'App', targetId: id, directoryId: null, before: app, after: null }, at);
      });
    },

    grant: (appId: string, groupId: string, actor: AuditActor = SYSTEM_ACTOR, preview = false) => changeGrant(appId, groupId, true, actor, preview),
    ungrant: (appId: string, groupId: string, actor: AuditActor = SYSTEM_ACTOR, preview = false) => changeGrant(appId, groupId, false, actor, preview),

    /** The accounts with access (or queued), in the order they got it; `updatedSince` for incremental readers. */
    access: (appId: string, options: { afterSeq?: number; limit?: number; status?: AccessStatus; updatedSince?: string } = {}) =>
      store.read(async (q) => {
        await mustGet(q, appId);
        return q.org.listAccess(appId, { afterSeq: options.afterSeq ?? 0, limit: options.limit ?? 100, status: options.status, updatedSince: options.updatedSince });
      }),

    async createKey(appId: string, label: string | null = null, actor: AuditActor = SYSTEM_ACTOR): Promise<{ key: string; view: AppKeyView }> {
      const { secret, hash, prefix } = generateSecret(APP_KEY_PREFIX);
      const at = now();
      const key: AppKeyRecord = { id: randomUUID(), appId, keyHash: hash, prefix, label, createdAt: at, revokedAt: null };
      await store.write(async (tx) => {
        await mustGet(tx, appId);
        await tx.org.insertAppKey(key);
        await audit.record(tx, actor, { action: 'app_key.create', targetType: 'App', targetId: appId, directoryId: null, before: null, after: { id: key.id, prefix, label } }, at);
      });
      const { keyHash: _hash, ...rest } = key;
      return { key: secret, view: rest };
    },
    listKeys: (appId: string) => store.read(async (q) => (await q.org.listAppKeys(appId)).map(({ keyHash: _hash, ...rest }) => rest)),
    async revokeKey(appId: string, keyId: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      await store.write(async (tx) => {
        const keys = await tx.org.listAppKeys(appId);
        if (!keys.some((k) => k.id === keyId) || !(await tx.org.revokeAppKey(keyId, now()))) throw new DomainError('app.not_found', `app ${appId} has no active key ${keyId}`);
        await audit.record(tx, actor, { action: 'app_key.revoke', targetType: 'App', targetId: appId, directoryId: null, before: { id: keyId }, after: null }, now());
      });
    },
    /** The app a read-API key belongs to, when it is valid. */
    async identifyKey(presented: string): Promise<string | undefined> {
      const hash = hashSecret(presented);
      const key = await store.read((q) => q.org.findAppKey(hash));
      return key && !key.revokedAt && hashesEqual(key.keyHash, hash) ? key.appId : undefined;
    },
  };
}

export type AppService = ReturnType<typeof createAppService>;
