import { detectIdp, hasAadOptFlag, type ClientSignals, type Detection } from './detect-idp.ts';
import { IDP_PROFILES, isProfileName, type IdpProfile } from './profiles.ts';

export interface ResolvedProfile {
  readonly profile: IdpProfile;
  /** Set when a `generic` directory's client was recognized. */
  readonly detected?: Detection;
}

/**
 * The profile for one request of a directory whose `idp` column is `idp`: its own profile, except
 * that an `entra` directory whose tenant URL carries `aadOptscim062020` (any case) is
 * `entra-compliant`, and a `generic` directory uses the profile of the client it recognizes.
 */
export function resolveIdpProfile(idp: string, signals: ClientSignals): ResolvedProfile {
  if (idp === 'entra' && hasAadOptFlag(signals.url)) return { profile: IDP_PROFILES['entra-compliant'] };
  if (idp !== 'generic' && isProfileName(idp)) return { profile: IDP_PROFILES[idp] };
  const detected = detectIdp(signals);
  return detected ? { profile: IDP_PROFILES[detected.profile], detected } : { profile: IDP_PROFILES.generic };
}
