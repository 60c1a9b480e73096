import type { FastifyRequest } from 'fastify';
import { scimErrors } from '../scim/scim-error.ts';

/**
 * SCIM query parameters are single-valued (RFC 7644 §3.4.2); `filter=a&filter=b` arrives as an
 * array, which every parser downstream would read in its own way (or crash on). Parameter names
 * are matched ignoring case (§3.10), so `count=1&COUNT=2` is repeated as well: 400 `invalidValue`.
 */
export async function rejectRepeatedParameters(request: FastifyRequest): Promise<void> {
  const query = request.query;
  if (typeof query !== 'object' || query === null) return;
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(query)) {
    const key = name.toLowerCase();
    if (Array.isArray(value) || seen.has(key)) throw scimErrors.invalidValue(`the query parameter "${name.slice(0, 64)}" may appear only once`);
    seen.add(key);
  }
}
