/** A filter's comparison values, quoted or not (Entra sends `externalId eq 1234` unquoted). */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const UNQUOTED = /\b(eq|ne|co|sw|ew|gt|ge|lt|le)\s+(?!true\b|false\b|null\b|")([^\s)\]]+)/gi;

/** A parameter no SCIM client should send, but whose value would be a secret if one did. */
const SECRET_NAME = /token|password|secret|key/;

/** A filter with every compared value replaced by `"…"`: the log keeps its shape, never a value (it may be a password). */
export function redactFilter(filter: string): string {
  return filter.replace(QUOTED, '"…"').replace(UNQUOTED, '$1 "…"');
}

/** The query string of a URL with `filter` values redacted, or null when there is none. */
export function redactedQuery(url: string): string | null {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return null;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(q + 1));
  } catch {
    return '[unreadable]';
  }
  const out: string[] = [];
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    out.push(`${name}=${lower === 'filter' ? redactFilter(value) : SECRET_NAME.test(lower) ? '[redacted]' : value}`);
  }
  return out.join('&');
}
