import { ScimError, scimErrors } from '../scim-error.ts';

/**
 * The BulkRequest message (RFC 7644 §3.7). Malformed structure (no `Operations`, an unknown method
 * or path, a POST without `bulkId`) refuses the whole request before anything runs; a problem of one
 * operation's own values (a non-string `version`, `data` nested absurdly deep) becomes that
 * operation's error in the BulkResponse, and the others run (§3.7.3).
 */

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Endpoint names are case-insensitive, as on the HTTP routes; the resource id is kept as sent. */
const PATH = /^\/(users|groups)(?:\/([^/?#]+))?$/i;

/** `bulkId:<id>` in a path or a string value of `data` (RFC 7644 §3.7.2). */
export const BULK_ID_REF = /bulkId:([^"/?#\s{}[\],:]+)/g;

/** No SCIM resource nests beyond a handful of levels (extension → manager → value); this is generous. */
export const MAX_DATA_DEPTH = 64;

export interface BulkOperation {
  readonly index: number;
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly endpoint: 'Users' | 'Groups';
  /** The resource id of the path (possibly a `bulkId:` reference), absent for POST. */
  readonly id?: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly data?: unknown;
  /** Every bulkId this operation refers to, in its path or its data, each once. */
  readonly references: readonly string[];
  /** Set when the operation cannot run: it is reported with this error and nothing else happens. */
  readonly error?: ScimError;
}

export interface BulkRequest {
  readonly operations: readonly BulkOperation[];
  readonly failOnErrors: number;
}

function referencesIn(text: string, into: Set<string>): void {
  if (!text.includes('bulkId:')) return;
  for (const match of text.matchAll(BULK_ID_REF)) into.add(match[1]!);
}

/**
 * Walks `data` once, without recursion (so any nesting is measured safely): collects the bulkIds its
 * string values refer to, and reports whether it nests deeper than MAX_DATA_DEPTH.
 */
function scanData(data: unknown, into: Set<string>): { tooDeep: boolean } {
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') referencesIn(value, into);
    else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_DATA_DEPTH) return { tooDeep: true };
      for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
    }
  }
  return { tooDeep: false };
}

export function parseBulkRequest(body: unknown, maxOperations: number): BulkRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimErrors.invalidSyntax('a BulkRequest must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.schemas) || !b.schemas.includes(BULK_REQUEST_SCHEMA)) throw scimErrors.invalidSyntax(`"schemas" must include ${BULK_REQUEST_SCHEMA}`);
  if (!Array.isArray(b.Operations)) throw scimErrors.invalidSyntax('"Operations" must be an array');
  // RFC 7644 §3.7.4: too many operations is a 413 for the whole request.
  if (b.Operations.length > maxOperations) throw new ScimError(413, undefined, `a bulk request may carry at most ${maxOperations} operations`);
  const failOnErrors = b.failOnErrors === undefined ? Number.POSITIVE_INFINITY : b.failOnErrors;
  if (typeof failOnErrors !== 'number' || !(failOnErrors >= 1)) throw scimErrors.invalidValue('"failOnErrors" must be an integer of at least 1');
  const bulkIds = new Set<string>();
  const operations = b.Operations.map((raw, index): BulkOperation => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw scimErrors.invalidSyntax(`Operations[${index}] must be an object`);
    const op = raw as Record<string, unknown>;
    const method = typeof op.method === 'string' ? op.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw scimErrors.invalidSyntax(`Operations[${index}].method must be POST, PUT, PATCH or DELETE`);
    const path = typeof op.path === 'string' ? PATH.exec(op.path) : null;
    if (!path) throw scimErrors.invalidSyntax(`Operations[${index}].path must be /Users, /Groups or one of their resources`);
    if (method === 'POST' && typeof op.bulkId !== 'string') throw scimErrors.invalidSyntax(`Operations[${index}].bulkId is required for POST`);
    if (method !== 'DELETE' && op.data === undefined) throw scimErrors.invalidSyntax(`Operations[${index}].data is required for ${method}`);

    const endpoint = path[1]!.toLowerCase() === 'users' ? 'Users' : 'Groups';
    const id = path[2];
    const references = new Set<string>();
    if (id !== undefined) referencesIn(id, references);
    const base = { index, method: method as BulkOperation['method'], endpoint, ...(id !== undefined ? { id } : {}), data: op.data } as const;
    const fail = (error: ScimError): BulkOperation => ({ ...base, ...(typeof op.bulkId === 'string' ? { bulkId: op.bulkId } : {}), references: [], error });

    if (op.bulkId !== undefined && typeof op.bulkId !== 'string') return fail(scimErrors.invalidValue(`Operations[${index}].bulkId must be a string`));
    if (op.version !== undefined && typeof op.version !== 'string') return fail(scimErrors.invalidValue(`Operations[${index}].version must be a string (an ETag)`));
    if (method === 'POST') {
      if (bulkIds.has(op.bulkId as string)) return fail(scimErrors.invalidValue(`Operations[${index}].bulkId "${(op.bulkId as string).slice(0, 64)}" is used by an earlier operation`));
      bulkIds.add(op.bulkId as string);
    }
    if (scanData(op.data, references).tooDeep) return fail(scimErrors.invalidValue(`Operations[${index}].data is nested deeper than ${MAX_DATA_DEPTH} levels`));
    return {
      ...base,
      ...(typeof op.bulkId === 'string' ? { bulkId: op.bulkId } : {}),
      ...(typeof op.version === 'string' ? { version: op.version } : {}),
      references: [...references],
    };
  });
  return { operations, failOnErrors };
}
