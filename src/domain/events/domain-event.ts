import type { AccountProfile } from '../../store/store.ts';
import type { ResourceJson } from '../../store/records.ts';

/**
 * Every change Roster makes is one of these events, recorded through `record` (record-event.ts) in
 * the transaction that made it. docs/events.md is the catalog; a test keeps the two in step.
 *
 * Membership changes are one batched `group.members_changed` per write carrying the delta, not one
 * event per member: a 100-member PATCH stays one outbox row and one webhook delivery (O(1) rows per
 * request, O(k) payload), and a consumer applies the delta as the PATCH did.
 */

/** A user after the change: its SCIM resource as stored (never a password), with its id. */
export type UserData = { readonly id: string } & ResourceJson;
/** A group after the change, without members (they change through `group.members_changed`). */
export type GroupData = { readonly id: string } & ResourceJson;

export interface EventDataByType {
  'user.created': UserData;
  'user.updated': UserData;
  'user.deactivated': UserData;
  'user.reactivated': UserData;
  'user.deleted': { readonly id: string; readonly userName: string; readonly externalId: string | null };
  'user.password_changed': { readonly id: string };
  'group.created': GroupData;
  'group.updated': GroupData;
  'group.deleted': { readonly id: string; readonly displayName: string; readonly externalId: string | null };
  'group.members_changed': { readonly id: string; readonly added: readonly string[]; readonly removed: readonly string[] };
  'directory.created': { readonly id: string; readonly name: string; readonly idp: string };
  'directory.updated': { readonly id: string; readonly name: string; readonly idp: string; readonly status: string; readonly passwordMode: string; readonly ipAllowlist: readonly string[] | null };
  'directory.deleted': { readonly id: string; readonly name: string };
  'directory.attribute_added': { readonly id: string; readonly attribute: ResourceJson };
  'directory.attribute_removed': { readonly id: string; readonly name: string };
  'token.created': TokenData;
  'token.rotated': TokenData & { readonly replacedTokenId: string; readonly replacedTokenExpiresAt: string };
  'token.revoked': TokenData;
  /** A token expires within `thresholdDays` (14, then 1); sent once per token and threshold. */
  'token.expiring': TokenData & { readonly thresholdDays: number };
  'admin_key.created': AdminKeyData;
  'admin_key.revoked': AdminKeyData;
  'webhook.created': WebhookData;
  'webhook.updated': WebhookData;
  'webhook.deleted': WebhookData;
  'admin.created': AdminData;
  /** A role change (`changed: ["role"]`) or a password change (`changed: ["password"]`, never the password). */
  'admin.updated': AdminData;
  'admin.removed': AdminData;
  // The organization layer (src/domain/org/): accounts, org groups, apps and access.
  /** `createdFrom`: the SCIM user whose arrival created the account (its first link). */
  'account.created': AccountData & { readonly createdFrom: { readonly directoryId: string; readonly userId: string } | null };
  'account.updated': AccountData;
  'account.deactivated': AccountData;
  'account.reactivated': AccountData;
  'account.deleted': { readonly id: string; readonly email: string | null };
  'account.linked': LinkData;
  'account.unlinked': LinkData;
  /** Same email as an account already linked to another user of the same directory: not merged. */
  'account.link_conflict': LinkData & { readonly email: string; readonly existingAccountId: string };
  /** A SCIM write the directory's sync settings did not let through to the account (acknowledged to the IdP). */
  'account.sync_skipped': { readonly userId: string; readonly accountId: string | null; readonly action: string; readonly reason: string };
  'org_group.created': OrgGroupData;
  'org_group.updated': OrgGroupData;
  'org_group.deleted': OrgGroupData;
  /** Accounts that joined an org group in one write (batched like `group.members_changed`). */
  'org_group.member_added': { readonly groupId: string; readonly accountIds: readonly string[] };
  'org_group.member_removed': { readonly groupId: string; readonly accountIds: readonly string[] };
  'app.created': AppData;
  'app.updated': AppData;
  'app.deleted': AppData;
  /** Accounts that gained an app in one write; `queued`: waiting for a seat. */
  'access.granted': { readonly appId: string; readonly accountIds: readonly string[] };
  'access.revoked': { readonly appId: string; readonly accountIds: readonly string[] };
  'access.queued': { readonly appId: string; readonly accountIds: readonly string[] };
  /** A directory's rules, the organization's domains or its default groups changed. */
  'rules.changed': { readonly directoryId: string | null; readonly what: 'directory_rules' | 'domains' | 'default_groups'; readonly version: number | null };
  'deprovision.held': DeprovisionData;
  'deprovision.approved': DeprovisionData;
  'deprovision.rejected': DeprovisionData;
}

/** An account after the change (the profile its directory's mapping made, and its status). */
export interface AccountData extends AccountProfile {
  readonly id: string;
  readonly status: string;
  readonly external: boolean;
  readonly custom: Readonly<Record<string, string | null>>;
}

export interface LinkData {
  readonly accountId: string;
  readonly directoryId: string;
  readonly userId: string;
  readonly linkedBy: string;
}

export interface OrgGroupData {
  readonly id: string;
  readonly name: string;
  readonly syncedBy: string | null;
  readonly defaultKind: string | null;
}

export interface AppData {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly seatLimit: number | null;
  readonly grantedGroups: readonly string[];
}

export interface DeprovisionData {
  readonly id: string;
  readonly directoryId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly action: string;
  readonly decidedBy: string | null;
}

