import { isPlainObject, readMember } from './idp-request.ts';
import { ADSCIM_GROUP_SCHEMA } from './quirks/entra-adscim-group-schema.ts';
import { ENTERPRISE_SCHEMA_TYPO } from './quirks/entra-enterprise-schema-typo.ts';
import type { ProfileName } from './profiles.ts';

export interface ClientSignals {
  /** The request URL with its query string (`/scim/v2/…/Users?aadOptscim062020`). */
  readonly url: string;
  readonly userAgent: string | undefined;
  readonly body: unknown;
}

export interface Detection {
  readonly profile: ProfileName;
  /** What gave the client away, for the log. */
  readonly by: 'user-agent' | 'tenant-url-flag' | 'request-shape';
}

/** Entra's tenant-URL flag for RFC-compliant PATCH [E2]; only Entra sends it. */
export function hasAadOptFlag(url: string): boolean {
  const q = url.indexOf('?');
  return q >= 0 && /(?:^|&)aadoptscim062020(?:[=&]|$)/i.test(url.slice(q + 1));
}

const ENTRA_SCHEMAS: ReadonlySet<string> = new Set([ADSCIM_GROUP_SCHEMA.toLowerCase(), ENTERPRISE_SCHEMA_TYPO.toLowerCase()]);
/** Entra's default job spells ops with a capital (`Add`, `Replace`, `Remove`) [E1]; no other documented client does. */
const ENTRA_OP = /^(?:Add|Replace|Remove)$/;

/**
 * Recognizes a known client for a `generic` directory, only from evidence that no other client
 * produces: Okta's `User-Agent: Okta SCIM Client …` [O1]; Entra's `aadOptscim062020` tenant-URL flag,
 * Microsoft-only schema URIs, or capitalized PATCH ops [E1, E2]. Entra sometimes sends no
 * User-Agent [I1], so a missing one proves nothing; undefined means "treat as RFC 7644 client".
 */
export function detectIdp(signals: ClientSignals): Detection | undefined {
  if (signals.userAgent !== undefined && /^Okta SCIM Client\b/i.test(signals.userAgent)) return { profile: 'okta', by: 'user-agent' };
  if (hasAadOptFlag(signals.url)) return { profile: 'entra-compliant', by: 'tenant-url-flag' };
  if (!isPlainObject(signals.body)) return undefined;
  const schemas = readMember(signals.body, 'schemas');
  if (Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && ENTRA_SCHEMAS.has(s.trim().toLowerCase()))) {
    return { profile: 'entra', by: 'request-shape' };
  }
  const operations = readMember(signals.body, 'Operations');
  if (Array.isArray(operations) && operations.some((o) => isPlainObject(o) && typeof o.op === 'string' && ENTRA_OP.test(o.op))) {
    return { profile: 'entra', by: 'request-shape' };
  }
  return undefined;
}
