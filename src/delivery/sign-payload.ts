import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `Roster-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'roster-signature';
/** How old a signed timestamp a receiver should accept (docs/webhooks.md): 5 minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256 with the endpoint's secret over `${timestamp}.${body}`, as the header's value. */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/**
 * What a receiver does (docs/webhooks.md shows the same in a few lines): the signature must match
 * the raw body, and the timestamp be within the tolerance, so a captured delivery cannot be
 * replayed later. Several `v1=` entries may appear (during a secret rotation); one matching is enough.
 */
export function verifySignature(secret: string, body: string, header: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): boolean {
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
