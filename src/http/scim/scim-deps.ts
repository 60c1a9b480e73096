import type { RosterConfig } from '../../config/load-config.ts';
import type { DirectoryService } from '../../domain/directories/create-directory-service.ts';
import type { GroupProvisioning } from '../../domain/provisioning/create-group-provisioning.ts';
import type { UserProvisioning } from '../../domain/provisioning/create-user-provisioning.ts';
import type { Store } from '../../store/store.ts';

export interface ScimDeps {
  readonly config: RosterConfig;
  readonly store: Store;
  readonly directories: DirectoryService;
  readonly users: UserProvisioning;
  readonly groups: GroupProvisioning;
}
