import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LIST_RESPONSE_SCHEMA, parseSearchRequest } from '../../scim/list-response.ts';
import { SCIM_CONTENT_TYPE } from '../render-error.ts';
import type { ScimDeps } from './scim-deps.ts';

interface ListBody {
  totalResults: number;
  Resources?: unknown[];
}

/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3): Users, then Groups, paged as one list. A
 * filter naming an attribute one type lacks matches nothing of that type rather than failing the
 * search. Cursor paging is per resource type, so it is refused here.
 */
export function registerRootSearchRoute(app: FastifyInstance, deps: ScimDeps) {
  const limits = { defaultPageSize: deps.config.limits.defaultPageSize, maxPageSize: deps.config.limits.maxPageSize };
  app.post('/.search', async (request: FastifyRequest, reply) => {
    const params = parseSearchRequest(request.body, limits);
    if (params.cursor !== undefined) {
      return reply.code(400).type(SCIM_CONTENT_TYPE).send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: 'cursor paging is available on /Users/.search and /Groups/.search' });
    }
    const base = request.url.replace(/\/\.search$/, '');
    const search = async (type: 'Users' | 'Groups', startIndex: number, count: number): Promise<ListBody> => {
      const { cursor: _ignored, ...rest } = params;
      const body = { ...(request.body as object), ...rest, startIndex, count, attributes: params.attributes?.split(','), excludedAttributes: params.excludedAttributes?.split(',') };
      const res = await app.inject({ method: 'POST', url: `${base}/${type}/.search`, headers: { authorization: request.headers.authorization ?? '', host: request.headers.host ?? 'localhost', 'content-type': 'application/scim+json' }, payload: JSON.stringify(body) });
      if (res.statusCode === 400 && res.json().scimType === 'invalidFilter') return { totalResults: 0, Resources: [] };
      if (res.statusCode !== 200) {
        reply.code(res.statusCode);
        throw Object.assign(new Error('search failed'), { passthrough: res });
      }
      return res.json();
    };
    try {
      const users = await search('Users', params.startIndex, params.count);
      const got = users.Resources?.length ?? 0;
      const groupsStart = Math.max(1, params.startIndex - users.totalResults);
      const groups = await search('Groups', groupsStart, params.count - got);
      const resources = [...(users.Resources ?? []), ...(groups.Resources ?? [])];
      return reply.type(SCIM_CONTENT_TYPE).send({
        schemas: [LIST_RESPONSE_SCHEMA],
        totalResults: users.totalResults + groups.totalResults,
        startIndex: params.startIndex,
        itemsPerPage: resources.length,
        Resources: resources,
      });
    } catch (error) {
      const res = (error as { passthrough?: { body: string } }).passthrough;
      if (!res) throw error;
      return reply.type(SCIM_CONTENT_TYPE).send(res.body);
    }
  });
}
