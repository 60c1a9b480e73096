import { expect } from 'vitest';
import type { ScimResponse } from './start-roster.ts';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An RFC 7644 §3.12 error: the status, the error schema, `status` as a string, a detail, the scimType. */
export function expectScimError(res: ScimResponse, status: number, scimType?: string): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(res.body?.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  expect(typeof res.body.detail).toBe('string');
  if (scimType !== undefined) expect(res.body.scimType).toBe(scimType);
}
