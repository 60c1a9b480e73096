import { rewriteResourceBody, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_EXPLICIT_NULLS = 'entra-explicit-nulls';

/**
 * Entra ID's older create sample [E1] sends unassigned attributes as explicit nulls:
 * `"addresses":null,"phoneNumbers":null,"title":null,"manager":null`. In a POST or PUT, null and
 * absent both mean "unassigned" (RFC 7643 §2.5), so the keys are dropped; the log lists them.
 * `schemas` is left alone (a null there is a syntax error the protocol layer reports).
 */
export function normalizeEntraExplicitNulls(request: IdpRequest): QuirkOutcome {
  return rewriteResourceBody(request, (body) => {
    const nulls = Object.keys(body).filter((k) => body[k] === null && k.toLowerCase() !== 'schemas');
    if (nulls.length === 0) return undefined;
    const kept = Object.fromEntries(Object.entries(body).filter(([k]) => !nulls.includes(k)));
    return { body: kept, changes: [{ at: nulls.join(', '), detail: `explicit null${nulls.length > 1 ? 's' : ''} dropped (unassigned, RFC 7643 §2.5)` }] };
  });
}
