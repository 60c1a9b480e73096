import { isPlainObject, keyOf, opPath, readMember, rewritePatchOperations, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_REMOVE_MEMBERS_VALUE_LIST = 'entra-remove-members-value-list';

/** The protocol layer's limit on a PATCH path (parse-filter.ts); longer removals are split. */
const MAX_PATH_CHARS = 2048;
const MEMBER_KEYS: ReadonlySet<string> = new Set(['value', '$ref', 'display', 'type']);

/**
 * Entra ID's default job removes members with a value list on the unfiltered path [E1, E2]:
 * `{"op":"Remove","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}`.
 * RFC 7644 §3.5.2.2 reads a `remove` on `members` without a filter as "remove all members"; Entra
 * means only the listed ones. The operation is rewritten into the explicit, RFC-unambiguous
 * `{"op":"remove","path":"members[value eq \"f648f8d5ea4e4cd38e9c\"]"}` (several members joined by
 * `or`, as `aadOptscim062020` sends them), so the log shows exactly who is removed.
 *
 * Never a removal of all members: an empty list is left as sent (it removes nothing), and a list
 * with any element that has no string `value` (or an unknown key) is left as sent, for the protocol
 * layer to refuse with the operation's index. One operation stays one operation, so the indexes of
 * the others keep naming what the client sent, unless the list is too long for one path.
 */
export function normalizeEntraRemoveMembersValueList(request: IdpRequest): QuirkOutcome {
  if (request.resourceType !== 'Group') return unchanged(request);
  return rewritePatchOperations(request, (operation) => {
    const op = readMember(operation, 'op');
    if (typeof op !== 'string' || op.trim().toLowerCase() !== 'remove') return undefined;
    if (opPath(operation)?.toLowerCase() !== 'members') return undefined;
    const raw = readMember(operation, 'value');
    if (raw === undefined || raw === null) return undefined;
    const items = Array.isArray(raw) ? raw : [raw];
    const ids: string[] = [];
    for (const item of items) {
      if (!isPlainObject(item) || Object.keys(item).some((k) => !MEMBER_KEYS.has(k.toLowerCase()))) return undefined;
      const valueKey = keyOf(item, 'value');
      const id = valueKey === undefined ? undefined : item[valueKey];
      if (typeof id !== 'string' || id === '') return undefined;
      ids.push(id);
    }
    // An empty list names no one: the protocol layer removes nothing, and dropping the operation
    // would shift the index every later error names.
    if (ids.length === 0) return undefined;
    const operations = chunkPaths(ids).map((path) => ({ op: 'remove', path }));
    return {
      operations,
      detail: `"${op}" on members with a value list of ${ids.length} → remove ${operations.map((o) => o.path).join(', ')}`,
    };
  });
}

/** `members[value eq "a" or value eq "b"]`, split so that no path passes the protocol layer's limit. */
function chunkPaths(ids: readonly string[]): string[] {
  const paths: string[] = [];
  let terms: string[] = [];
  const close = (list: string[]) => `members[${list.join(' or ')}]`;
  for (const id of ids) {
    const term = `value eq ${JSON.stringify(id)}`;
    if (terms.length > 0 && close([...terms, term]).length > MAX_PATH_CHARS) {
      paths.push(close(terms));
      terms = [];
    }
    terms.push(term);
  }
  if (terms.length > 0) paths.push(close(terms));
  return paths;
}
