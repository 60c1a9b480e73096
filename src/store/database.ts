import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Timestamps are ISO 8601 strings in UTC with
 * millisecond precision (`2026-11-22T09:00:00.000Z`), so they compare correctly as text on every engine.
 * Booleans are stored as integers 0/1 (SQLite has no boolean type).
 */
export interface DirectoryRow {
  id: string;
  name: string;
  idp: string;
  /** A deleted directory keeps its row (so its IdP gets a clear 404) but none of its data. */
  status: 'active' | 'paused' | 'deleted';
  created_at: string;
  updated_at: string;
  /** `ignore`: a `password` the IdP sends is dropped; `store`: kept as a scrypt hash. */
  password_mode: 'ignore' | 'store';
  /** JSON array of CIDRs the IdP may call from; null: anywhere. */
  ip_allowlist: string | null;
  /** JSON array of the directory's custom attribute declarations; null: none. */
  custom_attributes: string | null;
}

export interface TokenRow {
  id: string;
  directory_id: string;
  /** sha256 of the whole token, hex. The token itself is never stored. */
  token_hash: string;
  /** The first characters of the token (`rst_ab12`), so an admin can tell tokens apart. */
  prefix: string;
  label: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AdminKeyRow {
  id: string;
  key_hash: string;
  prefix: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface UserRow {
  /** Insertion order: the stable order of list responses and the key of cursors. */
  seq: number;
  id: string;
  directory_id: string;
  user_name: string;
  /** userName lowercased: RFC 7643 declares userName caseExact false, so uniqueness ignores case. */
  user_name_lower: string;
  external_id: string | null;
  display_name: string | null;
  /** 1, 0, or null when the IdP never sent `active`. */
  active: number | null;
  /** The resource as the IdP wrote it (attribute names in canonical case), without id, meta, password. */
  resource: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GroupRow {
  seq: number;
  id: string;
  directory_id: string;
  display_name: string;
  display_name_lower: string;
  external_id: string | null;
  /** The group as written, without id, meta and members (members live in group_members). */
  resource: string;
  member_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GroupMemberRow {
  group_id: string;
  member_id: string;
  directory_id: string;
  member_type: 'User' | 'Group';
  /** `display` as the IdP sent it, if it did. */
  display: string | null;
  seq: number;
}

export interface EventRow {
  seq: number;
  /** Unique per event; consumers drop duplicate deliveries by it. */
  id: string;
  /** Null for organization-wide events. */
  directory_id: string | null;
  type: string;
  schema_version: number;
  resource_type: string;
  resource_id: string;
  data: string;
  /** JSON array of the attributes an update changed; null otherwise. */
  changed: string | null;
  created_at: string;
  /** The feed's commit order; null until the sequencer reaches the event (006-event-feed.ts). */
  position: number | null;
}

export interface EventSequencerRow {
  id: number;
  last_position: number;
  pruned_through: number;
}

export interface WebhookRow {
  id: string;
  url: string;
  secret_encrypted: string;
  /** JSON array of event types; null: all. */
  event_types: string | null;
  directory_id: string | null;
  description: string | null;
  enabled: number;
  cursor: number;
  /** The worker holding the endpoint's lane, until `lane_until` (epoch ms); 015-webhook-lanes.ts. */
  lane_holder: string | null;
  lane_until: number | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  position: number;
  event_id: string;
  resource_key: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** The database assigns `seq` on insert. */
type WithSeq<T extends { seq: number }> = Omit<T, 'seq'> & { seq: Generated<number> };
type Seq<T> = T & { seq: Generated<number> };

export interface UserPasswordRow {
  user_id: string;
  directory_id: string;
  /** `scrypt$N$r$p$salt$key`, base64 parts. */
  hash: string;
  updated_at: string;
}

/** Settings columns have defaults, so an insert may leave them out. */
type DirectoryTable = Omit<DirectoryRow, 'password_mode' | 'ip_allowlist' | 'custom_attributes'> & {
  password_mode: Generated<DirectoryRow['password_mode']>;
  ip_allowlist: Generated<string | null>;
  custom_attributes: Generated<string | null>;
};

/** One SCIM request of a directory (request-log-queries.ts); bodies redacted and capped before they get here. */
export interface RequestLogRow {
  seq: number;
  directory_id: string;
  at: string;
  request_id: string;
  idp: string | null;
  version: string;
  method: string;
  path: string;
  query: string | null;
  operation: string;
  status: number;
  latency_ms: number;
  received: string | null;
  received_size: number | null;
  normalized: string | null;
  /** JSON array of the IdP quirks' rewrites. */
  rewrites: string | null;
  /** JSON array of the resource ids the request touched. */
  resources: string | null;
  /** Newline-delimited ids and lowercased userNames, for the `user` filter (`like '%\n<x>\n%'`). */
  subjects: string | null;
  error: string | null;
}

/** One admin action; `before` and `after` are JSON without secrets. */
export interface AuditLogRow {
  seq: number;
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  address: string | null;
  action: string;
  target_type: string;
  target_id: string;
  directory_id: string | null;
  before: string | null;
  after: string | null;
}

export interface TokenExpiryWarningRow {
  token_id: string;
  threshold_days: number;
  sent_at: string;
}

export interface AdminRow {
  id: string;
  email: string;
  email_lower: string;
  password_hash: string;
  role: 'owner' | 'admin' | 'read_only';
  created_at: string;
  updated_at: string;
}

/** An admin's console session; `token_hash` is the SHA-256 of the cookie value. */
export interface AdminSessionRow {
  id: string;
  token_hash: string;
  admin_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  address: string | null;
}

export interface AdminSetupTokenRow {
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** One failed login; `login_key` is the lowercased email and the client address. */
export interface AdminLoginFailureRow {
  login_key: string;
  at: string;
}

export interface Database {
  directories: DirectoryTable;
  tokens: TokenRow;
  admin_keys: AdminKeyRow;
  users: WithSeq<UserRow>;
  groups: WithSeq<GroupRow>;
  group_members: WithSeq<GroupMemberRow>;
  events: WithSeq<Omit<EventRow, 'position'> & { position: Generated<number | null> }>;
  event_sequencer: EventSequencerRow;
  webhooks: WebhookRow;
  webhook_deliveries: WebhookDeliveryRow;
  user_passwords: UserPasswordRow;
  request_log: WithSeq<RequestLogRow>;
  audit_log: WithSeq<AuditLogRow>;
  token_expiry_warnings: TokenExpiryWarningRow;
  admins: AdminRow;
  admin_sessions: AdminSessionRow;
  admin_setup_tokens: AdminSetupTokenRow;
  admin_login_failures: AdminLoginFailureRow;
  org_domains: { domain: string; created_at: string };
  directory_rules: { directory_id: string; rules: string; version: number; updated_at: string };
  accounts: Seq<AccountRow>;
  account_links: Seq<AccountLinkRow>;
  link_conflicts: Seq<{ directory_id: string; user_id: string; email: string; existing_account_id: string; account_id: string; at: string }>;
  org_groups: Seq<OrgGroupRow>;
  org_group_members: Seq<{ group_id: string; account_id: string; source: string }>;
  apps: Seq<AppRow>;
  app_grants: { app_id: string; group_id: string; created_at: string };
  app_access: Seq<{ app_id: string; account_id: string; status: 'granted' | 'queued'; since: string }>;
  app_keys: { id: string; app_id: string; key_hash: string; prefix: string; label: string | null; created_at: string; revoked_at: string | null };
  deprovisions: Seq<DeprovisionRow>;
}

/** An organization-layer account; `custom` is a JSON object of the admin-defined attributes. */
export interface AccountRow {
  id: string;
  status: 'active' | 'deactivated';
  external: number;
  user_name: string | null;
  email: string | null;
  email_lower: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  department: string | null;
  manager: string | null;
  locale: string | null;
  timezone: string | null;
  custom: string;
  created_at: string;
  updated_at: string;
}

export interface AccountLinkRow {
  directory_id: string;
  user_id: string;
  account_id: string;
  active: number;
  linked_by: 'new' | 'email' | 'admin';
  created_at: string;
}

export interface OrgGroupRow {
  id: string;
  name: string;
  name_lower: string;
  description: string | null;
  synced_by: string | null;
  default_kind: 'new' | 'all' | null;
  created_at: string;
  updated_at: string;
}

export interface AppRow {
  id: string;
  name: string;
  name_lower: string;
  kind: string;
  seat_limit: number | null;
  created_at: string;
  updated_at: string;
}

export interface DeprovisionRow {
  id: string;
  directory_id: string;
  account_id: string;
  user_id: string;
  action: 'deactivate' | 'delete';
  status: 'applied' | 'held' | 'approved' | 'rejected';
  at: string;
  decided_by: string | null;
  decided_at: string | null;
}
