import { CORE_V1_SCHEMA } from './v1-urns.ts';

/** draft-scim-api-01 §3.2.2: the 1.1 list, keyed like Okta's SCIM 1.1 examples. */
export interface V1ListResponse<T> {
  schemas: [typeof CORE_V1_SCHEMA];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: T[];
}

/** Okta requires integers for the paging numbers and a `Resources` array even when it is empty. */
export function v1ListResponse<T>(resources: readonly T[], page: { totalResults: number; startIndex: number }): V1ListResponse<T> {
  return { schemas: [CORE_V1_SCHEMA], totalResults: page.totalResults, itemsPerPage: resources.length, startIndex: page.startIndex, Resources: [...resources] };
}

/** The head of a list whose `Resources` are streamed: everything up to and including `"Resources":[`. */
export function v1ListHead(page: { totalResults: number; startIndex: number; itemsPerPage: number }): string {
  const head = { schemas: [CORE_V1_SCHEMA], totalResults: page.totalResults, itemsPerPage: page.itemsPerPage, startIndex: page.startIndex };
  return JSON.stringify(head).slice(0, -1) + ',"Resources":[';
}
