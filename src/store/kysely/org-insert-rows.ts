import type { QueryCreator } from 'kysely';
import type { Database } from '../database.ts';
import type { Executor } from './prepared.ts';
import { listArgs, rowCells, rowsOf, type QueryContext } from './prepared.ts';
import { ACCESS_COLUMNS, ACCESS_KEY, ACCOUNT_COLUMNS, LINK_COLUMNS, MEMBERSHIP_COLUMNS, MEMBERSHIP_KEY, accessCells, accountCells, linkCells, membershipCells, type OrgHelpers } from './org-helpers.ts';
import type { OrgQueries } from '../org-records.ts';

/**
 * Joined only this small: a statement is compiled once per shape (the count of each part), so at
 * most 2 × 17 × 17 of them are cached (as many links as accounts: a new account's own). A single SCIM create makes one account, its link, a row
 * per default group and one per app granted; bigger batches (a reconcile, a large delta) go part by
 * part, in statements of many rows each.
 */
const JOINED_ACCOUNTS = 1;
const JOINED_ROWS = 16;

type Part = { readonly table: 'accounts' | 'account_links' | 'org_group_members' | 'app_access'; readonly columns: readonly string[]; readonly n: number; readonly from: number; readonly skipOn?: readonly string[] };

/**
 * `OrgQueries.insertOrgRows`. On PostgreSQL every statement of a write is a round trip, and a create
 * with rules wrote three after its SCIM row (the account, its link, then its memberships and access
 * together): joined as one data-modifying WITH, a create costs the round trips of one without rules. The parts do not
 * read each other (no foreign keys between them), so one snapshot for all is the same as one after
 * another. SQLite has no round trips to save: each part is its own insert there.
 */
export function createOrgRowInsert({ db, run, engine }: QueryContext, { insertAccountRows, insertLinkRows, insertMemberships, insertAccessRows }: OrgHelpers): Pick<OrgQueries, 'insertOrgRows'> {
  return {
    async insertOrgRows({ accounts = [], links = [], memberships = [], access = [] }) {
      const counts = [accounts.length, links.length, memberships.length, access.length];
      const joined =
        engine === 'postgres' &&
        counts.filter((n) => n > 0).length > 1 &&
        accounts.length <= JOINED_ACCOUNTS &&
        links.length === accounts.length &&
        memberships.length <= JOINED_ROWS &&
        access.length <= JOINED_ROWS;
      if (!joined) {
        await insertAccountRows(accounts);
        await insertLinkRows(links);
        await insertMemberships(memberships);
        await insertAccessRows(access);
        return;
      }
      const cells = [
        ...rowCells(accounts.map(accountCells), ACCOUNT_COLUMNS),
        ...rowCells(links.map(linkCells), LINK_COLUMNS),
        ...rowCells(memberships.map(membershipCells), MEMBERSHIP_COLUMNS),
        ...rowCells(access.map(accessCells), ACCESS_COLUMNS),
      ];
      const parts: Part[] = [];
      let from = 0;
      const part = (table: Part['table'], columns: readonly string[], n: number, skipOn?: readonly string[]) => {
        if (n > 0) parts.push({ table, columns, n, from, skipOn });
        from += n * columns.length;
      };
      part('accounts', ACCOUNT_COLUMNS, accounts.length);
      part('account_links', LINK_COLUMNS, links.length);
      part('org_group_members', MEMBERSHIP_COLUMNS, memberships.length, MEMBERSHIP_KEY);
      part('app_access', ACCESS_COLUMNS, access.length, ACCESS_KEY);
      await run(db, `org.insertOrgRows.${counts.join('.')}`, (d, a) => joinedInsert(d, a, parts), listArgs(cells));
    },
  };
}

/** The parts as one statement: all but the last as `WITH` queries, the last as the statement itself. */
function joinedInsert(d: Executor, args: object, parts: readonly Part[]) {
  const insert = (q: QueryCreator<Database>, p: Part) => {
    const values = q.insertInto(p.table).values(rowsOf(args, p.n, p.columns, p.from) as never);
    return p.skipOn ? values.onConflict((oc) => oc.columns(p.skipOn as never).doNothing()) : values;
  };
  // The WITH names are never referred to; the chain's types grow with each, hence the casts.
  let q = d as QueryCreator<Database>;
  for (const [i, p] of parts.slice(0, -1).entries()) q = q.with(`rows${i}`, (w) => insert(w as QueryCreator<Database>, p)) as unknown as QueryCreator<Database>;
  return insert(q, parts[parts.length - 1]!);
}
