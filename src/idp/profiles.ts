import type { Quirk } from './idp-request.ts';
import { ENTRA_ADSCIM_GROUP_SCHEMA, normalizeEntraAdscimGroupSchema } from './quirks/entra-adscim-group-schema.ts';
import { ENTRA_BOOLEAN_STRING, normalizeEntraBooleanString } from './quirks/entra-boolean-string.ts';
import { ENTRA_CAPITALIZED_OP, normalizeEntraCapitalizedOp } from './quirks/entra-capitalized-op.ts';
import { ENTRA_ENTERPRISE_SCHEMA_TYPO, normalizeEntraEnterpriseSchemaTypo } from './quirks/entra-enterprise-schema-typo.ts';
import { ENTRA_EXPLICIT_NULLS, normalizeEntraExplicitNulls } from './quirks/entra-explicit-nulls.ts';
import { ENTRA_MANAGER_AS_ARRAY, normalizeEntraManagerArray } from './quirks/entra-manager-as-array.ts';
import { ENTRA_MANAGER_AS_STRING, normalizeEntraManagerString } from './quirks/entra-manager-as-string.ts';
import { ENTRA_REPLACE_FILTER_ADDS, normalizeEntraReplaceFilterAdds } from './quirks/entra-replace-filter-adds.ts';
import { ENTRA_REMOVE_MEMBERS_VALUE_LIST, normalizeEntraRemoveMembersValueList } from './quirks/entra-remove-members-value-list.ts';
import { ENTRA_UNQUOTED_FILTER_VALUE, normalizeEntraUnquotedFilterValue } from './quirks/entra-unquoted-filter-value.ts';
import { normalizeOktaMembersNull, OKTA_MEMBERS_NULL } from './quirks/okta-members-null.ts';
import { normalizeOktaPathlessActive, OKTA_PATHLESS_ACTIVE } from './quirks/okta-pathless-active.ts';
import { normalizeOktaReadOnlyEcho, OKTA_READ_ONLY_ECHO } from './quirks/okta-read-only-echo.ts';
import { normalizeOktaRenameWithId, OKTA_RENAME_WITH_ID } from './quirks/okta-rename-with-id.ts';

export const PROFILE_NAMES = ['okta', 'entra', 'entra-compliant', 'onelogin', 'jumpcloud', 'pingone', 'generic'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface IdpProfile {
  readonly name: ProfileName;
  /** Applied in this order; each sees the previous one's output. */
  readonly quirks: readonly Quirk[];
}

/** Every quirk Roster knows, by name (docs/idp-quirks.md has one row for each; a test checks). */
export const QUIRKS = {
  entraExplicitNulls: { name: ENTRA_EXPLICIT_NULLS, normalize: normalizeEntraExplicitNulls },
  entraEnterpriseSchemaTypo: { name: ENTRA_ENTERPRISE_SCHEMA_TYPO, normalize: normalizeEntraEnterpriseSchemaTypo },
  entraAdscimGroupSchema: { name: ENTRA_ADSCIM_GROUP_SCHEMA, normalize: normalizeEntraAdscimGroupSchema },
  entraCapitalizedOp: { name: ENTRA_CAPITALIZED_OP, normalize: normalizeEntraCapitalizedOp },
  entraBooleanString: { name: ENTRA_BOOLEAN_STRING, normalize: normalizeEntraBooleanString },
  entraManagerArray: { name: ENTRA_MANAGER_AS_ARRAY, normalize: normalizeEntraManagerArray },
  entraManagerString: { name: ENTRA_MANAGER_AS_STRING, normalize: normalizeEntraManagerString },
  entraRemoveMembersValueList: { name: ENTRA_REMOVE_MEMBERS_VALUE_LIST, normalize: normalizeEntraRemoveMembersValueList },
  entraUnquotedFilterValue: { name: ENTRA_UNQUOTED_FILTER_VALUE, normalize: normalizeEntraUnquotedFilterValue },
  entraReplaceFilterAdds: { name: ENTRA_REPLACE_FILTER_ADDS, normalize: normalizeEntraReplaceFilterAdds },
  oktaMembersNull: { name: OKTA_MEMBERS_NULL, normalize: normalizeOktaMembersNull },
  oktaRenameWithId: { name: OKTA_RENAME_WITH_ID, normalize: normalizeOktaRenameWithId },
  oktaPathlessActive: { name: OKTA_PATHLESS_ACTIVE, normalize: normalizeOktaPathlessActive },
  oktaReadOnlyEcho: { name: OKTA_READ_ONLY_ECHO, normalize: normalizeOktaReadOnlyEcho },
} as const satisfies Record<string, Quirk>;

const q = QUIRKS;

/** What Entra sends in both jobs: resource bodies, manager shapes and lookups do not depend on the flag. */
const ENTRA_COMMON: readonly Quirk[] = [
  q.entraExplicitNulls,
  q.entraEnterpriseSchemaTypo,
  q.entraAdscimGroupSchema,
  q.entraManagerArray,
  q.entraManagerString,
  q.entraUnquotedFilterValue,
  q.entraReplaceFilterAdds,
];

/**
 * The profiles. `entra` is Entra's default provisioning job; `entra-compliant` is the same tenant
 * with `?aadOptscim062020` in its tenant URL, whose PATCH follows RFC 7644 (lowercase ops, booleans,
 * `members[value eq "…"]` removals) [E2]. OneLogin, JumpCloud and PingOne have no documented
 * deviation that needs a rewrite: OneLogin's lowercase ops go through `entra-capitalized-op` and
 * come out unchanged. `generic` applies nothing unless detection recognizes the client.
 */
export const IDP_PROFILES: Readonly<Record<ProfileName, IdpProfile>> = {
  okta: { name: 'okta', quirks: [q.oktaMembersNull, q.oktaRenameWithId, q.oktaPathlessActive, q.oktaReadOnlyEcho] },
  entra: {
    name: 'entra',
    // The member removal goes first, so its log line shows the operation as Entra sent it.
    quirks: [...ENTRA_COMMON, q.entraRemoveMembersValueList, q.entraCapitalizedOp, q.entraBooleanString],
  },
  // The flag's job removes members by filter; a value-list removal, should one come, is still made explicit.
  'entra-compliant': { name: 'entra-compliant', quirks: [...ENTRA_COMMON, q.entraRemoveMembersValueList] },
  onelogin: { name: 'onelogin', quirks: [q.entraCapitalizedOp] },
  jumpcloud: { name: 'jumpcloud', quirks: [] },
  pingone: { name: 'pingone', quirks: [] },
  generic: { name: 'generic', quirks: [] },
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
