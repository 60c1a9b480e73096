/**
 * What an IdP profile sees of a SCIM request, and what its quirk normalizers return. Nothing here
 * knows the HTTP framework: `http/scim/normalize-request.ts` builds an {@link IdpRequest} from the
 * route and hands the normalized body and query back to the protocol layer.
 */

/** The SCIM operation the route performs (RFC 7644 §3.3–3.6). */
export type ScimAction = 'create' | 'read' | 'list' | 'search' | 'replace' | 'patch' | 'delete' | 'other';

export interface IdpRequest {
  readonly action: ScimAction;
  /** The resource type of `/Users…` or `/Groups…`; undefined for discovery, `/Bulk`, `/.search`. */
  readonly resourceType: 'User' | 'Group' | undefined;
  /** The parsed JSON body, as the client sent it (never mutated by a normalizer). */
  readonly body: unknown;
  /** The query string parameters. */
  readonly query: Readonly<Record<string, string>>;
}

/** One thing a normalizer changed: where (`Operations[2]`, `schemas`, `filter`) and how, in words. */
export interface QuirkChange {
  readonly at: string;
  readonly detail: string;
}

/** A change with the name of the quirk that made it, as logged and listed in `x-roster-rewrites`. */
export interface Rewrite extends QuirkChange {
  readonly quirk: string;
}

/**
 * What a normalizer returns. Normalizers are pure: an unchanged request comes back as the same
 * object with no changes; a changed one is a new request sharing the parts it did not touch.
 */
export interface QuirkOutcome {
  readonly request: IdpRequest;
  readonly changes: readonly QuirkChange[];
}

export type QuirkNormalizer = (request: IdpRequest) => QuirkOutcome;

/** A named quirk: `name` goes to the log and the `x-roster-rewrites` header; docs/idp-quirks.md lists both. */
export interface Quirk {
  readonly name: string;
  readonly normalize: QuirkNormalizer;
}

export function unchanged(request: IdpRequest): QuirkOutcome {
  return { request, changes: [] };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key spelling an object uses for `name`, ignoring case (RFC 7644 §3.10); exact spelling first. */
export function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

export function readMember(object: Record<string, unknown>, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** A copy of `object` without the keys `names` (any case). */
export function withoutMembers(object: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(object).filter(([k]) => !lower.has(k.toLowerCase())));
}

/**
 * Rewrites the operations of a PatchOp body one by one. `rewrite` returns undefined to keep an
 * operation, or its replacement operations (usually one) and a description of the change. An
 * operation that is not a JSON object is left for the protocol layer to refuse with its index.
 */
export function rewritePatchOperations(
  request: IdpRequest,
  rewrite: (operation: Record<string, unknown>, index: number) => { operations: Record<string, unknown>[]; detail: string } | undefined,
): QuirkOutcome {
  if (request.action !== 'patch' || !isPlainObject(request.body)) return unchanged(request);
  const key = keyOf(request.body, 'Operations');
  const operations = key === undefined ? undefined : request.body[key];
  if (key === undefined || !Array.isArray(operations)) return unchanged(request);
  const changes: QuirkChange[] = [];
  const next: unknown[] = [];
  operations.forEach((operation, index) => {
    const result = isPlainObject(operation) ? rewrite(operation, index) : undefined;
    if (result === undefined) {
      next.push(operation);
      return;
    }
    next.push(...result.operations);
    changes.push({ at: `Operations[${index}]`, detail: result.detail });
  });
  if (changes.length === 0) return unchanged(request);
  return { request: { ...request, body: { ...request.body, [key]: next } }, changes };
}

/** Rewrites a POST or PUT body (a JSON object); anything else is left for the protocol layer. */
export function rewriteResourceBody(
  request: IdpRequest,
  rewrite: (body: Record<string, unknown>) => { body: Record<string, unknown>; changes: QuirkChange[] } | undefined,
): QuirkOutcome {
  if ((request.action !== 'create' && request.action !== 'replace') || !isPlainObject(request.body)) return unchanged(request);
  const result = rewrite(request.body);
  if (result === undefined || result.changes.length === 0) return unchanged(request);
  return { request: { ...request, body: result.body }, changes: result.changes };
}

/** The operation name as sent (`Add`, `replace`…), lowercased, or undefined when it is not a string. */
export function opName(operation: Record<string, unknown>): string | undefined {
  const op = readMember(operation, 'op');
  return typeof op === 'string' ? op.trim().toLowerCase() : undefined;
}

/** The operation's path, trimmed, or undefined when absent, empty or not a string. */
export function opPath(operation: Record<string, unknown>): string | undefined {
  const path = readMember(operation, 'path');
  return typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;
}
