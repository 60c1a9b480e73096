import { randomUUID } from 'node:crypto';
import type { AdminKeyRecord, AuditActor, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import type { EventRecorder } from '../events/record-event.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../ops/create-audit-log.ts';
import { ADMIN_KEY_PREFIX, generateSecret, hashesEqual, hashSecret } from './secrets.ts';

export type AdminKeyView = Omit<AdminKeyRecord, 'keyHash'>;

const toView = ({ keyHash: _hash, ...view }: AdminKeyRecord): AdminKeyView => view;
const keyData = (k: AdminKeyRecord) => ({ id: k.id, prefix: k.prefix, label: k.label });

/** Keys for the admin API (`/api/v1`). Like SCIM tokens: shown once, stored as a hash. */
export function createAdminKeyService(deps: { store: Store; events: EventRecorder; audit: AuditLog; now?: () => Date }) {
  const { store, events, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const lastUsedWritten = new Map<string, number>();

  /** The key a caller presented, when it is valid: the audit log names it as the actor. */
  async function identify(presented: string): Promise<AdminKeyView | undefined> {
    const hash = hashSecret(presented);
    const key = await store.read((q) => q.adminKeys.findByHash(hash));
    if (!key || key.revokedAt || !hashesEqual(key.keyHash, hash)) return undefined;
    const at = now().getTime();
    if (at - (lastUsedWritten.get(key.id) ?? 0) >= 60_000) {
      lastUsedWritten.set(key.id, at);
      await store.write((q) => q.adminKeys.update(key.id, { lastUsedAt: new Date(at).toISOString() }));
    }
    return toView(key);
  }
  return {
    async create(label: string | null = null, actor: AuditActor = SYSTEM_ACTOR): Promise<{ key: string; view: AdminKeyView }> {
      const { secret, hash, prefix } = generateSecret(ADMIN_KEY_PREFIX);
      const key: AdminKeyRecord = { id: randomUUID(), keyHash: hash, prefix, label, createdAt: now().toISOString(), revokedAt: null, lastUsedAt: null };
      await store.write(async (q) => {
        await q.adminKeys.insert(key);
        await events.record(q, { type: 'admin_key.created', directoryId: null, resourceId: key.id, data: keyData(key), at: key.createdAt });
        await audit.record(q, actor, { action: 'admin_key.create', targetType: 'AdminKey', targetId: key.id, directoryId: null, before: null, after: toView(key) }, key.createdAt);
      });
      return { key: secret, view: toView(key) };
    },

    list: async (): Promise<AdminKeyView[]> => (await store.read((q) => q.adminKeys.list())).map(toView),

    async revoke(id: string, actor: AuditActor = SYSTEM_ACTOR): Promise<void> {
      const at = now().toISOString();
      await store.write(async (q) => {
        const key = (await q.adminKeys.list()).find((k) => k.id === id);
        if (!key) throw new DomainError('admin_key.not_found', `no admin key ${id}`);
        if (key.revokedAt) return;
        await q.adminKeys.update(id, { revokedAt: at });
        await events.record(q, { type: 'admin_key.revoked', directoryId: null, resourceId: id, data: keyData(key), at });
        await audit.record(q, actor, { action: 'admin_key.revoke', targetType: 'AdminKey', targetId: id, directoryId: null, before: toView(key), after: toView({ ...key, revokedAt: at }) }, at);
      });
    },

    async count(): Promise<number> {
      return (await store.read((q) => q.adminKeys.list())).filter((k) => !k.revokedAt).length;
    },

    verify: async (presented: string): Promise<boolean> => (await identify(presented)) !== undefined,

    identify,
  };
}

export type AdminKeyService = ReturnType<typeof createAdminKeyService>;
