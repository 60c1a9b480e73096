import { keyOf, rewriteResourceBody, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_ADSCIM_GROUP_SCHEMA = 'entra-adscim-group-schema';

export const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/**
 * Entra ID creates groups with a Microsoft schema URI beside the core one [E1]:
 * `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],…}`.
 * No attributes are sent under it and no SCIM server publishes it, so it is stripped from `schemas`
 * (RFC 7643 §3: `schemas` lists the schemas the resource uses).
 */
export function normalizeEntraAdscimGroupSchema(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'Group') return unchanged(request);
  const lower = ADSCIM_GROUP_SCHEMA.toLowerCase();
  return rewriteResourceBody(request, (body) => {
    const key = keyOf(body, 'schemas');
    const schemas = key === undefined ? undefined : body[key];
    if (!Array.isArray(schemas)) return undefined;
    const kept = schemas.filter((s) => !(typeof s === 'string' && s.trim().toLowerCase() === lower));
    if (kept.length === schemas.length) return undefined;
    return { body: { ...body, [key!]: kept }, changes: [{ at: 'schemas', detail: `"${ADSCIM_GROUP_SCHEMA}" stripped` }] };
  });
}
