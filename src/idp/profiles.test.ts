import { describe, expect, it } from 'vitest';
import { applyPatch } from '../scim/patch/apply-patch.ts';
import { parsePatchRequest } from '../scim/patch/parse-patch-request.ts';
import { groupResourceType, userResourceType } from '../scim/schemas/resource-types.ts';
import { ScimError } from '../scim/scim-error.ts';
import { IDP_NAMES } from '../domain/directories/idp-names.ts';
import { detectIdp, hasAadOptFlag } from './detect-idp.ts';
import type { IdpRequest } from './idp-request.ts';
import { normalizeIdpRequest, rewriteNames } from './normalize-idp-request.ts';
import { IDP_PROFILES, isProfileName, PROFILE_NAMES } from './profiles.ts';
import { redactPasswords } from './redact-passwords.ts';
import { resolveIdpProfile } from './resolve-idp-profile.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (resourceType: 'User' | 'Group', ...Operations: unknown[]): IdpRequest => ({ action: 'patch', resourceType, body: { schemas: [PATCH_OP], Operations }, query: {} });
const signals = (over: Partial<{ url: string; userAgent: string; body: unknown }> = {}) => ({ url: '/scim/v2/d/Users', userAgent: undefined, body: undefined, ...over });

describe('resolveIdpProfile', () => {
  it('has a profile for every IdP a directory can be created for', () => {
    for (const idp of IDP_NAMES) expect(isProfileName(idp), idp).toBe(true);
    expect(PROFILE_NAMES).toContain('entra-compliant');
  });

  it('uses the directory idp column', () => {
    expect(resolveIdpProfile('okta', signals()).profile.name).toBe('okta');
    expect(resolveIdpProfile('entra', signals()).profile.name).toBe('entra');
    expect(resolveIdpProfile('pingone', signals()).profile.name).toBe('pingone');
  });

  it('switches an entra directory to entra-compliant on the aadOptscim062020 flag, in any case', () => {
    expect(resolveIdpProfile('entra', signals({ url: '/scim/v2/d/Users/1?aadOptscim062020' })).profile.name).toBe('entra-compliant');
    expect(resolveIdpProfile('entra', signals({ url: '/scim/v2/d/Users?filter=x&AADOPTSCIM062020=' })).profile.name).toBe('entra-compliant');
    expect(resolveIdpProfile('entra', signals({ url: '/scim/v2/d/Users?notaadOptscim062020' })).profile.name).toBe('entra');
    expect(hasAadOptFlag('/x/aadOptscim062020')).toBe(false);
  });

  it('never lets another IdP directory be re-profiled by the request', () => {
    const okta = resolveIdpProfile('okta', signals({ url: '/u?aadOptscim062020', body: { schemas: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'] } }));
    expect(okta.profile.name).toBe('okta');
    expect(okta.detected).toBeUndefined();
  });

  it('detects known clients for generic directories (and unknown idp values)', () => {
    expect(resolveIdpProfile('generic', signals({ userAgent: 'Okta SCIM Client 1.0.0' }))).toMatchObject({ profile: { name: 'okta' }, detected: { by: 'user-agent' } });
    expect(resolveIdpProfile('keycloak', signals({ userAgent: 'Okta SCIM Client 1.0.0' })).profile.name).toBe('okta');
    expect(resolveIdpProfile('generic', signals({ url: '/u?aadOptscim062020' })).profile.name).toBe('entra-compliant');
    expect(resolveIdpProfile('generic', signals()).profile.name).toBe('generic');
  });
});

describe('detectIdp (request shape only where unambiguous)', () => {
  it('recognizes Entra by its schema URIs and capitalized ops', () => {
    expect(detectIdp(signals({ body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'] } }))?.profile).toBe('entra');
    expect(detectIdp(signals({ body: { schemas: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0User'] } }))?.profile).toBe('entra');
    expect(detectIdp(signals({ body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'manager', value: [{ value: 'x' }] }] } }))?.profile).toBe('entra');
  });

  it('does not guess from what many clients do', () => {
    expect(detectIdp(signals({ userAgent: undefined }))).toBeUndefined();
    expect(detectIdp(signals({ body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [] }] } }))).toBeUndefined();
    expect(detectIdp(signals({ body: { schemas: [PATCH_OP], Operations: [{ op: 'REPLACE', path: 'x', value: 1 }] } }))).toBeUndefined();
    expect(detectIdp(signals({ userAgent: 'Mozilla/5.0' }))).toBeUndefined();
  });
});

describe('normalizeIdpRequest', () => {
  it('runs the Entra default job quirks in one request and names each rewrite', () => {
    const request = patch(
      'User',
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'manager', value: [{ $ref: 'http://x/Users/00aa', value: '00aa' }] },
    );
    const { request: out, rewrites } = normalizeIdpRequest(IDP_PROFILES.entra, request);
    expect(out.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'active', value: false },
        { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: '00aa' } },
      ],
    });
    expect(rewriteNames(rewrites)).toEqual(['entra-manager-as-array', 'entra-capitalized-op', 'entra-boolean-string']);
    expect(rewrites.every((r) => r.at.startsWith('Operations['))).toBe(true);
  });

  it('returns the very same request when nothing applies (OneLogin lowercase ops)', () => {
    const request = patch('Group', { op: 'add', path: 'members', value: [{ value: '2819c223' }] });
    const { request: out, rewrites } = normalizeIdpRequest(IDP_PROFILES.onelogin, request);
    expect(out).toBe(request);
    expect(rewrites).toEqual([]);
  });

  it('generic, jumpcloud and pingone pass requests through untouched', () => {
    const request = patch('User', { op: 'Replace', path: 'active', value: 'False' });
    for (const name of ['generic', 'jumpcloud', 'pingone'] as const) expect(normalizeIdpRequest(IDP_PROFILES[name], request).request).toBe(request);
  });

  it('leaves a request no profile can make sense of to the protocol layer, whose 400 names the operation and path', () => {
    const request = patch('Group', { op: 'Add', path: 'members', value: [{ value: 'a' }] }, { op: 'Remove', path: 'members', value: [{ display: 'no id' }] });
    for (const profile of Object.values(IDP_PROFILES)) {
      const { request: out } = normalizeIdpRequest(profile, request);
      let thrown: unknown;
      try {
        applyPatch(groupResourceType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }, parsePatchRequest(out.body));
      } catch (error) {
        thrown = error;
      }
      expect(thrown, profile.name).toBeInstanceOf(ScimError);
      expect((thrown as ScimError).status).toBe(400);
      expect((thrown as ScimError).message, profile.name).toMatch(/^Operations\[1\] path "members"/);
    }
  });

  it('keeps the engine result of the compliant and default Entra removals identical', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' };
    const def = normalizeIdpRequest(IDP_PROFILES.entra, patch('Group', { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a' }, { $ref: null, value: 'b' }] }));
    const compliant = patch('Group', { op: 'remove', path: 'members[value eq "a"]' }, { op: 'remove', path: 'members[value eq "b"]' });
    const a = applyPatch(groupResourceType, group, parsePatchRequest(def.request.body)).members;
    const b = applyPatch(groupResourceType, group, parsePatchRequest(compliant.body)).members;
    expect(a).toEqual(b);
    expect(a.replaceAll).toBe(false);
  });

  it('Okta deactivation without path becomes the path form and applies', () => {
    const { request } = normalizeIdpRequest(IDP_PROFILES.okta, patch('User', { op: 'replace', value: { active: false } }));
    const result = applyPatch(userResourceType, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'u', active: true }, parsePatchRequest(request.body));
    expect(result.resource.active).toBe(false);
  });
});

describe('redactPasswords', () => {
  it('redacts password keys at any depth and PATCH values whose path is password', () => {
    const body = {
      schemas: [PATCH_OP],
      password: 'top',
      Operations: [
        { op: 'replace', path: 'password', value: 'in-path' },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: 'qualified' },
        { op: 'replace', value: { Password: 'pathless', active: false } },
      ],
      nested: [{ deeper: { PASSWORD: 'deep' } }],
    };
    const text = JSON.stringify(redactPasswords(body));
    for (const secret of ['top', 'in-path', 'qualified', 'pathless', 'deep']) expect(text).not.toContain(`"${secret}"`);
    expect(text).toContain('"active":false');
    expect(body.password).toBe('top');
  });
});
