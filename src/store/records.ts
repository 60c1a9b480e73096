import type { CustomAttribute } from '../scim/schemas/custom-schema.ts';

export type * from './ops-records.ts';
export type * from './admin-records.ts';

/**
 * What the store hands the domain: rows mapped to plain records at the store boundary (camelCase,
 * JSON columns parsed). Timestamps are ISO 8601 strings in UTC with millisecond precision.
 */

export type DirectoryStatus = 'active' | 'paused' | 'deleted';
export type PasswordMode = 'ignore' | 'store';

export interface DirectoryRecord {
  readonly id: string;
  readonly name: string;
  readonly idp: string;
  /** A deleted directory keeps its record (so its IdP gets a clear 404) but none of its data. */
  readonly status: DirectoryStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** `ignore`: a `password` the IdP sends is dropped; `store`: kept as a scrypt hash. */
  readonly passwordMode: PasswordMode;
  /** CIDRs the IdP may call from; null: anywhere. */
  readonly ipAllowlist: readonly string[] | null;
  readonly customAttributes: readonly CustomAttribute[];
}

export type DirectoryChanges = Partial<Omit<DirectoryRecord, 'id' | 'createdAt'>>;

export interface TokenRecord {
  readonly id: string;
  readonly directoryId: string;
  /** sha256 of the whole token, hex. The token itself is never stored. */
  readonly tokenHash: string;
  /** The first characters of the token (`rst_ab12`), so an admin can tell tokens apart. */
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export type TokenChanges = Partial<Pick<TokenRecord, 'expiresAt' | 'revokedAt' | 'lastUsedAt'>>;

export interface AdminKeyRecord {
  readonly id: string;
  readonly keyHash: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export type AdminKeyChanges = Partial<Pick<AdminKeyRecord, 'revokedAt' | 'lastUsedAt'>>;

/** A SCIM resource as its IdP wrote it (attribute names in canonical case), without id, meta, password. */
export type ResourceJson = Record<string, unknown>;

export interface UserRecord {
  /** Insertion order: the stable order of list responses and the key of cursors. */
  readonly seq: number;
  readonly id: string;
  readonly directoryId: string;
  readonly resource: ResourceJson;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface GroupRecord {
  readonly seq: number;
  readonly id: string;
  readonly directoryId: string;
  /** The group as written, without id, meta and members (members live in their own table). */
  readonly resource: ResourceJson;
  readonly memberCount: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A record about to be written: the database assigns `seq`. */
export type NewUser = Omit<UserRecord, 'seq'>;
export type NewGroup = Omit<GroupRecord, 'seq'>;

/** The groups a user belongs to, for its read-only `groups` attribute. */
export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

export type MemberType = 'User' | 'Group';

export interface MemberRecord {
  /** Insertion order within the group: the key of member pages. */
  readonly seq: number;
  readonly memberId: string;
  readonly memberType: MemberType;
  /**
   * `display` as the IdP sent it, or else the member's current displayName (a user without one: its
   * userName), so clients that show members need no lookup per member.
   */
  readonly display: string | null;
}

export interface NewMember {
  readonly memberId: string;
  readonly memberType: MemberType;
  readonly display: string | null;
}

/** An event as the outbox stores it (see domain/events.ts for the types). */
export interface EventRecord {
  /** Position in the outbox. */
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly at: string;
  /** The directory the event belongs to; null for organization-wide events. */
  readonly directoryId: string | null;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly data: unknown;
  /** For updates: the attributes that changed. */
  readonly changed: readonly string[] | null;
}

export type NewEvent = Omit<EventRecord, 'seq'>;

/**
 * A JSON value as the text the store holds. The store wrote it with JSON.stringify, so it is valid
 * JSON; where a value is only handed on (the feed's pages, webhook bodies) it is spliced into the
 * output as it is, never parsed and serialized again.
 */
export type JsonText = string & { readonly __jsonText: true };

/**
 * An event in the feed: with its position, the feed's commit order (see feed-queries.ts), and its
 * `data` and `changed` as their stored JSON text. The feed and the webhooks only pass them on;
 * parsing each event's data and serializing it again was a third of a feed page's CPU (measured,
 * docs/benchmarks.md).
 */
export interface FeedEventRecord extends Omit<EventRecord, 'seq' | 'data' | 'changed'> {
  readonly position: number;
  readonly dataJson: JsonText;
  readonly changedJson: JsonText | null;
}

/** A webhook endpoint. Its secret is stored encrypted (domain/webhooks/webhook-secret.ts). */
export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  readonly secretEncrypted: string;
  /** Event types it receives; null: every type. */
  readonly eventTypes: readonly string[] | null;
  /** Only events of this directory; null: every directory and organization-wide events. */
  readonly directoryId: string | null;
  readonly description: string | null;
  readonly enabled: boolean;
  /** The feed position its lane has settled through: each event up to it delivered, or a delivery row. */
  readonly cursor: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type WebhookChanges = Partial<Pick<WebhookRecord, 'url' | 'secretEncrypted' | 'eventTypes' | 'directoryId' | 'description' | 'enabled' | 'updatedAt'>>;

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryRecord {
  readonly id: string;
  readonly webhookId: string;
  /** The event's feed position. */
  readonly position: number;
  readonly eventId: string;
  /** `resourceType:resourceId`: deliveries of one key are sent one at a time, in feed order. */
  readonly resourceKey: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Epoch milliseconds. */
  readonly nextAttemptAt: number;
  /** Epoch milliseconds until which a worker holds it; null when none does. */
  readonly leaseUntil: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * A delivery row: pending and never tried (the default), or, from an endpoint's lane (see
 * create-delivery-service.ts), an attempt that already failed, with its outcome.
 */
export type NewDelivery = Pick<DeliveryRecord, 'id' | 'webhookId' | 'position' | 'eventId' | 'resourceKey' | 'nextAttemptAt' | 'createdAt'> &
  Partial<Pick<DeliveryRecord, 'status' | 'attempts' | 'lastStatus' | 'lastError'>>;

/** A claimed delivery with its event, ready to send. */
export interface ClaimedDelivery {
  readonly delivery: DeliveryRecord;
  readonly event: FeedEventRecord;
}

/** How an attempt ended: delivered, to be retried at `nextAttemptAt`, or dead-lettered. */
export interface DeliveryOutcome {
  readonly id: string;
  /** The attempt number the claim gave it: an outcome for an older attempt is ignored. */
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly nextAttemptAt: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly at: string;
}
