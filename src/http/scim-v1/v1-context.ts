import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import { scimContext } from '../scim/scim-context.ts';

/**
 * The provisioning context of a SCIM 1.1 request: `meta.location` under `/scim/v1/…`, and the Group
 * type that also accepts Okta's `urn:okta:custom:group:1.0` (the pushed group's description).
 */
export function v1Context(config: RosterConfig, request: FastifyRequest) {
  return scimContext(config, request, 'v1');
}

export type V1Context = ReturnType<typeof v1Context>;
