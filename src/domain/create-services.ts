import { resolveEncryptionKey } from '../config/encryption-key.ts';
import type { RosterConfig } from '../config/load-config.ts';
import type { Store } from '../store/store.ts';
import { createAuthCache } from './directories/auth-cache.ts';
import { createAdminKeyService } from './directories/create-admin-key-service.ts';
import { createDirectoryService } from './directories/create-directory-service.ts';
import { createPasswordVerifier } from './directories/create-password-verifier.ts';
import { createScimAuthenticator } from './directories/create-scim-authenticator.ts';
import { createTokenService } from './directories/create-token-service.ts';
import { createEventReader } from './events/create-event-reader.ts';
import { createEventRecorder } from './events/record-event.ts';
import { createGroupProvisioning } from './provisioning/create-group-provisioning.ts';
import { createSearch } from './provisioning/create-search.ts';
import { createUserProvisioning } from './provisioning/create-user-provisioning.ts';
import { createDeliveryService } from './webhooks/create-delivery-service.ts';
import { createWebhookService } from './webhooks/create-webhook-service.ts';

/**
 * Every domain service over one store: the only way in for the HTTP routes, the CLI and (later) the
 * console API, sync jobs and delivery workers. None of them is handed the store itself.
 */
export function createServices(config: RosterConfig, store: Store) {
  const recorder = createEventRecorder();
  const authCache = createAuthCache(store);
  const provisioning = { store, events: recorder, maxPatchOperations: config.limits.patchMaxOperations, maxMultiValuedValues: config.limits.maxMultiValuedValues };
  const tokens = createTokenService({ store, events: recorder, authCache });
  const users = createUserProvisioning(provisioning);
  const groups = createGroupProvisioning(provisioning);
  // Resolved on first use: a Roster without webhooks never reads or creates a key file.
  let encryptionKey: Buffer | undefined | null = null;
  const webhooks = createWebhookService({ store, events: recorder, encryptionKey: () => (encryptionKey === null ? (encryptionKey = resolveEncryptionKey(config)) : encryptionKey) });
  const retentionDays = config.eventRetentionDays;
  return {
    directories: createDirectoryService({ store, events: recorder, authCache, tokens }),
    tokens,
    authenticate: createScimAuthenticator({ store, authCache }),
    verifyPassword: createPasswordVerifier(store),
    adminKeys: createAdminKeyService({ store, events: recorder }),
    users,
    groups,
    search: createSearch(users, groups),
    /** Reactors run inside the transaction that records an event (see record-event.ts). */
    react: recorder.react,
    /** The ordered event feed (and, for tests, the outbox in write order). */
    events: createEventReader(store, { retentionDays }),
    webhooks,
    deliveries: createDeliveryService({ store, webhooks, settings: { ...config.webhooks, retentionDays } }),
    system: {
      /** Whether the database answers (readiness). */
      ping: () => store.ping(),
      /** A consistent copy of the SQLite database while Roster runs. */
      backup: (destination: string) => store.backup(destination),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
