import type { ReactNode } from 'react';

export const IDPS: { value: string; label: string }[] = [
  { value: 'okta', label: 'Okta' },
  { value: 'entra', label: 'Microsoft Entra ID' },
  { value: 'onelogin', label: 'OneLogin' },
  { value: 'jumpcloud', label: 'JumpCloud' },
  { value: 'pingone', label: 'PingOne' },
  { value: 'generic', label: 'Other SCIM 2.0 client' },
];

export const idpLabel = (idp: string) => IDPS.find((i) => i.value === idp)?.label ?? idp;

/** Entra ID's flag for its RFC-compliant request shapes (docs/idp-quirks.md). */
export const ENTRA_FLAG = '?aadOptscim062020';

/** The base URL an admin pastes into the IdP: Entra's Tenant URL carries its compliance flag. */
export function idpBaseUrl(idp: string, scimBaseUrl: string): string {
  return idp === 'entra' ? `${scimBaseUrl}${ENTRA_FLAG}` : scimBaseUrl;
}

const b = (text: string) => <strong>{text}</strong>;

/** Where to paste the base URL and token in each IdP's admin console, and what to do next. */
export function IdpSteps({ idp }: { idp: string }) {
  const steps: Record<string, { title: string; steps: ReactNode[] }> = {
    okta: {
      title: 'In Okta',
      steps: [
        <>Open your app integration (or create one with SAML or SWA sign-on), and on {b('General')} set {b('Provisioning')} to {b('SCIM')}.</>,
        <>Go to {b('Provisioning → Integration → Configure API Integration')} and tick {b('Enable API integration')}.</>,
        <>Paste the {b('SCIM base URL')} as the SCIM connector base URL; unique identifier field {b('userName')}; authentication mode {b('HTTP Header')}, and paste the {b('token')} as the Bearer token.</>,
        <>Click {b('Test API Credentials')}, then {b('Save')}.</>,
        <>Under {b('Provisioning → To App')}, click Edit and enable {b('Create Users')}, {b('Update User Attributes')} and {b('Deactivate Users')}; Save.</>,
        <>Assign people or groups on {b('Assignments')}, then push groups on {b('Push Groups')} (by name or rule).</>,
      ],
    },
    entra: {
      title: 'In Microsoft Entra ID',
      steps: [
        <>{b('Enterprise applications → New application → Create your own application')} (non-gallery), then open {b('Provisioning')}.</>,
        <>Set {b('Provisioning Mode')} to {b('Automatic')}.</>,
        <>Under {b('Admin Credentials')}, paste the {b('Tenant URL')} (it ends with <code>{ENTRA_FLAG}</code>, which makes Entra send standard SCIM) and the {b('Secret Token')}.</>,
        <>Click {b('Test Connection')}, then {b('Save')}.</>,
        <>Review {b('Mappings')}: Provision Microsoft Entra ID Users and Groups (userName ← userPrincipalName, externalId ← objectId).</>,
        <>Under {b('Settings')} choose the scope, assign users and groups in {b('Users and groups')}, and turn {b('Provisioning Status')} On.</>,
      ],
    },
    onelogin: {
      title: 'In OneLogin',
      steps: [
        <>{b('Applications → Add App')}, search for SCIM and choose {b('SCIM Provisioner with SAML (SCIM v2 Enterprise)')}; Save.</>,
        <>On {b('Configuration')}, paste the {b('SCIM Base URL')} and the {b('SCIM Bearer Token')}.</>,
        <>Under {b('API Status')}, click {b('Enable')}: OneLogin calls Roster once to test the connection. Save.</>,
        <>On {b('Provisioning')}, tick {b('Enable provisioning')}; untick the admin-approval boxes for Create, Delete and Update unless you want to approve each change. Save.</>,
        <>On {b('Parameters')}, include {b('Groups')} in user provisioning; map OneLogin roles or groups to it with {b('Rules')}.</>,
        <>Give people access on {b('Access')} (roles) or per user under {b('Users → Applications')}.</>,
      ],
    },
    jumpcloud: {
      title: 'In JumpCloud',
      steps: [
        <>{b('SSO Applications → Add New Application → Custom Application')}, tick {b('Export users to this app (Identity Management)')}, save and configure it.</>,
        <>On {b('Identity Management')}, choose {b('SCIM 2.0')}, paste the {b('Base URL')} and the {b('Token Key')}, and give a {b('Test User Email')}.</>,
        <>Tick {b('Enable management of User Groups and Group Membership')} to push groups too.</>,
        <>Click {b('Test Connection')}, then {b('Activate')}, then {b('Save')}.</>,
        <>On the app's {b('User Groups')} tab, select the groups to provision: their members are created and the groups pushed.</>,
      ],
    },
    pingone: {
      title: 'In PingOne',
      steps: [
        <>{b('Integrations → Provisioning → New Connection → Identity Store → SCIM Outbound')}.</>,
        <>Paste the {b('SCIM base URL')}; authentication {b('OAuth 2 Bearer Token')} with the {b('token')}; Test Connection.</>,
        <>Add a {b('Rule')} for the users (and groups) to provision, map attributes, and enable the rule.</>,
      ],
    },
    generic: {
      title: 'In your IdP or client',
      steps: [
        <>Point the SCIM 2.0 client at the {b('SCIM base URL')} (Users at <code>/Users</code>, Groups at <code>/Groups</code>).</>,
        <>Send the token as <code>Authorization: Bearer …</code> (or HTTP Basic, any user name, the token as password).</>,
        <>A test call: <code>GET /Users?count=1</code> answers 200.</>,
      ],
    },
  };
  const s = steps[idp] ?? steps.generic!;
  return (
    <section className="idp-steps card" aria-labelledby="idp-steps-title">
      <h2 id="idp-steps-title">{s.title}</h2>
      <ol>
        {s.steps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
    </section>
  );
}
