import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { ProvisioningContext } from '../../domain/provisioning/provisioning-context.ts';

/**
 * The public origin of this server: ROSTER_PUBLIC_URL behind a proxy, else what the client called
 * (`meta.location` must be a URL the IdP can follow).
 */
export function publicOrigin(config: RosterConfig, request: FastifyRequest): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function scimContext(config: RosterConfig, request: FastifyRequest, version: 'v2' | 'v1' = 'v2'): ProvisioningContext {
  const directoryId = request.directory!.id;
  return { directoryId, baseUrl: `${publicOrigin(config, request)}/scim/${version}/${directoryId}` };
}
