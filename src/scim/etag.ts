/**
 * Resource versions as ETags (RFC 7644 §3.14, RFC 7643 §3.1 `meta.version`). A version is a counter
 * bumped on every write, so the tag is weak: two representations of one version (projected by
 * `attributes`, say) are semantically the same resource, not byte-identical bodies.
 */

export function formatEtag(version: number): string {
  return `W/"${version}"`;
}

/**
 * Whether an `If-Match` / `If-None-Match` header names `version`. Uses the weak comparison of
 * RFC 7232 §2.3.2 for both headers: our tags are all weak, and RFC 7644 §3.14's own examples send
 * `If-Match: W/"…"`, which a strong comparison (RFC 7232 §3.1) could never match.
 */
export function etagMatches(header: string, version: number): boolean {
  // RFC 7232 §3.1: `*` stands alone; a quoted "*" inside a list is just an odd tag.
  if (header.trim() === '*') return true;
  const wanted = String(version);
  return parseEtagList(header).some((tag) => tag === wanted);
}

/**
 * Splits `*`, `"1"`, `W/"1", W/"2"` into opaque tags (quotes and `W/` removed). Commas inside quotes
 * are legal (RFC 7232 §2.3 `etagc`), so the list is scanned, not split. Unquoted tokens are accepted
 * too, because some hand-written clients send `If-Match: 3`.
 */
export function parseEtagList(header: string): string[] {
  const tags: string[] = [];
  let i = 0;
  while (i < header.length) {
    while (i < header.length && (header[i] === ',' || header[i] === ' ' || header[i] === '\t')) i++;
    if (i >= header.length) break;
    if (header.startsWith('W/', i) || header.startsWith('w/', i)) i += 2;
    if (header[i] === '"') {
      const end = header.indexOf('"', i + 1);
      const close = end < 0 ? header.length : end;
      tags.push(header.slice(i + 1, close));
      i = close + 1;
    } else {
      let end = header.indexOf(',', i);
      if (end < 0) end = header.length;
      const token = header.slice(i, end).trim();
      if (token) tags.push(token);
      i = end;
    }
  }
  return tags;
}
