import { resolveEncryptionKey } from '../config/encryption-key.ts';
import type { RosterConfig } from '../config/load-config.ts';
import type { Store } from '../store/store.ts';
import { createAdminAccountService } from './admins/create-admin-account-service.ts';
import { createAdminSessionService } from './admins/create-admin-session-service.ts';
import { createAdminSetupService } from './admins/create-admin-setup-service.ts';
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
import { createAuditLog } from './ops/create-audit-log.ts';
import { createProvisioningStatus } from './ops/create-provisioning-status.ts';
import { createRequestLog } from './ops/create-request-log.ts';
import { createTokenExpiryCheck } from './ops/create-token-expiry-check.ts';
import { createMetricsRegistry } from './ops/metrics-registry.ts';
import { createOpsMetrics } from './ops/ops-metrics.ts';
import { createOrgLayer } from './org/create-org-layer.ts';

/**
 * Every domain service over one store: the only way in for the HTTP routes, the CLI and (later) the
 * console API, sync jobs and delivery workers. None of them is handed the store itself.
 */
export function createServices(config: RosterConfig, store: Store, options: { onRequestLogError?: (error: unknown, dropped: number) => void } = {}) {
  const recorder = createEventRecorder();
  const authCache = createAuthCache(store);
  const provisioning = { store, events: recorder, maxPatchOperations: config.limits.patchMaxOperations, maxMultiValuedValues: config.limits.maxMultiValuedValues };
  const audit = createAuditLog({ store });
  const metrics = createOpsMetrics(createMetricsRegistry(), { engine: store.engine, poolState: () => store.poolState?.(), requestLogBuffered: () => requestLog.buffered() });
  const requestLog = createRequestLog({
    store,
    metrics,
    enabled: config.requestLog === 'on',
    retentionDays: config.requestLogRetentionDays,
    onError: options.onRequestLogError,
  });
  const tokens = createTokenService({ store, events: recorder, authCache, audit });
  const users = createUserProvisioning(provisioning);
  const groups = createGroupProvisioning(provisioning);
  // Resolved on first use: a Roster without webhooks never reads or creates a key file.
  let encryptionKey: Buffer | undefined | null = null;
  const webhooks = createWebhookService({ store, events: recorder, encryptionKey: () => (encryptionKey === null ? (encryptionKey = resolveEncryptionKey(config)) : encryptionKey) });
  const retentionDays = config.eventRetentionDays;
  const sessionSettings = { idleTimeoutMs: config.sessionIdleTimeoutMinutes * 60_000, maxAgeMs: config.sessionMaxAgeHours * 3_600_000 };
  // Registers its reactors on the recorder: from here on every SCIM write updates the organization layer.
  const org = createOrgLayer({ store, recorder, audit });
  return {
    directories: createDirectoryService({ store, events: recorder, authCache, tokens, audit }),
    tokens,
    authenticate: createScimAuthenticator({ store, authCache }),
    verifyPassword: createPasswordVerifier(store),
    adminKeys: createAdminKeyService({ store, events: recorder, audit }),
    /** Admin accounts of the console, their sessions, and the first-run setup link (issue 11). */
    admins: createAdminAccountService({ store, events: recorder, audit }),
    adminSessions: createAdminSessionService({ store, settings: sessionSettings, audit }),
    adminSetup: createAdminSetupService({ store, events: recorder, audit, settings: sessionSettings }),
    users,
    groups,
    search: createSearch(users, groups),
    /** Reactors run inside the transaction that records an event (see record-event.ts). */
    react: recorder.react,
    /** The ordered event feed (and, for tests, the outbox in write order). */
    events: createEventReader(store, { retentionDays }),
    webhooks,
    deliveries: createDeliveryService({ store, webhooks, settings: { ...config.webhooks, retentionDays } }),
    /** Every SCIM request per directory, written in batches (ops/create-request-log.ts). */
    requestLog,
    /** Admin actions: who, from where, before and after (ops/create-audit-log.ts). */
    audit,
    /** A directory's provisioning status: counts, traffic, recent errors, tokens. */
    provisioningStatus: createProvisioningStatus({ store, requestLog }),
    /** Sends `token.expiring` once per token and threshold; `roster serve` runs it periodically. */
    checkTokenExpiry: createTokenExpiryCheck({ store, events: recorder, metrics }),
    /** Counters, gauges and histograms exposed at /metrics; other workers register theirs here. */
    metrics,
    /** The organization layer: rules, accounts, org groups, apps and access, held deprovisions. */
    ...org,
    system: {
      /** Whether the database answers (readiness). */
      ping: () => store.ping(),
      /** A consistent copy of the SQLite database while Roster runs. */
      backup: (destination: string) => store.backup(destination),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
