/**
 * Errors of the admin side of the domain (directories, tokens, keys), rendered by the admin API as
 * `{ "error": { "code", "message" } }` and by the CLI as a message. Codes are `area.reason`.
 */
export type DomainErrorCode =
  | 'directory.not_found'
  | 'directory.invalid'
  | 'directory.attribute_in_use'
  | 'token.not_found'
  | 'token.invalid'
  | 'admin_key.not_found'
  | 'request.invalid'
  | 'event.invalid'
  | 'event.cursor_invalid'
  | 'event.cursor_expired'
  | 'webhook.not_found'
  | 'webhook.invalid'
  | 'webhook.delivery_not_found'
  | 'webhook.encryption_key_missing'
  | 'auth.invalid'
  | 'auth.invalid_credentials'
  | 'auth.forbidden'
  | 'auth.csrf'
  | 'auth.rate_limited'
  | 'setup.invalid_token'
  | 'setup.done'
  | 'admin.not_found'
  | 'admin.invalid'
  | 'admin.email_taken'
  | 'admin.last_owner'
  | 'account.not_found'
  | 'account.invalid'
  | 'org_group.not_found'
  | 'org_group.invalid'
  | 'org_group.name_taken'
  | 'org_group.default_synced'
  | 'app.not_found'
  | 'app.invalid'
  | 'app.name_taken'
  | 'app_key.invalid'
  | 'rules.invalid'
  | 'domain.invalid'
  | 'deprovision.not_found'
  | 'deprovision.decided';

/** Every admin-side error code and its HTTP status; docs/errors.md lists each (a test checks). */
export const DOMAIN_ERROR_STATUS: Readonly<Record<DomainErrorCode, number>> = {
  'directory.not_found': 404,
  'directory.invalid': 400,
  // The directory's rules read the attribute: removing it would silently empty the fields they map.
  'directory.attribute_in_use': 409,
  'token.not_found': 404,
  'token.invalid': 400,
  'admin_key.not_found': 404,
  'request.invalid': 400,
  'event.invalid': 400,
  'event.cursor_invalid': 400,
  // Gone: the events after this cursor were deleted by retention; the error names the oldest cursor.
  'event.cursor_expired': 410,
  'webhook.not_found': 404,
  'webhook.invalid': 400,
  'webhook.delivery_not_found': 404,
  'webhook.encryption_key_missing': 503,
  'auth.invalid': 401,
  'auth.invalid_credentials': 401,
  'auth.forbidden': 403,
  'auth.csrf': 403,
  // With Retry-After: the seconds until the oldest counted failure leaves the window.
  'auth.rate_limited': 429,
  'setup.invalid_token': 401,
  'setup.done': 409,
  'admin.not_found': 404,
  'admin.invalid': 400,
  'admin.email_taken': 409,
  'admin.last_owner': 409,
  'account.not_found': 404,
  'account.invalid': 400,
  'org_group.not_found': 404,
  'org_group.invalid': 400,
  'org_group.name_taken': 409,
  // Atlassian warns of the same collision: a synced group's members come and go with the IdP.
  'org_group.default_synced': 409,
  'app.not_found': 404,
  'app.invalid': 400,
  'app.name_taken': 409,
  'app_key.invalid': 401,
  'rules.invalid': 400,
  'domain.invalid': 400,
  'deprovision.not_found': 404,
  'deprovision.decided': 409,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra fields the API adds to the error object (e.g. `oldestCursor` of a 410). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = DOMAIN_ERROR_STATUS[code];
  }
}
