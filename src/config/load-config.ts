import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Strict objects: a misspelt key in the config file (`bodyLimitByte`) stops the start with the key
 * named, instead of silently leaving the default in force.
 *
 * The validated configuration of one Roster process. This module is the only reader of
 * process.env (DESIGN.md §2); everything else receives a frozen RosterConfig.
 */
const configSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z.string().optional(),
  publicUrl: z
    .string()
    .url()
    .optional()
    .transform((u) => u?.replace(/\/+$/, '')),
  /** Proxies whose X-Forwarded-For is believed (CIDRs, comma-separated); none by default. */
  trustedProxies: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  sqliteSynchronous: z.enum(['normal', 'full']).default('normal'),
  /** SQLite log pages between checkpoints (wal_autocheckpoint). */
  sqliteWalAutocheckpointPages: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  limits: z
    .strictObject({
      bodyLimitBytes: z.coerce.number().int().positive().default(1_048_576),
      filterMaxLength: z.coerce.number().int().positive().default(2048),
      filterMaxDepth: z.coerce.number().int().positive().default(32),
      /** Filter terms that reach into multi-valued attributes or members: each costs a JSON walk per row on SQLite. */
      filterMaxMultiValuedTerms: z.coerce.number().int().positive().default(10),
      defaultPageSize: z.coerce.number().int().positive().default(100),
      maxPageSize: z.coerce.number().int().positive().default(1000),
      bulkMaxOperations: z.coerce.number().int().positive().default(1000),
      bulkMaxPayloadBytes: z.coerce.number().int().positive().default(1_048_576),
      patchMaxOperations: z.coerce.number().int().positive().default(1000),
      /** Values one multi-valued attribute (emails, roles, a custom one) may hold; group members are counted by patchMaxOperations and the body size. */
      maxMultiValuedValues: z.coerce.number().int().positive().default(1000),
    })
    .default({} as never),
  shutdownTimeoutMs: z.coerce.number().int().positive().default(10_000),
  /** How long the event feed keeps events (and webhook deliveries their history); older cursors get 410. */
  eventRetentionDays: z.coerce.number().positive().default(30),
  /** 32 bytes (base64 or hex) that encrypt webhook secrets at rest; SQLite alone may leave it to a key file. */
  encryptionKey: z.string().optional(),
  webhooks: z
    .strictObject({
      /** Attempts per delivery before it is dead-lettered. */
      maxAttempts: z.coerce.number().int().min(1).max(100).default(12),
      /** One attempt's limit: connecting, sending, and the receiver's answer. */
      timeoutMs: z.coerce.number().int().positive().default(10_000),
      /** Deliveries in flight per endpoint on one node. */
      concurrency: z.coerce.number().int().min(1).max(256).default(16),
      /** Delay before the second attempt; doubled for each further one, with jitter, up to backoffMaxMs. */
      backoffBaseMs: z.coerce.number().int().positive().default(10_000),
      backoffMaxMs: z.coerce.number().int().positive().default(3_600_000),
      /** How often an idle delivery worker looks for new events. */
      pollIntervalMs: z.coerce.number().int().positive().default(200),
      /** Whether `roster serve` runs the delivery worker on this node. */
      worker: z.enum(['on', 'off']).default('on'),
    })
    .default({} as never),
  /** The SCIM request log (docs/operations.md): on by default. */
  requestLog: z.enum(['on', 'off']).default('on'),
  requestLogRetentionDays: z.coerce.number().positive().default(30),
  /** A logged body (as received, as normalized) is cut to this many characters. */
  requestLogMaxBodyBytes: z.coerce.number().int().min(256).default(16_384),
  /** CIDRs that may read /metrics without an admin key (comma-separated); none by default. */
  metricsAllowlist: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** Per-directory SCIM requests per second on each node; 0 (the default) turns the limit off. */
  rateLimitPerSecond: z.coerce.number().min(0).default(0),
  /** Requests a directory may send at once above the rate; default: one second's worth (at least 1). */
  rateLimitBurst: z.coerce.number().int().positive().optional(),
  /** A console session ends after this long without a request (docs/console-and-admins.md). */
  sessionIdleTimeoutMinutes: z.coerce.number().positive().default(720),
  /** A console session ends this long after sign-in, however much it is used. */
  sessionMaxAgeHours: z.coerce.number().positive().default(168),
  /** How often `roster serve` checks token expiry and purges the request log. */
  opsIntervalMs: z.coerce.number().int().positive().default(3_600_000),
  postgres: z
    .strictObject({
      poolSize: z.coerce.number().int().positive().default(10),
      statementTimeoutMs: z.coerce.number().int().positive().default(15_000),
      connectTimeoutMs: z.coerce.number().int().positive().default(5_000),
    })
    .default({} as never),
});

