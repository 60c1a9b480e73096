import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';

/** What the SCIM routes are built with: the configuration and the domain's services, nothing else. */
export interface ScimDeps {
  readonly config: RosterConfig;
  readonly services: Services;
}
