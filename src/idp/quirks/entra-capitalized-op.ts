import { keyOf, rewritePatchOperations, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_CAPITALIZED_OP = 'entra-capitalized-op';

const OPS: ReadonlySet<string> = new Set(['add', 'replace', 'remove']);

/**
 * Entra ID's default job (no `aadOptscim062020`) capitalizes PATCH operation names [E1, E2]:
 * `{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}`, `"op":"Add"`, `"op":"Remove"`.
 * RFC 7644 §3.5.2 spells them "add", "replace", "remove"; the protocol layer already compares them
 * ignoring case, so this rewrite only makes the spelling explicit in the log. OneLogin's lowercase
 * `"op":"add"` [I3] is already RFC spelling and is recorded as nothing. Unknown names stay as sent,
 * so the protocol layer can refuse them with the operation's index.
 */
export function normalizeEntraCapitalizedOp(request: IdpRequest): QuirkOutcome {
  return rewritePatchOperations(request, (operation) => {
    const key = keyOf(operation, 'op');
    const op = key === undefined ? undefined : operation[key];
    if (typeof op !== 'string' || !OPS.has(op.toLowerCase()) || op === op.toLowerCase()) return undefined;
    return { operations: [{ ...operation, [key!]: op.toLowerCase() }], detail: `"op":"${op}" → "${op.toLowerCase()}"` };
  });
}
