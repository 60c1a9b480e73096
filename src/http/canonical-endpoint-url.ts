/**
 * SCIM endpoint names are case-insensitive (RFC 7644 §3.10 makes attribute names so, and clients
 * apply it to endpoints: Microsoft's SCIM reference test collection sends `/users`). The segment
 * after the directory id is rewritten to its canonical spelling before routing; ids and every
 * later segment are left as sent.
 */
const ENDPOINTS = {
  v2: ['Users', 'Groups', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Bulk'],
  v1: ['Users', 'Groups', 'Schemas', 'ResourceTypes', 'ServiceProviderConfigs'],
} as const;

const CANONICAL: Readonly<Record<'v1' | 'v2', ReadonlyMap<string, string>>> = {
  v2: new Map(ENDPOINTS.v2.map((name) => [name.toLowerCase(), name])),
  v1: new Map(ENDPOINTS.v1.map((name) => [name.toLowerCase(), name])),
};

const ENDPOINT_SEGMENT = /^(\/scim\/(v[12])\/[^/?#]+\/)([^/?#]+)/;

export function canonicalEndpointUrl(url: string): string {
  const match = ENDPOINT_SEGMENT.exec(url);
  if (!match) return url;
  const [whole, head, version, segment] = match as unknown as [string, string, 'v1' | 'v2', string];
  const canonical = CANONICAL[version].get(segment.toLowerCase());
  return canonical === undefined || canonical === segment ? url : head + canonical + url.slice(whole.length);
}
