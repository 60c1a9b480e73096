import { ENTERPRISE_USER_SCHEMA } from '../../scim/schemas/enterprise-user-schema.ts';
import { keyOf, rewriteResourceBody, unchanged, type IdpRequest, type QuirkChange, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_ENTERPRISE_SCHEMA_TYPO = 'entra-enterprise-schema-typo';

/** The misspelled enterprise URN: a missing ':' before "User". */
export const ENTERPRISE_SCHEMA_TYPO = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';

/**
 * Entra ID's older create sample [E1] lists `"urn:ietf:params:scim:schemas:extension:enterprise:2.0User"`
 * in `schemas` (a ':' missing before "User"). The URN it means is the enterprise extension
 * (RFC 7643 §4.3), so the entry is replaced by the correct one (or dropped if that is listed too),
 * and an object keyed by the typo moves to the correct key when that key is free. Without this, the
 * protocol layer would drop the unknown URN silently; here the log says so.
 */
export function normalizeEntraEnterpriseSchemaTypo(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'User') return unchanged(request);
  const typo = ENTERPRISE_SCHEMA_TYPO.toLowerCase();
  const correct = ENTERPRISE_USER_SCHEMA.toLowerCase();
  return rewriteResourceBody(request, (body) => {
    const changes: QuirkChange[] = [];
    let next = body;
    const schemasKey = keyOf(body, 'schemas');
    const schemas = schemasKey === undefined ? undefined : body[schemasKey];
    if (Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === typo)) {
      const hasCorrect = schemas.some((s) => typeof s === 'string' && s.toLowerCase() === correct);
      const fixed = hasCorrect
        ? schemas.filter((s) => !(typeof s === 'string' && s.toLowerCase() === typo))
        : schemas.map((s) => (typeof s === 'string' && s.toLowerCase() === typo ? ENTERPRISE_USER_SCHEMA : s));
      next = { ...next, [schemasKey!]: fixed };
      changes.push({ at: 'schemas', detail: hasCorrect ? `"${ENTERPRISE_SCHEMA_TYPO}" dropped (the correct URN is listed)` : `"${ENTERPRISE_SCHEMA_TYPO}" → "${ENTERPRISE_USER_SCHEMA}"` });
    }
    const typoKey = Object.keys(body).find((k) => k.toLowerCase() === typo);
    if (typoKey !== undefined && Object.keys(body).every((k) => k.toLowerCase() !== correct)) {
      const { [typoKey]: moved, ...rest } = next;
      next = { ...rest, [ENTERPRISE_USER_SCHEMA]: moved };
      changes.push({ at: typoKey, detail: `attributes under "${typoKey}" moved to "${ENTERPRISE_USER_SCHEMA}"` });
    }
    return { body: next, changes };
  });
}
