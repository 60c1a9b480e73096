import { describe, expect, it } from 'vitest';
import { LIST_RESPONSE_SCHEMA, listResponse, listResponseHead, parseListParams, parseSearchRequest, SEARCH_REQUEST_SCHEMA } from './list-response.ts';
import { ScimError } from './scim-error.ts';

const limits = { defaultPageSize: 100, maxPageSize: 500 };

function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('listResponse (RFC 7644 §3.4.2)', () => {
  it('gives exactly the zero-result body Okta expects from its existence check', () => {
    const body = listResponse([], { totalResults: 0 });
    expect(JSON.stringify(body)).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}',
    );
  });

  it('reports the page: startIndex as requested, itemsPerPage as returned', () => {
    const body = listResponse([{ id: 'a' }, { id: 'b' }], { totalResults: 250, startIndex: 101 });
    expect(body).toEqual({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: 250, startIndex: 101, itemsPerPage: 2, Resources: [{ id: 'a' }, { id: 'b' }] });
  });

  it('turns driver counts (bigint, numeric string) into JSON integers', () => {
    expect(listResponse([], { totalResults: 12n }).totalResults).toBe(12);
    expect(listResponse([], { totalResults: '42' }).totalResults).toBe(42);
    expect(() => listResponse([], { totalResults: 1.5 })).toThrow(TypeError);
    expect(() => listResponse([], { totalResults: 'lots' })).toThrow(TypeError);
  });

  it('leaves startIndex out of cursor pages and carries the cursors (RFC 9865)', () => {
    const body = listResponse([{ id: 'a' }], { totalResults: 3, nextCursor: 'VZUTiyhEQJ94IR', previousCursor: 'ze7L30kMiiLX6x' });
    expect(body).not.toHaveProperty('startIndex');
    expect(body).toMatchObject({ nextCursor: 'VZUTiyhEQJ94IR', previousCursor: 'ze7L30kMiiLX6x', itemsPerPage: 1 });
    expect(listResponse([], { totalResults: 3, paging: 'cursor' })).not.toHaveProperty('startIndex');
  });

  it('keeps Resources last, after the paging numbers', () => {
    expect(Object.keys(listResponse([], { totalResults: 0, nextCursor: 'x' })).at(-1)).toBe('Resources');
  });
});

