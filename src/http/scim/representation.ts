import { listResponseHead } from '../../scim/list-response.ts';
import type { ResourceTypeName } from '../../scim/schemas/resource-types.ts';
import { resourceToV1 } from '../../scim/v1/translate-resource.ts';
import { v1ListHead } from '../../scim/v1/v1-list-response.ts';
import type { MemberRecord } from '../../domain/records.ts';
import { memberJson } from './render.ts';

export interface ListMeta {
  readonly totalResults: number;
  readonly itemsPerPage: number;
  readonly startIndex?: number;
  readonly nextCursor?: string;
}

/**
 * What differs between SCIM 2.0 and SCIM 1.1 answers: the list envelope and the form of a resource
 * and of a member reference. Everything else (domain calls, rendering, projection, member
 * streaming) is one pipeline for both protocol versions.
 */
export interface Representation {
  /** The list envelope up to and including `"Resources":[`. */
  listHead(meta: ListMeta): string;
  /** A rendered, projected 2.0 resource in this protocol's form. */
  resource(body: Record<string, unknown>, type: ResourceTypeName): Record<string, unknown>;
  /** One member reference as JSON text. */
  member(member: MemberRecord, baseUrl: string): string;
}

export const v2Representation: Representation = {
  listHead: (meta) => listResponseHead(meta),
  resource: (body) => body,
  member: (member, baseUrl) => memberJson(baseUrl, member),
};

/** SCIM 1.1 (draft-scim-api-01): `meta.location` under `/scim/v1`, 1.1 names, no `$ref`. */
export function v1Representation(baseUrl: string): Representation {
  return {
    listHead: (meta) => v1ListHead({ totalResults: meta.totalResults, itemsPerPage: meta.itemsPerPage, startIndex: meta.startIndex ?? 1 }),
    resource: (body, type) => resourceToV1(body, type, { baseUrl }),
    member: (member) => memberJson(undefined, member),
  };
}
