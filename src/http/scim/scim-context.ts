import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { ProvisioningContext } from '../../domain/provisioning/provisioning-context.ts';
import { userTypeWith } from '../../scim/schemas/custom-schema.ts';
import { publicOrigin as checkedPublicOrigin } from '../public-origin.ts';
import type { ResourceTypeDef } from '../../scim/schemas/resource-types.ts';

/**
 * The public origin of this server: ROSTER_PUBLIC_URL behind a proxy, else what the client called
 * (`meta.location` must be a URL the IdP can follow).
 */
export function publicOrigin(config: RosterConfig, request: FastifyRequest): string {
  return checkedPublicOrigin(config, request);
}

export function scimContext(config: RosterConfig, request: FastifyRequest, version: 'v2' | 'v1' = 'v2'): ProvisioningContext & { userType: ResourceTypeDef } {
  const directory = request.directory!;
  return {
    directoryId: directory.id,
    baseUrl: `${publicOrigin(config, request)}/scim/${version}/${directory.id}`,
    userType: userTypeWith(directory.customAttributes),
    passwordMode: directory.passwordMode,
  };
}
