import type { RosterConfig } from '../config/load-config.ts';
import type { Store } from '../store/store.ts';
import { createAdminKeyService } from './directories/create-admin-key-service.ts';
import { createDirectoryService } from './directories/create-directory-service.ts';
import { createGroupProvisioning } from './provisioning/create-group-provisioning.ts';
import { createUserProvisioning } from './provisioning/create-user-provisioning.ts';

/** Every domain service over one store. */
export function createServices(config: RosterConfig, store: Store) {
  const deps = { store, maxPatchOperations: config.limits.patchMaxOperations, maxMultiValuedValues: config.limits.maxMultiValuedValues };
  return {
    store,
    directories: createDirectoryService(store),
    adminKeys: createAdminKeyService(store),
    users: createUserProvisioning(deps),
    groups: createGroupProvisioning(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
