/** The SCIM operation of a route pattern and method, as the request log and the metrics name it. */
const COLLECTION: Readonly<Record<string, string>> = { GET: 'list', POST: 'create' };
const RESOURCE: Readonly<Record<string, string>> = { GET: 'read', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/**
 * `User.create`, `Group.patch`, `User.search`, `Bulk`, `search` (`/.search`), `discovery`, or
 * `unknown` for a path no route matched (its 404 is logged too).
 */
export function scimOperation(method: string, pattern: string | undefined): string {
  if (!pattern) return 'unknown';
  const match = /\/scim\/v[12]\/:directoryId(\/.*)?$/.exec(pattern);
  const rest = match?.[1] ?? '';
  const typed = /^\/(Users|Groups)(\/\.search|\/:id)?$/.exec(rest);
  if (typed) {
    const type = typed[1] === 'Users' ? 'User' : 'Group';
    if (typed[2] === '/.search') return `${type}.search`;
    const verb = (typed[2] === undefined ? COLLECTION : RESOURCE)[method];
    return verb ? `${type}.${verb}` : `${type}.other`;
  }
  if (rest === '/Bulk') return 'Bulk';
  if (rest === '/.search') return 'search';
  return 'discovery';
}
