import { SCIM_MEDIA_TYPE, type SimResponse } from './sim-client.ts';

export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type JsonObject = Record<string, unknown>;

/** The response body as an object (empty when it is not one), for reading fields that checks verified. */
export function bodyOf(res: SimResponse): JsonObject {
  return typeof res.body === 'object' && res.body !== null && !Array.isArray(res.body) ? (res.body as JsonObject) : {};
}

/** The `id` of a resource response whose `resource()` check passed. */
export function idOf(res: SimResponse): string {
  return String(bodyOf(res).id);
}

/** A check returns the problems it found, in words; none means the response passed. */
export type Check = (res: SimResponse) => string[];

export function status(...codes: number[]): Check {
  return (res) => {
    if (res.status === 0) return [`no response (${res.error ?? 'unknown error'})`];
    if (codes.includes(res.status)) return [];
    const found = bodyOf(res).detail;
    const detail = typeof found === 'string' ? `: ${found.slice(0, 200)}` : '';
    return [`expected ${codes.join(' or ')}, got ${res.status}${detail}`];
  };
}

/**
 * Entra requires `Content-Type: application/scim+json` on every response with a body [E1]; Okta
 * also accepts `application/json`. An empty body (204) has nothing to type.
 */
export function scimJson(strict: boolean): Check {
  return (res) => {
    if (res.status === 0 || res.text === '') return [];
    const type = (res.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const ok = type === SCIM_MEDIA_TYPE || (!strict && type === 'application/json');
    const problems = ok ? [] : [`Content-Type is "${res.contentType ?? ''}", expected ${SCIM_MEDIA_TYPE}${strict ? '' : ' or application/json'}`];
    if (res.body === undefined) problems.push('the body is not JSON');
    return problems;
  };
}

/** A resource with a non-empty string `id` (and the expected one, when given). Okta: "returned empty user" otherwise. */
export function resource(expectedId?: string): Check {
  return (res) => {
    if (res.status < 200 || res.status >= 300 || res.status === 204) return [];
    if (typeof res.body !== 'object' || res.body === null || Array.isArray(res.body)) return ['the response has no resource (empty body)'];
    const body = bodyOf(res);
    if (typeof body.id !== 'string' || body.id === '') return ['the resource has no "id"'];
    if (expectedId !== undefined && body.id !== expectedId) return [`"id" is ${body.id}, expected ${expectedId}`];
    return [];
  };
}

/**
 * A ListResponse as Okta and Entra read it (RFC 7644 §3.4.2): the schema, integer `totalResults`,
 * `startIndex` and `itemsPerPage` (Okta: "paging numbers must be integers"), a `Resources` array
 * (both fail without one, even when empty) no longer than `itemsPerPage` says.
 */
export function listResponse(options: { startIndex?: boolean } = {}): Check {
  return (res) => {
    if (res.status !== 200) return [];
    if (typeof res.body !== 'object' || res.body === null || Array.isArray(res.body)) return ['the list response is not a JSON object'];
    const body = bodyOf(res);
    const problems: string[] = [];
    if (!Array.isArray(body.schemas) || !body.schemas.includes(LIST_RESPONSE)) problems.push(`"schemas" does not contain ${LIST_RESPONSE}`);
    const integers = ['totalResults', 'itemsPerPage', ...(options.startIndex === false ? [] : ['startIndex'])];
    for (const key of integers) if (!Number.isInteger(body[key])) problems.push(`"${key}" is ${JSON.stringify(body[key])}, not an integer`);
    if (!Array.isArray(body.Resources)) problems.push('"Resources" is not an array');
    else {
      if (Number.isInteger(body.itemsPerPage) && body.Resources.length !== body.itemsPerPage) problems.push(`"itemsPerPage" is ${String(body.itemsPerPage)} but ${body.Resources.length} resources came`);
      if (typeof body.totalResults === 'number' && body.Resources.length > body.totalResults) problems.push('more "Resources" than "totalResults"');
      if (body.Resources.some((r: unknown) => typeof (r as { id?: unknown })?.id !== 'string')) problems.push('a listed resource has no "id"');
    }
    return problems;
  };
}

/** A lookup that must find nothing (before create; Entra's Test Connection): 200 with an empty list, or Okta's accepted 404. */
export function emptyList(allow404: boolean): Check {
  return (res) => {
    if (allow404 && res.status === 404) return [];
    if (res.status !== 200) return [];
    const { totalResults, Resources } = bodyOf(res);
    return totalResults === 0 && Array.isArray(Resources) && Resources.length === 0 ? [] : [`expected no match, got totalResults ${JSON.stringify(totalResults)}`];
  };
}

/** A filter that must find exactly the resource `id`. */
export function singleMatch(id: string): Check {
  return (res) => {
    if (res.status !== 200) return [];
    const { totalResults, Resources } = bodyOf(res);
    const found = Array.isArray(Resources) ? (Resources as JsonObject[]) : [];
    if (totalResults !== 1 || found.length !== 1) return [`expected exactly 1 match, got totalResults ${JSON.stringify(totalResults)}`];
    return found[0]?.id === id ? [] : [`the match is ${String(found[0]?.id)}, expected ${id}`];
  };
}

/** The returned resource holds `value` at `path` (when the server returned the resource at all). */
export function echoes(path: string, value: unknown): Check {
  return (res) => {
    if (res.status !== 200 && res.status !== 201) return [];
    const got = readPath(res.body, path);
    return sameValue(got, value) ? [] : [`"${path}" is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`];
  };
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Reads `name.familyName`, `emails[type eq "work"].value` or an extension attribute
 * `urn:…:User:manager.value` from a resource (names matched ignoring case, RFC 7644 §3.10).
 */
export function readPath(resource: unknown, path: string): unknown {
  let current: unknown = resource;
  let rest = path;
  if (path.toLowerCase().startsWith('urn:')) {
    const cut = path.lastIndexOf(':');
    current = field(resource, path.slice(0, cut));
    rest = path.slice(cut + 1);
  }
  for (const part of rest.split('.')) {
    const filtered = /^([^[]+)\[(\w+) eq "([^"]*)"\]$/.exec(part);
    if (filtered) {
      const list = field(current, filtered[1]!);
      current = Array.isArray(list) ? list.find((item) => field(item, filtered[2]!) === filtered[3]) : undefined;
    } else {
      current = field(current, part);
    }
  }
  return current;
}

function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : (object as Record<string, unknown>)[key];
}
