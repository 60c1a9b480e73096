import type { IdpName } from '../directories/idp-names.ts';
import type { AttributeMapping, DirectoryRules, ValueSource } from './rule-schemas.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const path = (p: string): ValueSource => ({ path: p });

/**
 * The rules a new directory starts with, by IdP (src/idp/profiles.ts, /work/shared/idp-requests.md).
 * Okta and Entra both send `emails` with `primary` and `type: "work"`; the email falls back to the
 * first address, then to `userName` when it is an email address (Okta's login, Entra's user
 * principal name). The display name falls back to "given family", then to the userName, because
 * Entra's create body carries no `displayName`.
 */
export function defaultRules(_idp: IdpName): DirectoryRules {
  // Last, the userName when it is an email address (Okta's login and Entra's UPN usually are): the
  // replace empties a userName without an `@`, and firstOf skips empty values.
  const email: ValueSource[] = [path('emails[primary eq true].value'), path('emails[type eq "work"].value'), path('emails.value'), { replace: path('userName'), pattern: '^[^@]*$', with: '' }];
  const attributes: AttributeMapping = {
    fields: {
      userName: path('userName'),
      email: { firstOf: email },
      displayName: {
        firstOf: [path('displayName'), { concat: [path('name.givenName'), path('name.familyName')], separator: ' ' }, path('userName')],
      },
      givenName: path('name.givenName'),
      familyName: path('name.familyName'),
      title: path('title'),
      department: path(`${ENTERPRISE}:department`),
      manager: path(`${ENTERPRISE}:manager.value`),
      locale: path('locale'),
      timezone: path('timezone'),
    },
    custom: {},
  };
  return {
    attributes,
    sync: { allowCreate: true, allowUpdate: true, allowDeactivate: true, onDelete: 'deactivate', autoReactivate: true, outsideDomains: 'external' },
    groups: { mode: 'on_the_fly', include: [], exclude: [], keepExisting: true },
  };
}
