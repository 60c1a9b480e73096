import { randomUUID } from 'node:crypto';
import type { Queries, Store, WebhookRecord } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';
import { EVENT_CATALOG, type WebhookData } from '../events/domain-event.ts';
import type { EventRecorder } from '../events/record-event.ts';
import { decryptSecret, encryptSecret, generateWebhookSecret } from './webhook-secret.ts';

/** A webhook endpoint as admins see it: never its secret. */
export type WebhookView = Omit<WebhookRecord, 'secretEncrypted' | 'cursor'>;

export interface WebhookInput {
  readonly url?: string;
  /** A secret of the admin's choosing (at least 16 characters); generated when absent. */
  readonly secret?: string;
  readonly eventTypes?: readonly string[] | null;
  readonly directoryId?: string | null;
  readonly description?: string | null;
  readonly enabled?: boolean;
}

/** What the delivery worker needs of an endpoint. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  /** What it receives: these types (null: every type), of this directory (null: every event). */
  readonly eventTypes: readonly string[] | null;
  readonly directoryId: string | null;
}

const toView = ({ secretEncrypted: _s, cursor: _c, ...view }: WebhookRecord): WebhookView => view;
const toData = (w: WebhookRecord): WebhookData => ({ id: w.id, url: w.url, eventTypes: w.eventTypes, directoryId: w.directoryId, description: w.description, enabled: w.enabled });

/** Webhook endpoints (docs/webhooks.md): the secret is shown once, at creation or rotation. */
export function createWebhookService(deps: { store: Store; events: EventRecorder; encryptionKey: () => Buffer | undefined; now?: () => Date }) {
  const { store, events } = deps;
  const now = deps.now ?? (() => new Date());

  /** Decrypted secrets by their stored (encrypted) value: a rotation stores a new value. */
  const decrypted = new Map<string, string>();

  function key(): Buffer {
    const k = deps.encryptionKey();
    if (!k) throw new DomainError('webhook.encryption_key_missing', 'set ROSTER_ENCRYPTION_KEY (32 bytes, e.g. `openssl rand -base64 32`), the same on every node, to store webhook secrets');
    return k;
  }

  /** The rules every caller (API, CLI) gets; the API also checks types and lengths at its edge. */
  function checkInput(input: WebhookInput): void {
    if (input.url !== undefined && !(URL.canParse(input.url) && /^https?:$/.test(new URL(input.url).protocol))) throw new DomainError('webhook.invalid', 'url: must be an http:// or https:// URL');
    const unknown = (input.eventTypes ?? []).find((t) => !(t in EVENT_CATALOG));
    if (unknown !== undefined) throw new DomainError('webhook.invalid', `eventTypes: unknown event type "${unknown}" (docs/events.md lists them)`);
    if (input.secret !== undefined && input.secret.length < 16) throw new DomainError('webhook.invalid', 'secret: must be at least 16 characters');
  }

  async function checkDirectory(q: Queries, directoryId: string | null | undefined): Promise<void> {
    if (directoryId === undefined || directoryId === null) return;
    const directory = await q.directories.get(directoryId);
    if (!directory || directory.status === 'deleted') throw new DomainError('webhook.invalid', `directoryId: no directory ${directoryId}`);
  }

  async function mustGet(id: string): Promise<WebhookRecord> {
    const hook = await store.read((q) => q.webhooks.get(id));
    if (!hook) throw new DomainError('webhook.not_found', `no webhook ${id}`);
    return hook;
  }

  return {
    async create(input: WebhookInput & { readonly url: string }): Promise<{ webhook: WebhookView; secret: string }> {
      checkInput(input);
      const secret = input.secret ?? generateWebhookSecret();
      const secretEncrypted = encryptSecret(key(), secret);
      const at = now().toISOString();
      const record = await store.write(async (q) => {
        await checkDirectory(q, input.directoryId);
        // A new endpoint receives the events recorded from now on.
        const { head } = await q.feed.state();
        const hook: WebhookRecord = {
          id: randomUUID(),
          url: input.url,
          secretEncrypted,
          eventTypes: input.eventTypes ?? null,
          directoryId: input.directoryId ?? null,
          description: input.description ?? null,
          enabled: input.enabled ?? true,
          cursor: head,
          createdAt: at,
          updatedAt: at,
        };
        await q.webhooks.insert(hook);
        await events.record(q, { type: 'webhook.created', directoryId: null, resourceId: hook.id, data: toData(hook), at });
        return hook;
      });
      return { webhook: toView(record), secret };
    },

    list: async (): Promise<WebhookView[]> => (await store.read((q) => q.webhooks.list())).map(toView),

    get: async (id: string): Promise<WebhookView> => toView(await mustGet(id)),

    /** Changes an endpoint; `rotateSecret` (or a new `secret`) returns the new secret, shown once. */
    async update(id: string, input: WebhookInput & { readonly rotateSecret?: boolean }): Promise<{ webhook: WebhookView; secret?: string }> {
      checkInput(input);
      const secret = input.secret ?? (input.rotateSecret ? generateWebhookSecret() : undefined);
      const secretEncrypted = secret === undefined ? undefined : encryptSecret(key(), secret);
      const at = now().toISOString();
      const updated = await store.write(async (q) => {
        const current = await q.webhooks.get(id);
        if (!current) throw new DomainError('webhook.not_found', `no webhook ${id}`);
        await checkDirectory(q, input.directoryId);
        const next: WebhookRecord = {
          ...current,
          url: input.url ?? current.url,
          eventTypes: input.eventTypes === undefined ? current.eventTypes : input.eventTypes,
          directoryId: input.directoryId === undefined ? current.directoryId : input.directoryId,
          description: input.description === undefined ? current.description : input.description,
          enabled: input.enabled ?? current.enabled,
          secretEncrypted: secretEncrypted ?? current.secretEncrypted,
          updatedAt: at,
        };
        await q.webhooks.update(id, { ...next });
        const changed: string[] = (['url', 'eventTypes', 'directoryId', 'description', 'enabled'] as const).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]));
        if (secret !== undefined) changed.push('secret');
        await events.record(q, { type: 'webhook.updated', directoryId: null, resourceId: id, data: toData(next), changed, at });
        return next;
      });
      return { webhook: toView(updated), ...(secret === undefined ? {} : { secret }) };
    },

    async remove(id: string): Promise<void> {
      const at = now().toISOString();
      await store.write(async (q) => {
        const current = await q.webhooks.get(id);
        if (!current) throw new DomainError('webhook.not_found', `no webhook ${id}`);
        await q.webhooks.delete(id);
        await events.record(q, { type: 'webhook.deleted', directoryId: null, resourceId: id, data: toData(current), at });
      });
    },

    /** Enabled endpoints with their secrets, for the delivery worker only. */
    async enabledEndpoints(): Promise<WebhookEndpoint[]> {
      const hooks = (await store.read((q) => q.webhooks.list())).filter((h) => h.enabled);
      if (hooks.length === 0) return [];
      const k = key();
      // The worker asks every round that adds deliveries; a secret is decrypted once per value it takes.
      if (decrypted.size > 1_000) decrypted.clear();
      return hooks.map((h) => {
        let secret = decrypted.get(h.secretEncrypted);
        if (secret === undefined) decrypted.set(h.secretEncrypted, (secret = decryptSecret(k, h.secretEncrypted)));
        return { id: h.id, url: h.url, secret, eventTypes: h.eventTypes, directoryId: h.directoryId };
      });
    },

    mustGet,
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
