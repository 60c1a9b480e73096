import { isPlainObject, readMember } from './idp-request.ts';

export const REDACTED = '[redacted]';

/** `password`, or a schema-qualified `urn:…:password` (RFC 7644 §3.10). */
function isPasswordName(name: string): boolean {
  return /(?:^|:)password$/i.test(name.trim());
}

/**
 * A copy of a request body safe to log: every `password` key (at any depth, any case) and the
 * `value` of every PATCH operation whose path is `password` become "[redacted]" (RFC 7643 §7:
 * passwords are write-only and never returned; Roster never logs them either). Pino's own redaction
 * only reaches fixed paths, and a PatchOp hides the password under `Operations[i].value`.
 */
export function redactPasswords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPasswords);
  if (!isPlainObject(value)) return value;
  const path = readMember(value, 'path');
  const pathIsPassword = typeof path === 'string' && isPasswordName(path);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isPasswordName(key) || (pathIsPassword && key.toLowerCase() === 'value')) out[key] = REDACTED;
    else out[key] = redactPasswords(item);
  }
  return out;
}
