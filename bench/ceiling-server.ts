// The ceiling: a bare `node:http` server that answers every request with one fixed JSON body (a
// one-user SCIM ListResponse, about the size of a real `userName eq` answer). Driven with the same
// load as Roster, it shows how many requests per second this machine can serve at all with the load
// generator on the same cores; no SCIM server can beat it.
//
// Run as its own process: PORT=<port> HOST=127.0.0.1 node --import tsx bench/ceiling-server.ts
import { createServer } from 'node:http';

const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '00ub0000000000000001',
  userName: 'bench.user.1@example.com',
  name: { givenName: 'Bench', familyName: 'User1' },
  emails: [{ primary: true, value: 'bench.user.1@example.com', type: 'work' }],
  displayName: 'Bench User1',
  locale: 'en-US',
  active: true,
  groups: [],
  meta: {
    resourceType: 'User',
    created: '2025-01-01T00:00:00.000Z',
    lastModified: '2025-01-01T00:00:00.000Z',
    location: 'http://127.0.0.1/scim/v2/00000000-0000-0000-0000-000000000000/Users/2819c223-7f76-453a-919d-413861904646',
    version: 'W/"1"',
  },
};
const body = Buffer.from(
  JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: 1,
    startIndex: 1,
    itemsPerPage: 1,
    Resources: [user],
  }),
);
const headers = {
  'content-type': 'application/scim+json',
  'content-length': String(body.length),
};

const server = createServer((request, response) => {
  // Drain any request body, then answer; the body never changes.
  request.resume();
  response.writeHead(200, headers);
  response.end(body);
});
server.keepAliveTimeout = 60_000;

const port = Number(process.env.PORT ?? '0');
server.listen(port, process.env.HOST ?? '127.0.0.1');

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
