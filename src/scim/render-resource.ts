import type { ResourceTypeName } from './schemas/resource-types.ts';
import { formatEtag } from './etag.ts';

export interface StoredResource {
  readonly id: string;
  /** The resource as written (with `schemas`), without id and meta. */
  readonly resource: Record<string, unknown>;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The SCIM representation of a stored resource: `schemas`, `id` and `externalId` first, then the
 * attributes in the order the IdP wrote them, then `meta` (RFC 7643 §3.1). `extra` carries derived
 * attributes (a user's `groups`).
 */
export function renderResource(
  resourceType: ResourceTypeName,
  stored: StoredResource,
  location: string,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const { schemas, externalId, ...rest } = stored.resource;
  const out: Record<string, unknown> = { schemas, id: stored.id };
  if (externalId !== undefined) out.externalId = externalId;
  Object.assign(out, rest, extra);
  out.meta = {
    resourceType,
    created: stored.createdAt,
    lastModified: stored.updatedAt,
    location,
    version: formatEtag(stored.version),
  };
  return out;
}
