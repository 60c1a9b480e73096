import { isPlainObject, readMember } from '../../idp/idp-request.ts';
import { redactPasswords } from '../../idp/redact-passwords.ts';
import type { RequestLogEntry } from '../../domain/records.ts';

/** At most this many resource ids per entry: a 1,000-member PATCH is still one readable entry. */
const MAX_RESOURCES = 100;

export interface RequestParts {
  /** The body text as it arrived (before parsing), if there was one. */
  readonly rawBody: string | undefined;
  /** The parsed body the route handled: the normalized one when the IdP profile rewrote it. */
  readonly body: unknown;
  readonly rewritten: boolean;
  /** `User.create`, `Group.patch`…: which parts of the body can name resources. */
  readonly operation: string;
  /** The `:id` of the path. */
  readonly pathId: string | undefined;
  /** The `Location` of a created resource. */
  readonly location: string | undefined;
  /** The `location`s of a BulkResponse's operations. */
  readonly bulkLocations: readonly string[];
  readonly maxChars: number;
}

/** A body text safe to store: passwords redacted (RFC 7643 §7: write-only), cut to `max` characters. */
export function safeBodyText(text: string, max: number): { text: string; size: number } {
  let safe = text;
  // Most requests carry no password: a scan of the text spares them a parse and a serialization.
  if (/password/i.test(text)) {
    try {
      safe = JSON.stringify(redactPasswords(JSON.parse(text)));
    } catch {
      safe = '[redacted: a body that is not JSON and mentions a password]';
    }
  }
  return { text: safe.length > max ? safe.slice(0, max) : safe, size: safe.length };
}

const lastSegment = (url: string): string | undefined => url.split('?')[0]!.split('/').filter(Boolean).pop();

/** Member ids a body names: `members` of a POST/PUT/1.1 PATCH, and PATCH operations on `members`. */
function memberIds(body: unknown, into: Set<string>): void {
  if (!isPlainObject(body)) return;
  const fromList = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const m of list) {
      const v = isPlainObject(m) ? readMember(m, 'value') : undefined;
      if (typeof v === 'string') into.add(v);
    }
  };
  fromList(readMember(body, 'members'));
  const operations = readMember(body, 'Operations');
  if (!Array.isArray(operations)) return;
  for (const op of operations) {
    if (!isPlainObject(op)) continue;
    const path = readMember(op, 'path');
    const value = readMember(op, 'value');
    if (typeof path === 'string' && /^members\b/i.test(path.trim())) {
      fromList(value);
      // `members[value eq "<id>"]`: Okta's and Entra's single removals.
      for (const m of path.matchAll(/value\s+eq\s+"([^"]+)"/gi)) into.add(m[1]!);
    } else if (path === undefined && isPlainObject(value)) fromList(readMember(value, 'members'));
  }
}

/**
 * The parts of an entry that grow with the body. What needs the parsed body (resources, userName, the
 * normalized body when the profile rewrote one) is read now, so the entry keeps no reference to the
 * request's object graph: held for a quarter second, thousands of parsed bodies would all survive into
 * the old generation and cost a major GC. The received text (one string) is redacted and capped when
 * the batch is written, off the request's path.
 */
export function requestDetails(parts: RequestParts): () => Pick<RequestLogEntry, 'received' | 'receivedSize' | 'normalized' | 'resources' | 'subjects'> {
  const ids = new Set<string>();
  if (parts.pathId) ids.add(parts.pathId);
  const created = parts.location && lastSegment(parts.location);
  if (created) ids.add(created);
  for (const l of parts.bulkLocations) {
    const id = lastSegment(l);
    if (id) ids.add(id);
  }
  const group = parts.operation === 'Group.create' || parts.operation === 'Group.replace' || parts.operation === 'Group.patch';
  if (group) memberIds(parts.body, ids);
  const resources = ids.size > MAX_RESOURCES ? [...ids].slice(0, MAX_RESOURCES) : [...ids];
  const subjects = [...resources];
  const userName = (parts.operation === 'User.create' || parts.operation === 'User.replace') && isPlainObject(parts.body) ? readMember(parts.body, 'userName') : undefined;
  if (typeof userName === 'string' && userName.length <= 1024) subjects.push(userName.toLowerCase());
  const normalizedText = parts.rewritten && parts.body !== undefined ? JSON.stringify(parts.body) : undefined;
  const { rawBody, maxChars } = parts;
  return () => {
    const received = rawBody === undefined || rawBody === '' ? undefined : safeBodyText(rawBody, maxChars);
    const normalized = normalizedText === undefined ? null : safeBodyText(normalizedText, maxChars).text;
    return { received: received?.text ?? null, receivedSize: received?.size ?? null, normalized, resources: resources.length > 0 ? resources : null, subjects };
  };
}
