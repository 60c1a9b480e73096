/**
 * The ListResponse message (RFC 7644 §3.4.2) and the query parameters that shape it: paging by index
 * (§3.4.2.4) or by cursor (RFC 9865), sorting (§3.4.2.3), projection (§3.4.2.5), and the same
 * parameters sent as a SearchRequest body to `/.search` (§3.4.3).
 */
import { ScimError, scimErrors } from './scim-error.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

/** Drivers count as number, bigint or numeric string (pg's `count(*)`), so all three are accepted. */
export type Count = number | bigint | string;

export interface ListResponseOptions {
  readonly totalResults: Count;
  /** 1-based index of the first resource; defaults to 1 for index paging. */
  readonly startIndex?: number;
  /** Defaults to the number of resources on the page. */
  readonly itemsPerPage?: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
  /**
   * `cursor` leaves `startIndex` out (RFC 9865's examples): it means nothing there. Defaults to
   * `cursor` when a cursor is given, else `index`. Pass `cursor` for the last cursor page too.
   */
  readonly paging?: 'index' | 'cursor';
}

export function listResponse<T>(resources: readonly T[], options: ListResponseOptions): ListResponse<T> {
  const paging = options.paging ?? (options.nextCursor !== undefined || options.previousCursor !== undefined ? 'cursor' : 'index');
  // Key order follows the RFC's examples (and Okta's), which is what people diff against.
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: toInteger(options.totalResults, 'totalResults'),
    ...(paging === 'index' ? { startIndex: toInteger(options.startIndex ?? 1, 'startIndex') } : {}),
    itemsPerPage: toInteger(options.itemsPerPage ?? resources.length, 'itemsPerPage'),
    ...(options.nextCursor !== undefined ? { nextCursor: options.nextCursor } : {}),
    ...(options.previousCursor !== undefined ? { previousCursor: options.previousCursor } : {}),
    // Okta and Entra fail on a ListResponse without `Resources`, even when there are none.
    Resources: [...resources],
  };
}

/** Okta requires integers ("paging numbers must be integers"); anything else is our bug, not the client's. */
/**
 * The opening of a ListResponse up to and including `"Resources":[`, for a body written in parts
 * (resources streamed after it, `]}` to close): the same keys, in the same order, as listResponse.
 */
export function listResponseHead(options: { totalResults: number; itemsPerPage: number; startIndex?: number; nextCursor?: string }): string {
  const head: Record<string, unknown> = { schemas: [LIST_RESPONSE_SCHEMA], totalResults: options.totalResults };
  if (options.startIndex !== undefined) head.startIndex = options.startIndex;
  head.itemsPerPage = options.itemsPerPage;
  if (options.nextCursor !== undefined) head.nextCursor = options.nextCursor;
  return JSON.stringify(head).slice(0, -1) + ',"Resources":[';
}

function toInteger(value: Count, name: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`${name} must be a non-negative integer, got ${String(value)}`);
  return n;
}

export interface ListParams {
  startIndex: number;
  count: number;
  /** Present (possibly empty, meaning "first page") when the client pages by cursor (RFC 9865). */
  cursor?: string;
  filter?: string;
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
  attributes?: string;
  excludedAttributes?: string;
}

export interface ListLimits {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/**
 * Query parameters of `GET /Users` and `GET /Groups`. Parameter names are matched ignoring case: the
 * RFC's attribute names are case-insensitive (§3.10) and some clients capitalise `StartIndex`.
 */
export function parseListParams(query: Readonly<Record<string, string | undefined>>, limits: ListLimits): ListParams {
  const get = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    for (const [k, v] of Object.entries(query)) {
      if (k.toLowerCase() === lower && typeof v === 'string') return v;
    }
    return undefined;
  };
  return normalize(
    {
      startIndex: get('startIndex'),
      count: get('count'),
      cursor: get('cursor'),
      filter: get('filter'),
      sortBy: get('sortBy'),
      sortOrder: get('sortOrder'),
      attributes: get('attributes'),
      excludedAttributes: get('excludedAttributes'),
    },
    limits,
  );
}

