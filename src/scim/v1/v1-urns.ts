/**
 * The schema URNs of SCIM 1.1 (draft-scim-core-schema-01) and their SCIM 2.0 counterparts. In 1.1 one
 * core schema holds both User and Group attributes, so its URN maps to the 2.0 core schema of the
 * resource type at hand; URNs without a 1.1 form (a directory's custom extension, Okta's group
 * extension) are the same in both versions.
 */
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type ResourceTypeName } from '../schemas/resource-types.ts';

/** draft-scim-core-schema-01 §5–6: User and Group attributes, and the 1.1 messages (list, config). */
export const CORE_V1_SCHEMA = 'urn:scim:schemas:core:1.0';
/** draft-scim-core-schema-01 §11. */
export const ENTERPRISE_V1_SCHEMA = 'urn:scim:schemas:extension:enterprise:1.0';
/** Okta's SCIM 1.1 apps send a pushed group's description under this key. */
export const OKTA_GROUP_SCHEMA = 'urn:okta:custom:group:1.0';
/** Okta's on-premises agent reads its capabilities from this block of `/ServiceProviderConfigs`. */
export const OKTA_PROVIDER_CONFIG_SCHEMA = 'urn:okta:schemas:scim:providerconfig:1.0';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The 2.0 URN a 1.1 URN stands for in a resource of `type`; unknown URNs pass through unchanged. */
export function toV2Urn(urn: string, type: ResourceTypeName): string {
  if (same(urn, CORE_V1_SCHEMA)) return type === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
  if (same(urn, ENTERPRISE_V1_SCHEMA)) return ENTERPRISE_USER_SCHEMA;
  return urn;
}

/** The 1.1 URN of a 2.0 URN; URNs without a 1.1 form pass through unchanged. */
export function toV1Urn(urn: string): string {
  if (same(urn, USER_SCHEMA) || same(urn, GROUP_SCHEMA)) return CORE_V1_SCHEMA;
  if (same(urn, ENTERPRISE_USER_SCHEMA)) return ENTERPRISE_V1_SCHEMA;
  return urn;
}

export function isCoreV1(urn: string): boolean {
  return same(urn, CORE_V1_SCHEMA);
}

export function isEnterpriseUrn(urn: string): boolean {
  return same(urn, ENTERPRISE_V1_SCHEMA) || same(urn, ENTERPRISE_USER_SCHEMA);
}
