/** Shapes of the admin API's answers (README "Admin API", docs/visibility.md, docs/webhooks.md). */
export interface Directory {
  readonly id: string;
  readonly name: string;
  readonly idp: string;
  readonly status: 'active' | 'paused' | 'deleted';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly passwordMode: 'ignore' | 'store';
  readonly ipAllowlist: readonly string[] | null;
  readonly customAttributes: readonly CustomAttribute[];
  readonly scimBaseUrl: string;
}

export interface CustomAttribute {
  readonly name: string;
  readonly type: string;
  readonly multiValued: boolean;
  readonly caseExact?: boolean;
  readonly description?: string | null;
}

export interface Token {
  readonly id: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt?: string;
  readonly expiresAt: string | null;
  readonly revokedAt?: string | null;
  readonly lastUsedAt: string | null;
  readonly state: 'active' | 'expiring' | 'expired' | 'revoked';
}

export interface RequestEntry {
  readonly at: string;
  readonly requestId: string;
  readonly idp: string;
  readonly version: string;
  readonly method: string;
  readonly path: string;
  readonly query: string | null;
  readonly operation: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly received: unknown;
  readonly normalized: unknown;
  readonly rewrites: unknown;
  readonly resources: unknown;
  readonly error: unknown;
}

export interface ProvisioningStatus {
  readonly directory: { id: string; name: string; idp: string; status: string };
  readonly synced: { users: number; groups: number; memberships: number };
  readonly lastRequestAt: string | null;
  readonly lastHour: { requests: number; errors: number };
  readonly lastDay: { requests: number; errors: number };
  readonly recentErrors: readonly RequestEntry[];
  readonly tokens: readonly Token[];
  readonly requestLog: 'on' | 'off';
}

export interface UserRow {
  readonly id: string;
  readonly userName: string | null;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly updatedAt: string;
}

export interface GroupRow {
  readonly id: string;
  readonly displayName: string | null;
  readonly externalId: string | null;
  readonly memberCount: number;
  readonly updatedAt: string;
}

export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly directoryId: string | null;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly data: unknown;
  readonly changed?: unknown;
  readonly cursor?: string;
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[] | null;
  readonly directoryId: string | null;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly createdAt?: string;
  readonly secret?: string;
}

export interface Delivery {
  readonly id: string;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly status: 'pending' | 'delivered' | 'dead';
  readonly attempts?: number;
  readonly lastStatus?: number | null;
  readonly lastError?: string | null;
  readonly createdAt?: string;
  readonly deliveredAt?: string | null;
  readonly nextAttemptAt?: string | null;
  readonly [key: string]: unknown;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: { type: string; id: string | null; label: string | null; address: string | null };
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly directoryId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}
