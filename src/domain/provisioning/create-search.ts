import { ScimError } from '../../scim/scim-error.ts';
import type { GroupRecord } from '../../store/store.ts';
import type { GroupProvisioning } from './create-group-provisioning.ts';
import type { UserProvisioning, UserReadOptions, UserView } from './create-user-provisioning.ts';
import type { ListQuery, ProvisioningContext } from './provisioning-context.ts';

export interface SearchQuery {
  /** The users part of the search; undefined when the filter means nothing for users. */
  readonly users?: ListQuery;
  readonly groups?: ListQuery;
  readonly startIndex: number;
  readonly count: number;
}

export interface SearchResult {
  readonly totalResults: number;
  readonly users: UserView[];
  readonly groups: GroupRecord[];
}

/**
 * A search across resource types at the service root (RFC 7644 §3.4.3): Users, then Groups, paged as
 * one list. A type the filter means nothing for matches nothing, and adds nothing to the total.
 */
export function createSearch(users: UserProvisioning, groups: GroupProvisioning) {
  return async function search(ctx: ProvisioningContext, query: SearchQuery, options: UserReadOptions): Promise<SearchResult> {
    const none = { totalResults: 0, items: [] };
    let refused: ScimError | undefined;
    let refusals = 0;
    /** A filter naming an attribute this type lacks means "nothing of this type matches" (RFC 7644 §3.4.3). */
    const orNone = async <T>(run: () => Promise<T>): Promise<T | typeof none> => {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof ScimError && error.scimType === 'invalidFilter')) throw error;
        refused ??= error;
        refusals++;
        return none;
      }
    };
    const userPage = query.users ? await orNone(() => users.list(ctx, { ...query.users!, startIndex: query.startIndex, count: query.count }, options)) : none;
    // Groups fill what is left of the page, starting where the users ended.
    const groupStart = Math.max(1, query.startIndex - userPage.totalResults);
    const remaining = query.count - userPage.items.length;
    const groupPage = query.groups ? await orNone(() => groups.list(ctx, { ...query.groups!, startIndex: groupStart, count: remaining })) : none;
    // Meaningless for every type: the client's filter is wrong, and it is told so.
    if (refused && refusals === Number(query.users !== undefined) + Number(query.groups !== undefined)) throw refused;
    return { totalResults: userPage.totalResults + groupPage.totalResults, users: userPage.items, groups: groupPage.items };
  };
}
