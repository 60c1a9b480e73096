/**
 * Records of the operations side: the request log, the audit log, token expiry warnings. Like
 * records.ts: camelCase, JSON parsed, timestamps ISO 8601 UTC with milliseconds.
 */

/** One change an IdP quirk normalizer made to a request (src/idp). */
export interface LoggedRewrite {
  readonly quirk: string;
  readonly at: string;
  readonly detail: string;
}

/** One SCIM request of a directory, as written to the request log (bodies already redacted and capped). */
export interface RequestLogEntry {
  readonly directoryId: string;
  readonly at: string;
  /** The `x-request-id` of the response: finds the server log lines of the request. */
  readonly requestId: string;
  /** The directory's IdP profile; null when the request did not authenticate. */
  readonly idp: string | null;
  readonly version: 'v2' | 'v1';
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
  /** The query string with filter values redacted; null when there was none. */
  readonly query: string | null;
  /** `User.create`, `Group.patch`, `Bulk`, `discovery`… */
  readonly operation: string;
  readonly status: number;
  readonly latencyMs: number;
  /** The body as received (passwords redacted), or its first bytes when it was larger than the cap. */
  readonly received: string | null;
  /** The size of the body as received, in characters; more than `received`'s length when capped. */
  readonly receivedSize: number | null;
  /** The body after the IdP profile's rewrites (passwords redacted, capped); null when nothing was rewritten. */
  readonly normalized: string | null;
  readonly rewrites: readonly LoggedRewrite[] | null;
  /** The ids of the resources the request touched (the path's, the created one's, members named). */
  readonly resources: readonly string[] | null;
  /** What the `user` filter matches: resource ids and lowercased userNames. */
  readonly subjects: readonly string[];
  /** The error detail the client was given, when the status is 400 or more. */
  readonly error: string | null;
}

export interface RequestLogRecord extends Omit<RequestLogEntry, 'subjects'> {
  /** Position in the log: the key of its cursor. */
  readonly seq: number;
}

export interface RequestLogFilter {
  readonly directoryId: string;
  /** An exact status, or a range (`4xx` is 400–499, `error` is 400–599). */
  readonly status?: { readonly min: number; readonly max: number };
  /** A resource id or a userName (compared lowercased). */
  readonly subject?: string;
  readonly since?: string;
  readonly until?: string;
  /** Newest first: only entries before this position (the `at` and `seq` of the last entry of the previous page). */
  readonly before?: { readonly at: string; readonly seq: number };
  readonly limit: number;
}

/** Who did an admin action, and from where. */
export interface AuditActor {
  /**
   * `admin_key`: the admin API with a key; `admin`: an admin account's console session; `cli`: the
   * command line; `system`: Roster itself (or a test).
   */
  readonly type: 'admin_key' | 'admin' | 'cli' | 'system';
  /** The admin key's id, the admin account's id, or the operating-system user of the CLI. */
  readonly id: string | null;
  /** The admin key's prefix and label, the admin's email, or `cli`. */
  readonly label: string | null;
  /** The client's address (after trusted proxies); null for the CLI. */
  readonly address: string | null;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: AuditActor;
  /** `directory.create`, `token.revoke`… */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly directoryId: string | null;
  /** The target before and after the action, never with a secret; null where there is none. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
}

export interface AuditFilter {
  readonly directoryId?: string;
  readonly actorId?: string;
  readonly action?: string;
  readonly since?: string;
  readonly until?: string;
  readonly beforeSeq?: number;
  readonly limit: number;
}
