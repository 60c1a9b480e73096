// The SCIM requests the benchmark sends, shaped like Okta's (../shared/idp-requests.md), and the few
// helpers that send them. Names and bodies are derived from a user's index, so no phase needs to keep
// more than the ids the server assigned.
import type { Dispatcher, Pool } from 'undici';
import type { Outcome } from './load.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const ERROR_BODY_CHARS = 300;
/** undici's `dump()` closes the connection past 128 KiB by default; read large bodies to the end instead. */
export const DUMP_ALL = { limit: 1 << 30 } as const;

/** What the phases need of an undici Pool; also a round-robin over several nodes' pools. */
export interface Requester {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
}

export interface ScimTarget {
  readonly pool: Requester;
  /** `/scim/v2/<directoryId>`, without a trailing slash. */
  readonly basePath: string;
  readonly readHeaders: Record<string, string>;
  readonly writeHeaders: Record<string, string>;
}

/**
 * Sends request n to pools[n % pools.length]: a round-robin load balancer in front of several nodes.
 * `sent[i]` counts the requests pool i got.
 */
export function roundRobin(pools: readonly Pool[]): Requester & { readonly sent: number[] } {
  const sent = pools.map(() => 0);
  let next = 0;
  return {
    sent,
    request(options) {
      const at = next;
      next = (next + 1) % pools.length;
      sent[at] += 1;
      return pools[at].request(options);
    },
  };
}

export function createScimTarget(pool: Requester, basePath: string, token: string): ScimTarget {
  const common = {
    authorization: `Bearer ${token}`,
    accept: SCIM_CONTENT_TYPE,
    'user-agent': 'Okta SCIM Client 1.0.0',
  };
  return {
    pool,
    basePath: basePath.replace(/\/+$/, ''),
    readHeaders: common,
    writeHeaders: { ...common, 'content-type': SCIM_CONTENT_TYPE },
  };
}

export function userName(index: number): string {
  return `bench.user.${index}@example.com`;
}

/** userName with `@` percent-encoded, ready for a query string. */
function encodedUserName(index: number): string {
  return `bench.user.${index}%40example.com`;
}

/** An Okta-looking user id (`00u…`, 20 characters) unique per index. */
export function externalId(index: number): string {
  return `00ub${index.toString(36).padStart(16, '0')}`;
}

/** Okta's create body [O1], with a unique userName, externalId and email. */
export function createUserBody(index: number): string {
  const name = userName(index);
  return (
    `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"${name}",` +
    `"name":{"givenName":"Bench","familyName":"User${index}"},` +
    `"emails":[{"primary":true,"value":"${name}","type":"work"}],"displayName":"Bench User${index}",` +
    `"locale":"en-US","externalId":"${externalId(index)}","groups":[],"password":"1mz050nq","active":true}`
  );
}

/** Okta's existence check before a create [O1]. */
export function userNameFilterPath(basePath: string, index: number): string {
  return `${basePath}/Users?filter=userName%20eq%20%22${encodedUserName(index)}%22&startIndex=1&count=100`;
}

/** Okta's deactivation, without `path` [O1]; the same string for every request. */
export const DEACTIVATE_BODY =
  '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}';

export function createGroupBody(displayName: string): string {
  return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":${JSON.stringify(displayName)},"members":[]}`;
}

export interface Member {
  readonly id: string;
  readonly display: string;
}

/** Okta's membership delta: one `add` on `members` holding every new member. */
export function addMembersBody(members: readonly Member[]): string {
  const values = members.map((member) => `{"value":"${member.id}","display":"${member.display}"}`).join(',');
  return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[${values}]}]}`;
}

/** Okta's removal: one `remove` op per member, addressed by a value filter (`members[value eq "…"]`). */
export function removeMembersBody(memberIds: readonly string[]): string {
  const operations = memberIds
    .map((id) => `{"op":"remove","path":"members[value eq \\"${id}\\"]"}`)
    .join(',');
  return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[${operations}]}`;
}

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

/** Describes a failed response for the error samples (reads and discards the body). */
export async function describeFailure(
  what: string,
  statusCode: number,
  body: Dispatcher.ResponseData['body'],
): Promise<string> {
  let text: string;
  try {
    text = await body.text();
  } catch (error) {
    text = `<body unreadable: ${(error as Error).message}>`;
  }
  return `${what} → ${statusCode} ${text.slice(0, ERROR_BODY_CHARS)}`;
}

export interface TextResponse {
  readonly statusCode: number;
  readonly text: string;
}

/** One request whose whole body is read as text; for the sequential and untimed parts. */
export async function sendText(
  target: ScimTarget,
  method: Dispatcher.HttpMethod,
  path: string,
  body?: string,
): Promise<TextResponse> {
  const response = await target.pool.request({
    method,
    path,
    headers: body === undefined ? target.readHeaders : target.writeHeaders,
    body,
  });
  return { statusCode: response.statusCode, text: await response.body.text() };
}

/** Like `sendText`, but only reports success or a failure description. */
export async function sendChecked(
  target: ScimTarget,
  method: Dispatcher.HttpMethod,
  path: string,
  body?: string,
): Promise<Outcome> {
  const response = await target.pool.request({
    method,
    path,
    headers: body === undefined ? target.readHeaders : target.writeHeaders,
    body,
  });
  if (!isSuccess(response.statusCode)) {
    return describeFailure(`${method} ${path}`, response.statusCode, response.body);
  }
  await response.body.dump(DUMP_ALL);
  return true;
}
