import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';
import type { Store } from '../../store/store.ts';

/** What every provisioning call knows about where it runs. */
export interface ProvisioningContext {
  readonly directoryId: string;
  /** `https://roster.example.com/scim/v2/<directoryId>`: the base of `meta.location`. */
  readonly baseUrl: string;
  /** The directory's User type: the core one plus its custom attributes, if it declared any. */
  readonly userType?: ResourceTypeDef;
  /**
   * The Group type: the core one unless the protocol edge accepts more. SCIM 1.1 adds Okta's
   * `urn:okta:custom:group:1.0` extension so the group `description` Okta sends is stored.
   */
  readonly groupType?: ResourceTypeDef;
  /** What to do with a `password` the IdP sends: drop it (default) or keep a hash. */
  readonly passwordMode?: 'ignore' | 'store';
}

export interface WriteConditions {
  /** The `If-Match` header, if the client sent one. */
  readonly ifMatch?: string;
}

export interface ProvisioningDeps {
  readonly store: Store;
  readonly now?: () => Date;
  readonly maxPatchOperations?: number;
  /** Values one multi-valued attribute may hold (passed to validateResource and applyPatch). */
  readonly maxMultiValuedValues?: number;
}

/**
 * Thrown inside a write transaction when a row changed between read and conditional write (another
 * node won the race). The transaction rolls back and the whole operation is run again.
 */
export class ConcurrentUpdate extends Error {
  constructor() {
    super('concurrent update');
  }
}

/** Runs a write, re-running it when a conditional update lost a race; at most `attempts` times. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate) || i >= attempts) throw error;
    }
  }
}
