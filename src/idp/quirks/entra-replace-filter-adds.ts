import { keyOf, opName, opPath, rewritePatchOperations, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_REPLACE_FILTER_ADDS = 'entra-replace-filter-adds';

/**
 * Entra ID (both jobs) sets a typed value with `replace` on a value-filter path and expects the
 * element to be created when the user has none [E1, B2, G2]:
 * `{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"}`, likewise
 * `phoneNumbers[type eq "work"].value` and `roles[primary eq "True"].value`. RFC 7644 §3.5.2.3 answers a
 * `replace` whose filter matches nothing with 400 noTarget, which every other client gets. For Entra
 * the operation becomes an `add` on the same path: it replaces the value of every matching element,
 * and when none matches it creates the element the filter's `eq` terms describe (apply-attribute-operation.ts).
 * Paths without a value filter, and `members` (whose filtered paths only remove), are left as sent.
 */
export function normalizeEntraReplaceFilterAdds(request: IdpRequest): QuirkOutcome {
  return rewritePatchOperations(request, (operation) => {
    if (opName(operation) !== 'replace') return undefined;
    const path = opPath(operation);
    if (path === undefined || !path.includes('[') || /^members\s*\[/i.test(path)) return undefined;
    const opKey = keyOf(operation, 'op')!;
    return { operations: [{ ...operation, [opKey]: 'add' }], detail: `"op":"${String(operation[opKey])}" on "${path}" → "add" (creates the element when none matches)` };
  });
}
