import type { MembershipRow } from '../../store/store.ts';

/**
 * Membership rows by account, then group, then source. Recomputing a 100-member delta compares a few
 * hundred rows several times; keys made by joining the three ids were a new string to build and hash
 * at every look-up, and half of the recompute's own time. Nested maps hash each id string once.
 */
export class MembershipIndex {
  readonly #byAccount = new Map<string, Map<string, Set<string>>>();

  constructor(rows: Iterable<MembershipRow> = []) {
    for (const r of rows) this.add(r);
  }

  /** Adds the row; false if it was there already. */
  add(r: MembershipRow): boolean {
    let groups = this.#byAccount.get(r.accountId);
    if (groups === undefined) this.#byAccount.set(r.accountId, (groups = new Map()));
    let sources = groups.get(r.groupId);
    if (sources === undefined) groups.set(r.groupId, (sources = new Set()));
    if (sources.has(r.source)) return false;
    sources.add(r.source);
    return true;
  }

  /** Removes the row; the (group, account) pair goes with its last source. */
  delete(r: MembershipRow): void {
    const groups = this.#byAccount.get(r.accountId);
    const sources = groups?.get(r.groupId);
    if (!sources?.delete(r.source) || sources.size > 0) return;
    groups!.delete(r.groupId);
    if (groups!.size === 0) this.#byAccount.delete(r.accountId);
  }

  has(r: MembershipRow): boolean {
    return this.#byAccount.get(r.accountId)?.get(r.groupId)?.has(r.source) ?? false;
  }

  /** Whether the account is in the group by any source. */
  hasPair(groupId: string, accountId: string): boolean {
    return this.#byAccount.get(accountId)?.has(groupId) ?? false;
  }

  /** The groups of each account that has any. */
  groupsByAccount(): Map<string, Set<string>> {
    return new Map([...this.#byAccount].map(([accountId, groups]) => [accountId, new Set(groups.keys())]));
  }
}
