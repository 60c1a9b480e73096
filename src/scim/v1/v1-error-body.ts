import { isPlainObject } from '../normalize-attribute-value.ts';

/** draft-scim-api-01 §3.9: `{"Errors":[{"description":"…","code":"404"}]}`. */
export interface V1ErrorBody {
  Errors: { description: string; code: string }[];
  /**
   * Also the 2.0 `detail` and `status`: Okta's SCIM 1.1 test suite reads `detail` from a 404
   * ("User not found") while 1.1 clients read `Errors`; extra members harm neither.
   */
  detail: string;
  status: string;
}

/**
 * The 1.1 form of a SCIM 2.0 error body (RFC 7644 §3.12), so 1.1 reuses the one error classification
 * and logging of the 2.0 routes. 1.1 has no `scimType`; its detail is already in the description.
 * Anything that is not a 2.0 error body is returned as undefined.
 */
export function toV1ErrorBody(body: unknown): V1ErrorBody | undefined {
  if (!isPlainObject(body) || typeof body.status !== 'string' || typeof body.detail !== 'string') return undefined;
  return { Errors: [{ description: body.detail, code: body.status }], detail: body.detail, status: body.status };
}
