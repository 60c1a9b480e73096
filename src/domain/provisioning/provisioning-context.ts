import type { AttrPath, FilterNode } from '../../scim/filter/filter-ast.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import type { ListPosition, PasswordMode, Store } from '../../store/store.ts';
import type { EventRecorder } from '../events/record-event.ts';

/** What every provisioning call knows about the directory it works in. */
export interface ProvisioningContext {
  readonly directoryId: string;
  /** The directory's User type: the core one plus its custom attributes, if it declared any. */
  readonly userType: ResourceTypeDef;
  /**
   * The Group type: the core one unless the protocol edge accepts more. SCIM 1.1 adds Okta's
   * `urn:okta:custom:group:1.0` extension so the group `description` Okta sends is stored.
   */
  readonly groupType: ResourceTypeDef;
  /** What to do with a `password` the IdP sends: drop it (default) or keep a hash. */
  readonly passwordMode: PasswordMode;
}

export interface WriteConditions {
  /** The `If-Match` header, if the client sent one. */
  readonly ifMatch?: string;
}

export interface ProvisioningDeps {
  readonly store: Store;
  readonly events: EventRecorder;
  readonly now?: () => Date;
  readonly maxPatchOperations?: number;
  /** Values one multi-valued attribute may hold (passed to validateResource and applyPatch). */
  readonly maxMultiValuedValues?: number;
}

/** A filtered, sorted, paged list request (RFC 7644 §3.4.2), already parsed by the protocol edge. */
export interface ListQuery {
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly descending: boolean;
  readonly startIndex: number;
  readonly count: number;
  /** Cursor paging (RFC 9865): start after this position, or at the start when null. Undefined: index paging. */
  readonly cursor?: ListPosition | null;
}

export interface Page<T> {
  readonly totalResults: number;
  readonly items: T[];
  /** Index paging: the 1-based index of the first item. */
  readonly startIndex?: number;
  /** Cursor paging: where the next page starts, when there is one. */
  readonly next?: ListPosition;
}
