/**
 * Errors of the admin side of the domain (directories, tokens, keys), rendered by the admin API as
 * `{ "error": { "code", "message" } }` and by the CLI as a message. Codes are `area.reason`.
 */
export type DomainErrorCode =
  | 'directory.not_found'
  | 'directory.invalid'
  | 'token.not_found'
  | 'token.invalid'
  | 'admin_key.not_found'
  | 'request.invalid';

/** Every admin-side error code and its HTTP status; docs/errors.md lists each (a test checks). */
export const DOMAIN_ERROR_STATUS: Readonly<Record<DomainErrorCode, number>> = {
  'directory.not_found': 404,
  'directory.invalid': 400,
  'token.not_found': 404,
  'token.invalid': 400,
  'admin_key.not_found': 404,
  'request.invalid': 400,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = DOMAIN_ERROR_STATUS[code];
  }
}
