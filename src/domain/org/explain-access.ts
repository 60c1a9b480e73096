import type { AccountRecord, AppRecord, Queries } from '../../store/store.ts';
import { DEFAULT, INITIAL, MANUAL } from './recompute-accounts.ts';

/** One reason an account is in a granted group. */
export type MembershipReason =
  | { readonly kind: 'idp_group'; readonly directoryId: string; readonly directoryName: string; readonly idpGroupId: string; readonly idpGroupName: string | null }
  | { readonly kind: 'default_group' }
  | { readonly kind: 'new_account_default_group' }
  | { readonly kind: 'manual' };

export interface AccessExplanation {
  readonly accountId: string;
  readonly appId: string;
  readonly hasAccess: boolean;
  /** `granted`, `queued` (waiting for a seat) or `none`. */
  readonly status: 'granted' | 'queued' | 'none';
  /** Each granted group the account is in, with why it is in it. */
  readonly chains: readonly { readonly groupId: string; readonly groupName: string; readonly reasons: readonly MembershipReason[] }[];
  /** In words, for an admin: the first line is the answer. */
  readonly summary: readonly string[];
}

/** Why an account has (or has not) an app: grant → org group → source → directory and IdP group. */
export async function explainAccess(q: Queries, account: AccountRecord, app: AppRecord): Promise<AccessExplanation> {
  const granted = await q.org.grantsOfApp(app.id);
  const rows = (await q.org.accountMemberships(account.id)).filter((r) => granted.includes(r.groupId));
  const groups = new Map((await q.org.getGroups(granted)).map((g) => [g.id, g]));
  const directories = new Map((await q.directories.list()).map((d) => [d.id, d]));
  const access = (await q.org.accessOf([account.id])).find((x) => x.appId === app.id);
  const chains = [];
  for (const groupId of [...new Set(rows.map((r) => r.groupId))]) {
    const reasons: MembershipReason[] = [];
    for (const r of rows.filter((x) => x.groupId === groupId)) {
      if (r.source === MANUAL) reasons.push({ kind: 'manual' });
      else if (r.source === DEFAULT) reasons.push({ kind: 'default_group' });
      else if (r.source === INITIAL) reasons.push({ kind: 'new_account_default_group' });
      else {
        const [, directoryId = '', idpGroupId = ''] = r.source.split(':');
        const idpGroup = await q.groups.get(directoryId, idpGroupId);
        reasons.push({ kind: 'idp_group', directoryId, directoryName: directories.get(directoryId)?.name ?? directoryId, idpGroupId, idpGroupName: idpGroup ? String(idpGroup.resource.displayName) : null });
      }
    }
    chains.push({ groupId, groupName: groups.get(groupId)?.name ?? groupId, reasons });
  }
  const status = access?.status ?? 'none';
  const who = account.email ?? account.userName ?? account.id;
  const summary: string[] = [];
  if (status === 'granted') summary.push(`${who} has ${app.name}.`);
  else if (status === 'queued') summary.push(`${who} is waiting for a seat of ${app.name} (seat limit ${app.seatLimit}).`);
  else summary.push(`${who} does not have ${app.name}.`);
  if (account.status !== 'active') summary.push(`The account is ${account.status}: only active accounts have access.`);
  if (granted.length === 0) summary.push(`${app.name} is granted to no group.`);
  else if (chains.length === 0) summary.push(`${app.name} is granted to ${granted.map((g) => `"${groups.get(g)?.name ?? g}"`).join(', ')}; the account is in none of them.`);
  for (const chain of chains) {
    for (const reason of chain.reasons) {
      const why =
        reason.kind === 'manual' ? 'an admin added it by hand'
        : reason.kind === 'default_group' ? 'it is a default group every account belongs to'
        : reason.kind === 'new_account_default_group' ? 'it joined this default group as a new account'
        : `directory "${reason.directoryName}" maps its IdP group "${reason.idpGroupName ?? reason.idpGroupId}" (the user is in it directly or through a nested group) to this group`;
      summary.push(`${app.name} is granted to "${chain.groupName}"; the account is in it because ${why}.`);
    }
  }
  return { accountId: account.id, appId: app.id, hasAccess: status === 'granted', status, chains, summary };
}