export type RosterConfig = Readonly<z.infer<typeof configSchema>> & { readonly databasePath: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variable → config key. Limits use ROSTER_ prefixed names with their unit. */
const ENV_KEYS: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  ROSTER_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  ROSTER_PUBLIC_URL: 'publicUrl',
  LOG_LEVEL: 'logLevel',
  ROSTER_TRUSTED_PROXIES: 'trustedProxies',
  ROSTER_SQLITE_SYNCHRONOUS: 'sqliteSynchronous',
  ROSTER_SQLITE_WAL_AUTOCHECKPOINT_PAGES: 'sqliteWalAutocheckpointPages',
  ROSTER_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
  ROSTER_REQUEST_LOG: 'requestLog',
  ROSTER_REQUEST_LOG_RETENTION_DAYS: 'requestLogRetentionDays',
  ROSTER_REQUEST_LOG_MAX_BODY_BYTES: 'requestLogMaxBodyBytes',
  ROSTER_METRICS_ALLOWLIST: 'metricsAllowlist',
  ROSTER_RATE_LIMIT_PER_SECOND: 'rateLimitPerSecond',
  ROSTER_RATE_LIMIT_BURST: 'rateLimitBurst',
  ROSTER_OPS_INTERVAL_MS: 'opsIntervalMs',
  ROSTER_SESSION_IDLE_TIMEOUT_MINUTES: 'sessionIdleTimeoutMinutes',
  ROSTER_SESSION_MAX_AGE_HOURS: 'sessionMaxAgeHours',
  ROSTER_BODY_LIMIT_BYTES: 'limits.bodyLimitBytes',
  ROSTER_FILTER_MAX_LENGTH: 'limits.filterMaxLength',
  ROSTER_FILTER_MAX_DEPTH: 'limits.filterMaxDepth',
  ROSTER_FILTER_MAX_MULTI_VALUED_TERMS: 'limits.filterMaxMultiValuedTerms',
  ROSTER_DEFAULT_PAGE_SIZE: 'limits.defaultPageSize',
  ROSTER_MAX_PAGE_SIZE: 'limits.maxPageSize',
  ROSTER_BULK_MAX_OPERATIONS: 'limits.bulkMaxOperations',
  ROSTER_BULK_MAX_PAYLOAD_BYTES: 'limits.bulkMaxPayloadBytes',
  ROSTER_PATCH_MAX_OPERATIONS: 'limits.patchMaxOperations',
  ROSTER_MAX_MULTI_VALUED_VALUES: 'limits.maxMultiValuedValues',
  ROSTER_EVENT_RETENTION_DAYS: 'eventRetentionDays',
  ROSTER_ENCRYPTION_KEY: 'encryptionKey',
  ROSTER_WEBHOOK_MAX_ATTEMPTS: 'webhooks.maxAttempts',
  ROSTER_WEBHOOK_TIMEOUT_MS: 'webhooks.timeoutMs',
  ROSTER_WEBHOOK_CONCURRENCY: 'webhooks.concurrency',
  ROSTER_WEBHOOK_BACKOFF_BASE_MS: 'webhooks.backoffBaseMs',
  ROSTER_WEBHOOK_BACKOFF_MAX_MS: 'webhooks.backoffMaxMs',
  ROSTER_WEBHOOK_POLL_MS: 'webhooks.pollIntervalMs',
  ROSTER_DELIVERY_WORKER: 'webhooks.worker',
  ROSTER_PG_POOL_SIZE: 'postgres.poolSize',
  ROSTER_PG_STATEMENT_TIMEOUT_MS: 'postgres.statementTimeoutMs',
  ROSTER_PG_CONNECT_TIMEOUT_MS: 'postgres.connectTimeoutMs',
};

export const CONFIG_ENV_KEYS = Object.freeze({ ...ENV_KEYS });

/**
 * Reads the optional JSON file named by ROSTER_CONFIG, then the environment (which wins), validates
 * once, and returns a frozen object. Every problem is listed, not just the first.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): RosterConfig {
  const raw: Record<string, any> = { limits: {}, postgres: {}, webhooks: {} };
  const problems: string[] = [];
  if (env.ROSTER_CONFIG) {
    try {
      const file = JSON.parse(readFileSync(env.ROSTER_CONFIG, 'utf8'));
      Object.assign(raw, file, { limits: { ...(file.limits ?? {}) }, postgres: { ...(file.postgres ?? {}) }, webhooks: { ...(file.webhooks ?? {}) } });
    } catch (error) {
      problems.push(`ROSTER_CONFIG (${env.ROSTER_CONFIG}): ${(error as Error).message}`);
    }
  }
  for (const [envName, key] of Object.entries(ENV_KEYS)) {
    const value = env[envName];
    if (value === undefined || value === '') continue;
    const [group, name] = key.split('.');
    if (name !== undefined) raw[group!][name] = value;
    else raw[key] = value;
  }
  Object.assign(raw, overrides);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const envName = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
      problems.push(`${envName ?? key}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  if (config.databaseUrl && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new ConfigError([`DATABASE_URL: must be a postgres:// URL (SQLite is the default when it is unset)`]);
  }
  const databasePath = path.resolve(config.dataDir, 'roster.db');
  return deepFreeze({ ...config, trustedProxies: [...config.trustedProxies], metricsAllowlist: [...config.metricsAllowlist], limits: { ...config.limits }, postgres: { ...config.postgres }, webhooks: { ...config.webhooks }, databasePath });
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(value);
}
