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
  assignAssigned(out, rest);
  Object.assign(out, extra);
  out.meta = {
    resourceType,
    created: stored.createdAt,
    lastModified: stored.updatedAt,
    location,
    version: formatEtag(stored.version),
  };
  return out;
}

/**
 * RFC 7643 §2.5: an empty multi-valued attribute is unassigned, and unassigned attributes are not
 * returned. Older versions stored `"emails": []`; none is rendered, in the core schema or in an
 * extension object. Derived attributes (`extra`: a user's `groups`) are the caller's to shape.
 */
function assignAssigned(out: Record<string, unknown>, attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (Array.isArray(value) && value.length === 0) continue;
    if (key.toLowerCase().startsWith('urn:') && isObject(value)) {
      const inner = Object.fromEntries(Object.entries(value).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
      if (Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    out[key] = value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
