/**
 * SCIM 1.1 resources (draft-scim-core-schema-01) ⇄ the SCIM 2.0 resources Roster validates, stores and
 * renders (RFC 7643). Pure: the HTTP layer translates at the edge, and the domain only ever sees 2.0.
 *
 * What differs between the versions, and so what is translated:
 * - `schemas`: one 1.1 core URN for User and Group, the 1.1 enterprise URN (draft §11);
 * - extension objects are keyed by those URNs;
 * - the enterprise `manager` is `{managerId, displayName}` in 1.1, `{value, $ref, displayName}` in 2.0;
 * - 1.1 has no `$ref` (members, a user's groups) and no `meta.resourceType`;
 * - `meta.location` points at `/scim/v1/…`.
 * Everything else (attribute names, multi-valued `{value, type, primary, display}`) is the same.
 */
import { isPlainObject } from '../normalize-attribute-value.ts';
import type { ResourceTypeName } from '../schemas/resource-types.ts';
import { scimErrors } from '../scim-error.ts';
import { CORE_V1_SCHEMA, isCoreV1, isEnterpriseUrn, toV1Urn, toV2Urn } from './v1-urns.ts';

/** Checks the 1.1 `schemas` of a request body (draft-scim-core-schema-01 §5: REQUIRED, names the core schema). */
export function checkV1Schemas(body: Record<string, unknown>): string[] {
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) {
    throw scimErrors.invalidSyntax(`"schemas" must be an array of schema URIs including ${CORE_V1_SCHEMA}`);
  }
  if (!schemas.some(isCoreV1)) throw scimErrors.invalidSyntax(`"schemas" must include ${CORE_V1_SCHEMA}`);
  return schemas;
}

function unique(urns: string[]): string[] {
  const seen = new Set<string>();
  return urns.filter((u) => !seen.has(u.toLowerCase()) && seen.add(u.toLowerCase()));
}

/**
 * 1.1 → 2.0 for a POST or PUT body. `meta` is dropped (read-only; its 1.1 `attributes` only means
 * something in PATCH); `operation` on a multi-valued element is refused (draft-scim-api-01 §3.3.2
 * defines it for PATCH only).
 */
export function resourceToV2(body: unknown, type: ResourceTypeName): Record<string, unknown> {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('the request body must be a JSON object');
  const schemas = checkV1Schemas(body);
  const out: Record<string, unknown> = { schemas: unique(schemas.map((s) => toV2Urn(s, type))) };
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'meta') continue;
    if (Array.isArray(value)) rejectOperations(key, value);
    if (lower.startsWith('urn:')) {
      out[toV2Urn(key, type)] = isEnterpriseUrn(key) && isPlainObject(value) ? managerToV2(value) : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function rejectOperations(name: string, elements: unknown[]): void {
  for (const element of elements) {
    if (isPlainObject(element) && Object.keys(element).some((k) => k.toLowerCase() === 'operation')) {
      throw scimErrors.invalidValue(`"${name}": "operation" is only allowed in PATCH (draft-scim-api-01 §3.3.2)`);
    }
  }
}

/**
 * The enterprise extension with its `manager` sub-attributes renamed (`from` → `to`) and one dropped:
 * 1.1's `managerId` is 2.0's `value`; the manager's `displayName` (read-only, derived) is not taken
 * in, and 2.0's `$ref` has no 1.1 counterpart.
 */
function mapManager(extension: Record<string, unknown>, from: string, to: string, drop: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extension)) {
    if (key.toLowerCase() !== 'manager' || !isPlainObject(value)) {
      out[key] = value;
      continue;
    }
    const manager: Record<string, unknown> = {};
    for (const [sub, subValue] of Object.entries(value)) {
      const lower = sub.toLowerCase();
      if (lower === from) manager[to] = subValue;
      else if (lower !== drop) manager[sub] = subValue;
    }
    out[key] = manager;
  }
  return out;
}

export const managerToV2 = (extension: Record<string, unknown>) => mapManager(extension, 'managerid', 'value', 'displayname');
const managerToV1 = (extension: Record<string, unknown>) => mapManager(extension, 'value', 'managerId', '$ref');

/** A member (or a user's group) as 1.1 shows it: without 2.0's `$ref`. */
export function referenceToV1<T extends object>(element: T): Omit<T, '$ref'> {
  const { $ref: _ref, ...rest } = element as T & { $ref?: unknown };
  return rest;
}

export interface V1RenderOptions {
  /** `https://host/scim/v1/<directoryId>`: `meta.location` is rebuilt under it. */
  readonly baseUrl: string;
}

/**
 * 2.0 → 1.1 for a rendered (and projected) resource: the same values under 1.1 names, `meta` in its
 * 1.1 form (`created`, `lastModified`, `location`, `version`).
 */
export function resourceToV1(resource: Record<string, unknown>, type: ResourceTypeName, options: V1RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' && Array.isArray(value)) {
      out.schemas = unique(value.map((s) => (typeof s === 'string' ? toV1Urn(s) : s)));
    } else if (lower.startsWith('urn:')) {
      out[toV1Urn(key)] = isEnterpriseUrn(key) && isPlainObject(value) ? managerToV1(value) : value;
    } else if ((lower === 'members' || lower === 'groups') && Array.isArray(value)) {
      out[key] = value.map((e) => (isPlainObject(e) ? referenceToV1(e) : e));
    } else if (lower === 'meta' && isPlainObject(value)) {
      out.meta = metaToV1(value, `${options.baseUrl}/${type}s/${String(resource.id)}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function metaToV1(meta: Record<string, unknown>, location: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'resourceType') continue;
    out[key] = key === 'location' ? location : value;
  }
  return out;
}