/**
 * A `POST /.search` body (RFC 7644 §3.4.3): the same parameters, with `attributes` and
 * `excludedAttributes` as arrays of names and `startIndex`/`count` as JSON numbers.
 */
export function parseSearchRequest(body: unknown, limits: ListLimits): ListParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw scimErrors.invalidSyntax('A SearchRequest body must be a JSON object');
  }
  const request = body as Record<string, unknown>;
  const schemas = request.schemas;
  const isSearch = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase());
  if (!isSearch) throw scimErrors.invalidSyntax(`A SearchRequest body must list "${SEARCH_REQUEST_SCHEMA}" in schemas`);
  return normalize(
    {
      startIndex: request.startIndex,
      count: request.count,
      cursor: request.cursor,
      filter: optionalString(request.filter, 'filter'),
      sortBy: optionalString(request.sortBy, 'sortBy'),
      sortOrder: optionalString(request.sortOrder, 'sortOrder'),
      attributes: nameList(request.attributes, 'attributes'),
      excludedAttributes: nameList(request.excludedAttributes, 'excludedAttributes'),
    },
    limits,
  );
}

interface RawParams {
  startIndex: unknown;
  count: unknown;
  cursor: unknown;
  filter: string | undefined;
  sortBy: string | undefined;
  sortOrder: string | undefined;
  attributes: string | undefined;
  excludedAttributes: string | undefined;
}

/** RFC 9865 (the `cursor` parameter): cursors use only RFC 3986 §2.3 unreserved characters. */
const CURSOR_CHARS = /^[A-Za-z0-9\-._~]*$/;

function normalize(raw: RawParams, limits: ListLimits): ListParams {
  const startIndex = optionalInteger(raw.startIndex, 'startIndex');
  const count = optionalInteger(raw.count, 'count');
  const params: ListParams = {
    // RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1."
    startIndex: startIndex === undefined || startIndex < 1 ? 1 : startIndex,
    // RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as "0""; the service provider caps the rest.
    count: count === undefined ? Math.min(limits.defaultPageSize, limits.maxPageSize) : Math.min(Math.max(count, 0), limits.maxPageSize),
    sortOrder: parseSortOrder(raw.sortOrder),
  };
  if (raw.cursor !== undefined && raw.cursor !== null) {
    if (typeof raw.cursor !== 'string') throw scimErrors.invalidValue('cursor must be a string');
    if (startIndex !== undefined) throw scimErrors.invalidValue('Use either cursor or startIndex, not both (RFC 9865)');
    if (!CURSOR_CHARS.test(raw.cursor)) throw new ScimError(400, 'invalidCursor', 'The cursor is not one this server issued');
    params.cursor = raw.cursor;
  }
  const filter = nonEmpty(raw.filter);
  if (filter !== undefined) params.filter = filter;
  const sortBy = nonEmpty(raw.sortBy);
  if (sortBy !== undefined) params.sortBy = sortBy;
  const attributes = nonEmpty(raw.attributes);
  if (attributes !== undefined) params.attributes = attributes;
  const excludedAttributes = nonEmpty(raw.excludedAttributes);
  if (excludedAttributes !== undefined) params.excludedAttributes = excludedAttributes;
  return params;
}

/** Accepts JSON integers and integer strings (query values, or clients that quote numbers in bodies). */
function optionalInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (/^[+-]?\d{1,15}$/.test(text)) return Number(text);
  }
  throw scimErrors.invalidValue(`${name} must be an integer, got ${JSON.stringify(value)}`);
}

function parseSortOrder(value: string | undefined): 'ascending' | 'descending' {
  const text = value?.trim().toLowerCase();
  if (!text) return 'ascending';
  if (text === 'ascending' || text === 'descending') return text;
  throw scimErrors.invalidValue(`sortOrder must be "ascending" or "descending", got ${JSON.stringify(value)}`);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw scimErrors.invalidValue(`${name} must be a string`);
  return value;
}

/** RFC 7644 §3.4.3 sends the lists as arrays; a comma-separated string is accepted as well. */
function nameList(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  throw scimErrors.invalidValue(`${name} must be an array of attribute names`);
}

function nonEmpty(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}