describe('parseListParams (RFC 7644 §3.4.2.4)', () => {
  it('defaults to the first page of the default size, ascending', () => {
    expect(parseListParams({}, limits)).toEqual({ startIndex: 1, count: 100, sortOrder: 'ascending' });
  });

  it('reads Okta import paging', () => {
    expect(parseListParams({ startIndex: '101', count: '100' }, limits)).toMatchObject({ startIndex: 101, count: 100 });
  });

  it('treats startIndex below 1 as 1 and negative count as 0', () => {
    expect(parseListParams({ startIndex: '0', count: '-5' }, limits)).toMatchObject({ startIndex: 1, count: 0 });
    expect(parseListParams({ startIndex: '-3' }, limits).startIndex).toBe(1);
  });

  it('caps count at the maximum page size', () => {
    expect(parseListParams({ count: '10000' }, limits).count).toBe(500);
  });

  it('rejects non-integers with 400 invalidValue', () => {
    for (const query of [{ count: 'ten' }, { count: '1.5' }, { startIndex: '1e3' }, { startIndex: '0x10' }]) {
      expect(scimErrorOf(() => parseListParams(query, limits))).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
  });

  it('ignores empty values and surrounding blanks', () => {
    expect(parseListParams({ startIndex: '', count: ' 20 ', filter: '', attributes: ' ' }, limits)).toEqual({
      startIndex: 1,
      count: 20,
      sortOrder: 'ascending',
    });
  });

  it('passes filter, sortBy and projection lists through', () => {
    const query = { filter: 'userName eq "a"', sortBy: 'userName', sortOrder: 'descending', attributes: 'userName', excludedAttributes: 'groups' };
    expect(parseListParams(query, limits)).toEqual({ startIndex: 1, count: 100, ...query });
  });

  it('matches parameter names ignoring case', () => {
    expect(parseListParams({ StartIndex: '5', COUNT: '7', ExcludedAttributes: 'members' }, limits)).toMatchObject({
      startIndex: 5,
      count: 7,
      excludedAttributes: 'members',
    });
  });

  it('accepts sortOrder in any case and rejects other values with 400 invalidValue', () => {
    expect(parseListParams({ sortOrder: 'Descending' }, limits).sortOrder).toBe('descending');
    expect(scimErrorOf(() => parseListParams({ sortOrder: 'desc' }, limits))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('reads an empty cursor as "first cursor page" (RFC 9865 `?cursor`)', () => {
    expect(parseListParams({ cursor: '', count: '10' }, limits)).toEqual({ startIndex: 1, count: 10, cursor: '', sortOrder: 'ascending' });
    expect(parseListParams({ cursor: 'VZUTiyhEQJ94IR' }, limits).cursor).toBe('VZUTiyhEQJ94IR');
  });

  it('rejects cursor together with startIndex with 400 invalidValue', () => {
    expect(scimErrorOf(() => parseListParams({ cursor: '', startIndex: '1' }, limits))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('rejects a cursor with characters outside RFC 3986 unreserved with 400 invalidCursor', () => {
    expect(scimErrorOf(() => parseListParams({ cursor: 'a b/c' }, limits))).toMatchObject({ status: 400, scimType: 'invalidCursor' });
  });
});

describe('parseSearchRequest (RFC 7644 §3.4.3)', () => {
  it('reads the RFC example body, joining attribute arrays', () => {
    const body = {
      schemas: [SEARCH_REQUEST_SCHEMA],
      attributes: ['displayName', 'userName'],
      excludedAttributes: ['groups'],
      filter: 'displayName sw "smith"',
      startIndex: 1,
      count: 10,
    };
    expect(parseSearchRequest(body, limits)).toEqual({
      startIndex: 1,
      count: 10,
      sortOrder: 'ascending',
      attributes: 'displayName,userName',
      excludedAttributes: 'groups',
      filter: 'displayName sw "smith"',
    });
  });

  it('applies the same paging rules as the query string', () => {
    const body = { schemas: [SEARCH_REQUEST_SCHEMA], startIndex: -1, count: 9999, sortOrder: 'descending' };
    expect(parseSearchRequest(body, limits)).toMatchObject({ startIndex: 1, count: 500, sortOrder: 'descending' });
    expect(parseSearchRequest({ schemas: [SEARCH_REQUEST_SCHEMA], cursor: '', count: 10 }, limits).cursor).toBe('');
  });

  it('requires the SearchRequest schema', () => {
    expect(scimErrorOf(() => parseSearchRequest({ filter: 'userName eq "a"' }, limits))).toMatchObject({ status: 400 });
    expect(scimErrorOf(() => parseSearchRequest({ schemas: [LIST_RESPONSE_SCHEMA] }, limits))).toMatchObject({ status: 400 });
    expect(scimErrorOf(() => parseSearchRequest(null, limits))).toMatchObject({ status: 400 });
  });

  it('rejects badly typed members with 400 invalidValue', () => {
    for (const extra of [{ count: 1.5 }, { count: true }, { attributes: [1] }, { filter: 42 }, { cursor: 7 }, { cursor: '', startIndex: 1 }]) {
      const error = scimErrorOf(() => parseSearchRequest({ schemas: [SEARCH_REQUEST_SCHEMA], ...extra }, limits));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    }
  });
});

describe('listResponseHead', () => {
  it('opens the same document listResponse builds, key for key', () => {
    for (const meta of [{ totalResults: 3, itemsPerPage: 1, startIndex: 2 }, { totalResults: 3, itemsPerPage: 1, nextCursor: 'abc' }]) {
      const whole = JSON.stringify(listResponse([{ id: 'x' }], meta.nextCursor ? { ...meta, paging: 'cursor' as const } : meta));
      expect(`${listResponseHead(meta)}${JSON.stringify({ id: 'x' })}]}`).toBe(whole);
    }
  });
});
