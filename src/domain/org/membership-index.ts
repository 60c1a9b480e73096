import type { MembershipRow } from '../../store/store.ts';

/** Rows of one account; past LINEAR_MAX rows, also their (group, source) keys. */
interface AccountRows {
  readonly rows: MembershipRow[];
  keys?: Set<string>;
}

/**
 * Past this many rows an account's look-ups go through a set of keys instead of a scan: someone in
 * thousands of groups must not make a recompute quadratic.
 */
const LINEAR_MAX = 32;

const keyOf = (r: MembershipRow) => `${r.groupId}\u0000${r.source}`;

/**
 * Membership rows by account. Recomputing a 100-member delta compares a few hundred rows several
 * times, a handful per account. Keys made by joining the three ids were a new string to build and
 * hash at every look-up; a map and a set per account and group were a few hundred allocations per
 * write (a fifth of the recompute's own time, CPU profile of 100-member PATCHes with rules). A short
 * list per account, scanned, costs neither.
 */
export class MembershipIndex {
  readonly #byAccount = new Map<string, AccountRows>();

  constructor(rows: Iterable<MembershipRow> = []) {
    for (const r of rows) this.add(r);
  }

  /** Adds the row; false if it was there already. */
  add(r: MembershipRow): boolean {
    const entry = this.#byAccount.get(r.accountId);
    if (entry === undefined) {
      this.#byAccount.set(r.accountId, { rows: [r] });
      return true;
    }
    if (entry.keys !== undefined) {
      const key = keyOf(r);
      if (entry.keys.has(key)) return false;
      entry.keys.add(key);
    } else {
      if (indexIn(entry.rows, r) >= 0) return false;
      if (entry.rows.length >= LINEAR_MAX) entry.keys = new Set([...entry.rows.map(keyOf), keyOf(r)]);
    }
    entry.rows.push(r);
    return true;
  }

  /** Removes the row; the (group, account) pair goes with its last source. */
  delete(r: MembershipRow): void {
    const entry = this.#byAccount.get(r.accountId);
    if (entry === undefined || (entry.keys !== undefined && !entry.keys.delete(keyOf(r)))) return;
    const i = indexIn(entry.rows, r);
    if (i < 0) return;
    entry.rows.splice(i, 1);
    if (entry.rows.length === 0) this.#byAccount.delete(r.accountId);
  }

  has(r: MembershipRow): boolean {
    const entry = this.#byAccount.get(r.accountId);
    if (entry === undefined) return false;
    return entry.keys !== undefined ? entry.keys.has(keyOf(r)) : indexIn(entry.rows, r) >= 0;
  }

  /** Whether the account is in the group by any source. */
  hasPair(groupId: string, accountId: string): boolean {
    const rows = this.#byAccount.get(accountId)?.rows;
    if (rows === undefined) return false;
    for (const x of rows) if (x.groupId === groupId) return true;
    return false;
  }

  /** The groups of each account that has any. */
  groupsByAccount(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const [accountId, { rows }] of this.#byAccount) {
      const groups = new Set<string>();
      for (const x of rows) groups.add(x.groupId);
      out.set(accountId, groups);
    }
    return out;
  }
}

function indexIn(rows: readonly MembershipRow[], r: MembershipRow): number {
  for (let i = 0; i < rows.length; i++) if (rows[i]!.groupId === r.groupId && rows[i]!.source === r.source) return i;
  return -1;
}
