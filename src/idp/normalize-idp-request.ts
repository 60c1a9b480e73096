import type { IdpRequest, Rewrite } from './idp-request.ts';
import type { IdpProfile } from './profiles.ts';

export interface NormalizedRequest {
  readonly request: IdpRequest;
  /** Everything the profile's quirks rewrote, in order; empty when the request is unchanged. */
  readonly rewrites: readonly Rewrite[];
}

/**
 * Runs a profile's quirk normalizers in order. The input is never modified: when nothing matches,
 * the same request comes back, so the protocol layer sees exactly what the client sent.
 */
export function normalizeIdpRequest(profile: IdpProfile, request: IdpRequest): NormalizedRequest {
  let current = request;
  const rewrites: Rewrite[] = [];
  for (const quirk of profile.quirks) {
    const outcome = quirk.normalize(current);
    if (outcome.changes.length === 0) continue;
    current = outcome.request;
    for (const change of outcome.changes) rewrites.push({ quirk: quirk.name, ...change });
  }
  return { request: current, rewrites };
}

/** The distinct quirk names, in first-seen order: the value of `x-roster-rewrites`. */
export function rewriteNames(rewrites: readonly Rewrite[]): string[] {
  return [...new Set(rewrites.map((r) => r.quirk))];
}
