import { expect } from 'vitest';
import { scimClient, type ScimClient, type ScimResponse } from '../helpers/start-roster.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** `filter=…` as IdPs put it on the wire: spaces as %20, quotes as %22, `@` as %40. */
export function filterParam(filter: string): string {
  return `filter=${encodeURIComponent(filter)}`;
}

/** What a failed assertion prints, so a report can quote the server's answer verbatim. */
function answer(res: ScimResponse): string {
  return `HTTP ${res.status} ${res.headers.get('content-type') ?? '(no content-type)'} ${res.text || '(empty body)'}`;
}

/**
 * The status the IdP checks, and `Content-Type: application/scim+json` on every answer with a body
 * (RFC 7644 §3.1; Entra's compliance article lists it as a requirement).
 */
export function expectStatus(res: ScimResponse, status: number | readonly number[]): void {
  const allowed = typeof status === 'number' ? [status] : status;
  expect(allowed, answer(res)).toContain(res.status);
  if (res.text) expect(res.headers.get('content-type'), answer(res)).toMatch(/^application\/scim\+json\b/);
}

/** A SCIM error (RFC 7644 §3.12): error schema, `status` as a string, a detail, and the scimType if given. */
export function expectScimError(res: ScimResponse, status: number, scimType?: string): void {
  expectStatus(res, status);
  expect(res.body?.schemas, answer(res)).toContain(ERROR_SCHEMA);
  expect(res.body.status, answer(res)).toBe(String(status));
  expect(typeof res.body.detail === 'string' && res.body.detail.length > 0, answer(res)).toBe(true);
  if (scimType !== undefined) expect(res.body.scimType, answer(res)).toBe(scimType);
}

/** A ListResponse as Okta's Runscope suite checks it: schema, integer paging numbers, `Resources` an array. */
export function expectListResponse(res: ScimResponse): { schemas: string[]; totalResults: number; startIndex: number; itemsPerPage: number; Resources: any[] } {
  expectStatus(res, 200);
  const body = res.body;
  expect(body.schemas, answer(res)).toEqual([LIST_RESPONSE_SCHEMA]);
  expect(Number.isInteger(body.totalResults), answer(res)).toBe(true);
  expect(Number.isInteger(body.startIndex), answer(res)).toBe(true);
  expect(Number.isInteger(body.itemsPerPage), answer(res)).toBe(true);
  expect(Array.isArray(body.Resources), answer(res)).toBe(true);
  expect(body.itemsPerPage, answer(res)).toBe(body.Resources.length);
  return body;
}

/** An empty result as both IdPs need it: 200, `totalResults: 0` and `Resources: []` (never missing). */
export function expectEmptyList(res: ScimResponse): void {
  const body = expectListResponse(res);
  expect(body.totalResults).toBe(0);
  expect(body.Resources).toEqual([]);
}

/** Member ids of a group resource, sorted, for set comparisons. */
export function memberIds(group: { members?: { value: string }[] | null }): string[] {
  return (group.members ?? []).map((m) => m.value).sort();
}

/** The same client with headers an IdP sends on every request (its own overrides per call). */
export function withHeaders(client: ScimClient, fixed: Record<string, string>): ScimClient {
  const request: ScimClient['request'] = (method, path, body, headers = {}) =>
    client.request(method, path, body, { ...fixed, ...headers });
  return scimClient(client.baseUrl, client.token, request);
}
