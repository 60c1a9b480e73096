/**
 * The IdPs a directory can be created for; `generic` is any RFC 7644 client. An `entra` directory
 * is handled as `entra-compliant` (src/idp/) when its tenant URL carries `aadOptscim062020`.
 */
export const IDP_NAMES = ['okta', 'entra', 'onelogin', 'jumpcloud', 'pingone', 'generic'] as const;
export type IdpName = (typeof IDP_NAMES)[number];

export function isIdpName(value: string): value is IdpName {
  return (IDP_NAMES as readonly string[]).includes(value);
}