/** What an event says of an admin account: never its password or hash. */
export interface AdminData {
  readonly id: string;
  readonly email: string;
  readonly role: string;
}

/** What an event says of a webhook endpoint: never its secret. */
export interface WebhookData {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[] | null;
  readonly directoryId: string | null;
  readonly description: string | null;
  readonly enabled: boolean;
}

/** What an event says of a token: never the token or its hash. */
export interface TokenData {
  readonly id: string;
  readonly directoryId: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly expiresAt: string | null;
}

export interface AdminKeyData {
  readonly id: string;
  readonly prefix: string;
  readonly label: string | null;
}

export type EventType = keyof EventDataByType;

/** The resource an event is about, and whether it belongs to a directory or to the organization. */
export const EVENT_CATALOG: { readonly [T in EventType]: { readonly resourceType: string; readonly scope: 'directory' | 'organization' } } = {
  'user.created': { resourceType: 'User', scope: 'directory' },
  'user.updated': { resourceType: 'User', scope: 'directory' },
  'user.deactivated': { resourceType: 'User', scope: 'directory' },
  'user.reactivated': { resourceType: 'User', scope: 'directory' },
  'user.deleted': { resourceType: 'User', scope: 'directory' },
  'user.password_changed': { resourceType: 'User', scope: 'directory' },
  'group.created': { resourceType: 'Group', scope: 'directory' },
  'group.updated': { resourceType: 'Group', scope: 'directory' },
  'group.deleted': { resourceType: 'Group', scope: 'directory' },
  'group.members_changed': { resourceType: 'Group', scope: 'directory' },
  'directory.created': { resourceType: 'Directory', scope: 'directory' },
  'directory.updated': { resourceType: 'Directory', scope: 'directory' },
  'directory.deleted': { resourceType: 'Directory', scope: 'directory' },
  'directory.attribute_added': { resourceType: 'Directory', scope: 'directory' },
  'directory.attribute_removed': { resourceType: 'Directory', scope: 'directory' },
  'token.created': { resourceType: 'Token', scope: 'directory' },
  'token.rotated': { resourceType: 'Token', scope: 'directory' },
  'token.revoked': { resourceType: 'Token', scope: 'directory' },
  'token.expiring': { resourceType: 'Token', scope: 'directory' },
  'admin_key.created': { resourceType: 'AdminKey', scope: 'organization' },
  'admin_key.revoked': { resourceType: 'AdminKey', scope: 'organization' },
  'webhook.created': { resourceType: 'Webhook', scope: 'organization' },
  'webhook.updated': { resourceType: 'Webhook', scope: 'organization' },
  'webhook.deleted': { resourceType: 'Webhook', scope: 'organization' },
  'admin.created': { resourceType: 'Admin', scope: 'organization' },
  'admin.updated': { resourceType: 'Admin', scope: 'organization' },
  'admin.removed': { resourceType: 'Admin', scope: 'organization' },
  'account.created': { resourceType: 'Account', scope: 'organization' },
  'account.updated': { resourceType: 'Account', scope: 'organization' },
  'account.deactivated': { resourceType: 'Account', scope: 'organization' },
  'account.reactivated': { resourceType: 'Account', scope: 'organization' },
  'account.deleted': { resourceType: 'Account', scope: 'organization' },
  'account.linked': { resourceType: 'Account', scope: 'organization' },
  'account.unlinked': { resourceType: 'Account', scope: 'organization' },
  'account.link_conflict': { resourceType: 'Account', scope: 'organization' },
  'account.sync_skipped': { resourceType: 'User', scope: 'directory' },
  'org_group.created': { resourceType: 'OrgGroup', scope: 'organization' },
  'org_group.updated': { resourceType: 'OrgGroup', scope: 'organization' },
  'org_group.deleted': { resourceType: 'OrgGroup', scope: 'organization' },
  'org_group.member_added': { resourceType: 'OrgGroup', scope: 'organization' },
  'org_group.member_removed': { resourceType: 'OrgGroup', scope: 'organization' },
  'app.created': { resourceType: 'App', scope: 'organization' },
  'app.updated': { resourceType: 'App', scope: 'organization' },
  'app.deleted': { resourceType: 'App', scope: 'organization' },
  'access.granted': { resourceType: 'App', scope: 'organization' },
  'access.revoked': { resourceType: 'App', scope: 'organization' },
  'access.queued': { resourceType: 'App', scope: 'organization' },
  'rules.changed': { resourceType: 'Rules', scope: 'organization' },
  'deprovision.held': { resourceType: 'Deprovision', scope: 'directory' },
  'deprovision.approved': { resourceType: 'Deprovision', scope: 'directory' },
  'deprovision.rejected': { resourceType: 'Deprovision', scope: 'directory' },
};

/** Bumped for a type when its data changes shape incompatibly; consumers read it from each event. */
export const EVENT_SCHEMA_VERSION = 1;

/** An event as the domain states it, before it is recorded. */
export type DomainEvent = {
  readonly [T in EventType]: {
    readonly type: T;
    /** The directory the event belongs to; null for organization-wide events. */
    readonly directoryId: string | null;
    /** The id of the resource the event is about. */
    readonly resourceId: string;
    readonly data: EventDataByType[T];
    /** For updates: the attributes that changed. */
    readonly changed?: readonly string[];
    readonly at: string;
  };
}[EventType];

/** An event once recorded: with its id, schema version and resource type. */
export type RecordedEvent = DomainEvent & { readonly id: string; readonly schemaVersion: number; readonly resourceType: string };
