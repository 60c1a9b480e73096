import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../../domain/domain-error.ts';

/**
 * The admin API's inputs, validated at the edge with the same schema library as the config
 * (src/config/load-config.ts): types, ranges and lengths here; the domain keeps the rules that
 * need its state (a name already taken, an expiry in the past). A bad input is a 400 that names
 * the field, in the area's own error code.
 */

/** One field of the input is wrong: rendered as `{"error":{"code","message","field"}}`. */
export class AdminInputError extends DomainError {
  constructor(
    code: DomainErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(code, `${field}: ${message}`);
  }
}

/** Grace periods beyond this are a token that is never really rotated. */
export const MAX_GRACE_SECONDS = 30 * 24 * 3600;
const NAME_MAX = 200;
const LABEL_MAX = 200;
/** Well above any real password; bounds the work a verify-password call can ask of scrypt. */
const PASSWORD_MAX = 1024;

const name = z.string().trim().min(1, 'must not be empty').max(NAME_MAX, `must be at most ${NAME_MAX} characters`);

/** The directory and token inputs, by name: [schema, the error code of an input it refuses]. */
export const ADMIN_INPUTS = {
  createDirectory: [z.object({ name, idp: z.string().max(64).optional() }), 'directory.invalid'],
  updateDirectory: [
    z.object({
      name: name.optional(),
      idp: z.string().max(64).optional(),
      status: z.enum(['active', 'paused']).optional(),
      passwordMode: z.enum(['ignore', 'store']).optional(),
      ipAllowlist: z.array(z.string().max(64)).max(100).nullable().optional(),
    }),
    'directory.invalid',
  ],
  addAttribute: [
    z.object({
      name: z.string().min(1).max(64, 'must be at most 64 characters'),
      type: z.string().max(32).optional(),
      multiValued: z.boolean().optional(),
      caseExact: z.boolean().optional(),
      description: z.string().max(500, 'must be at most 500 characters').optional(),
    }),
    'directory.invalid',
  ],
  verifyPassword: [z.object({ userName: z.string().max(1024), password: z.string().max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`) }), 'request.invalid'],
  createToken: [
    z.object({
      label: z.string().max(LABEL_MAX, `must be at most ${LABEL_MAX} characters`).nullable().optional(),
      // A calendar-valid RFC 3339 date-time with a zone (Z or ±hh:mm), years 0000–9999.
      expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-01T00:00:00Z' }).nullable().optional(),
    }),
    'token.invalid',
  ],
  rotateToken: [
    z.object({
      graceSeconds: z
        .number({ message: 'must be a number of seconds' })
        .int('must be a whole number of seconds')
        .min(0, 'must be zero or more')
        .max(MAX_GRACE_SECONDS, `must be at most ${MAX_GRACE_SECONDS} (30 days)`)
        .default(3600),
    }),
    'token.invalid',
  ],
} as const;
