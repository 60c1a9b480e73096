import type { AdminKeyRow, DirectoryRow, EventRow, GroupRow, TokenRow, UserRow } from '../database.ts';
import type { AdminKeyRecord, DirectoryRecord, EventRecord, FeedEventRecord, GroupRecord, JsonText, NewGroup, NewUser, TokenRecord, UserRecord } from '../records.ts';

/** Rows become records here, at the store boundary; nothing above the store sees a row. */

const parseJson = <T>(text: string | null, empty: T): T => (text === null ? empty : (JSON.parse(text) as T));

export function toDirectory(row: DirectoryRow): DirectoryRecord {
  return {
    id: row.id,
    name: row.name,
    idp: row.idp,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordMode: row.password_mode,
    ipAllowlist: parseJson(row.ip_allowlist, null),
    customAttributes: parseJson(row.custom_attributes, []),
  };
}

export function fromDirectoryChanges(changes: Partial<DirectoryRecord>): Partial<DirectoryRow> {
  const row: Partial<DirectoryRow> = {};
  if (changes.name !== undefined) row.name = changes.name;
  if (changes.idp !== undefined) row.idp = changes.idp;
  if (changes.status !== undefined) row.status = changes.status;
  if (changes.createdAt !== undefined) row.created_at = changes.createdAt;
  if (changes.updatedAt !== undefined) row.updated_at = changes.updatedAt;
  if (changes.passwordMode !== undefined) row.password_mode = changes.passwordMode;
  if (changes.ipAllowlist !== undefined) row.ip_allowlist = changes.ipAllowlist === null ? null : JSON.stringify(changes.ipAllowlist);
  if (changes.customAttributes !== undefined) row.custom_attributes = changes.customAttributes.length > 0 ? JSON.stringify(changes.customAttributes) : null;
  return row;
}

export function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    directoryId: row.directory_id,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export function fromToken(t: TokenRecord): TokenRow {
  return {
    id: t.id,
    directory_id: t.directoryId,
    token_hash: t.tokenHash,
    prefix: t.prefix,
    label: t.label,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    revoked_at: t.revokedAt,
    last_used_at: t.lastUsedAt,
  };
}

export function toAdminKey(row: AdminKeyRow): AdminKeyRecord {
  return { id: row.id, keyHash: row.key_hash, prefix: row.prefix, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
}

export function fromAdminKey(k: AdminKeyRecord): AdminKeyRow {
  return { id: k.id, key_hash: k.keyHash, prefix: k.prefix, label: k.label, created_at: k.createdAt, revoked_at: k.revokedAt, last_used_at: k.lastUsedAt };
}

export function toUser(row: UserRow): UserRecord {
  return { seq: row.seq, id: row.id, directoryId: row.directory_id, resource: JSON.parse(row.resource), version: row.version, createdAt: row.created_at, updatedAt: row.updated_at };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The indexed columns are derived from the resource here, so filters and uniqueness run on indexes. */
export function fromUser(u: NewUser): Omit<UserRow, 'seq'> {
  const userName = String(u.resource.userName);
  const active = u.resource.active;
  return {
    id: u.id,
    directory_id: u.directoryId,
    user_name: userName,
    // RFC 7643 §4.1.1: userName is caseExact false, so uniqueness ignores case.
    user_name_lower: userName.toLowerCase(),
    external_id: text(u.resource.externalId),
    display_name: text(u.resource.displayName),
    active: typeof active === 'boolean' ? (active ? 1 : 0) : null,
    resource: JSON.stringify(u.resource),
    version: u.version,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export function toGroup(row: GroupRow): GroupRecord {
  return {
    seq: row.seq,
    id: row.id,
    directoryId: row.directory_id,
    resource: JSON.parse(row.resource),
    memberCount: Number(row.member_count),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function fromGroup(g: NewGroup): Omit<GroupRow, 'seq'> {
  const displayName = String(g.resource.displayName);
  return {
    id: g.id,
    directory_id: g.directoryId,
    display_name: displayName,
    display_name_lower: displayName.toLowerCase(),
    external_id: text(g.resource.externalId),
    resource: JSON.stringify(g.resource),
    member_count: g.memberCount,
    version: g.version,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
  };
}

export function toEvent(row: EventRow): EventRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    at: row.created_at,
    directoryId: row.directory_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    data: JSON.parse(row.data),
    changed: parseJson(row.changed, null),
  };
}

/** The columns of an event the feed and the webhooks hand on (not `seq`, which is not the feed's order). */
export const FEED_COLUMNS = ['position', 'id', 'type', 'schema_version', 'created_at', 'directory_id', 'resource_type', 'resource_id', 'data', 'changed'] as const;

/** A feed row with its JSON columns kept as text: written by JSON.stringify (event-queries.ts), so valid JSON. */
export function toFeedEvent(row: Pick<EventRow, (typeof FEED_COLUMNS)[number]>): FeedEventRecord {
  return {
    position: Number(row.position),
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    at: row.created_at,
    directoryId: row.directory_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    dataJson: row.data as JsonText,
    changedJson: row.changed as JsonText | null,
  };
}
