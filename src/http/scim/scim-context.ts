import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { ProvisioningContext } from '../../domain/provisioning/provisioning-context.ts';
import { userTypeWith } from '../../scim/schemas/custom-schema.ts';
import { groupResourceType } from '../../scim/schemas/resource-types.ts';
import { v1GroupType } from '../../scim/v1/okta-group-schema.ts';
import { publicOrigin as checkedPublicOrigin } from '../public-origin.ts';

/**
 * The public origin of this server: ROSTER_PUBLIC_URL behind a proxy, else what the client called
 * (`meta.location` must be a URL the IdP can follow).
 */
export function publicOrigin(config: RosterConfig, request: FastifyRequest): string {
  return checkedPublicOrigin(config, request);
}

/** The provisioning context of a SCIM request, and the base URL its answer's locations start with. */
export interface ScimRequestContext extends ProvisioningContext {
  /** `https://roster.example.com/scim/v2/<directoryId>`: the base of `meta.location`. */
  readonly baseUrl: string;
}

/**
 * Built once per request from the authenticated directory. SCIM 1.1 accepts Okta's
 * `urn:okta:custom:group:1.0` extension on groups (the pushed group's description).
 */
export function scimContext(config: RosterConfig, request: FastifyRequest, version: 'v2' | 'v1' = 'v2'): ScimRequestContext {
  const directory = request.directory!;
  return {
    directoryId: directory.id,
    baseUrl: `${publicOrigin(config, request)}/scim/${version}/${directory.id}`,
    userType: userTypeWith(directory.customAttributes),
    groupType: version === 'v1' ? v1GroupType : groupResourceType,
    passwordMode: directory.passwordMode,
  };
}
