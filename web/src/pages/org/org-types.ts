/** Shapes of the organization layer's admin API answers (docs/organization.md, src/http/admin/org-routes.ts). */
export interface Account {
  readonly id: string;
  readonly seq: number;
  readonly status: 'active' | 'deactivated';
  readonly external: boolean;
  readonly userName: string | null;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly title: string | null;
  readonly department: string | null;
  readonly manager: string | null;
  readonly locale: string | null;
  readonly timezone: string | null;
  readonly custom: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AccountLink {
  readonly directoryId: string;
  readonly userId: string;
  readonly active: boolean;
  readonly linkedBy: string;
  readonly createdAt: string;
}

export interface AccountDetail extends Account {
  readonly links: readonly AccountLink[];
  readonly groups: readonly { readonly id: string; readonly name: string; readonly sources: readonly string[] }[];
  readonly apps: readonly { readonly id: string; readonly name: string; readonly status: string; readonly since: string }[];
}

export type MembershipReason =
  | { readonly kind: 'idp_group'; readonly directoryId: string; readonly directoryName: string; readonly idpGroupId: string; readonly idpGroupName: string | null }
  | { readonly kind: 'default_group' }
  | { readonly kind: 'new_account_default_group' }
  | { readonly kind: 'manual' };

export interface AccessExplanation {
  readonly accountId: string;
  readonly appId: string;
  readonly hasAccess: boolean;
  readonly status: 'granted' | 'queued' | 'none';
  readonly chains: readonly { readonly groupId: string; readonly groupName: string; readonly reasons: readonly MembershipReason[] }[];
  readonly summary: readonly string[];
}

export interface OrgGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly syncedBy: string | null;
  readonly defaultKind: 'new' | 'all' | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly memberCount: number;
}

export const APP_KINDS = [
  { value: 'wiki', label: 'Wiki' },
  { value: 'issue_tracker', label: 'Issue tracker' },
  { value: 'code_host', label: 'Code host' },
  { value: 'other', label: 'Other' },
] as const;

export type AppKind = (typeof APP_KINDS)[number]['value'];

export interface App {
  readonly id: string;
  readonly name: string;
  readonly kind: AppKind;
  readonly seatLimit: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly grantedGroups: readonly string[];
  readonly seatsUsed: number;
  readonly queued: number;
}

export interface AppKey {
  readonly id: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt?: string | null;
}

export type AccessRow = Account & { readonly access: { readonly status: 'granted' | 'queued'; readonly since: string } };

/** What a change did, or (with `?preview=true`) would do: account ids per group, app and account change. */
export interface Changes {
  readonly groups: readonly { readonly groupId: string; readonly added: readonly string[]; readonly removed: readonly string[] }[];
  readonly apps: readonly { readonly appId: string; readonly granted: readonly string[]; readonly revoked: readonly string[]; readonly queued: readonly string[] }[];
  readonly accounts: { readonly created: readonly string[]; readonly updated: readonly string[]; readonly deactivated: readonly string[]; readonly reactivated: readonly string[]; readonly deleted: readonly string[] };
  readonly groupsCreated: readonly string[];
  readonly names: Readonly<Record<string, string>>;
}

export interface Held {
  readonly seq: number;
  readonly id: string;
  readonly directoryId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly action: 'deactivate' | 'delete';
  readonly status: 'held' | 'approved' | 'rejected' | 'applied';
  readonly at: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /** The account's name, sent with the page; null when the account was deleted since. */
  readonly accountName: string | null;
}

export interface RulesDoc {
  readonly attributes: { readonly fields: Record<string, unknown>; readonly custom: Record<string, unknown> };
  readonly sync: SyncSettings;
  readonly groups: GroupMapping;
  readonly guard: GuardSettings;
}

export interface SyncSettings {
  readonly allowCreate: boolean;
  readonly allowUpdate: boolean;
  readonly allowDeactivate: boolean;
  readonly onDelete: 'deactivate' | 'delete';
  readonly autoReactivate: boolean;
  readonly outsideDomains: 'external' | 'refuse';
}

export interface GroupMapping {
  readonly mode: 'off' | 'on_the_fly' | 'manual';
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly rename?: { readonly pattern: string; readonly with: string };
  readonly map?: readonly { readonly idpGroup: string; readonly orgGroups: readonly string[] }[];
  readonly unmapped?: 'ignore' | 'import';
  readonly keepExisting: boolean;
}

export interface GuardSettings {
  readonly enabled: boolean;
  readonly share: number;
  readonly windowMinutes: number;
  readonly minCount: number;
}

/** An account's name for lists: its display name, else its email or userName. */
export function accountLabel(a: Pick<Account, 'displayName' | 'email' | 'userName' | 'id'>): string {
  return a.displayName || a.email || a.userName || a.id;
}
