import { keyOf, unchanged, type IdpRequest, type QuirkOutcome } from '../idp-request.ts';

export const ENTRA_UNQUOTED_FILTER_VALUE = 'entra-unquoted-filter-value';

/** `attrPath eq word`: one comparison whose right side is a bare word (no quotes, brackets or parentheses). */
const BARE_EQ = /^(\s*[A-Za-z][\w.:$-]*\s+eq\s+)([^\s"()[\]]+)(\s*)$/i;
/** JSON literals and numbers are valid unquoted (RFC 7644 §3.4.2.2 compValue) and stay as they are. */
const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/i;

/**
 * Entra ID's documentation looks users up with an unquoted value [E1, I6]:
 * `GET /Users?filter=externalId eq jyoung`. RFC 7644 §3.4.2.2 wants a JSON string there. The
 * filter parser already reads such a bare word as a string; this rewrite quotes it
 * (`externalId eq "jyoung"`) so the log shows the filter as it is evaluated. Only a lone `eq` whose
 * value is not a JSON literal or number is touched; anything else reaches the parser as sent.
 */
export function normalizeEntraUnquotedFilterValue(request: IdpRequest): QuirkOutcome {
  if (request.action !== 'list') return unchanged(request);
  const key = keyOf(request.query, 'filter');
  const filter = key === undefined ? undefined : request.query[key];
  if (typeof filter !== 'string') return unchanged(request);
  const match = BARE_EQ.exec(filter);
  if (!match || LITERAL.test(match[2]!)) return unchanged(request);
  const quoted = `${match[1]}${JSON.stringify(match[2])}${match[3]}`;
  return { request: { ...request, query: { ...request.query, [key!]: quoted } }, changes: [{ at: 'filter', detail: `${filter} → ${quoted}` }] };
}
