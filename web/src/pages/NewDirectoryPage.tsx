import { useState, type FormEvent } from 'react';
import { ActionError, CopyField, useAction } from '../components.tsx';
import { post } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { IDPS, IdpSteps, idpBaseUrl, idpLabel } from '../idp-steps.tsx';
import type { Directory } from '../types.ts';

/**
 * The create wizard: name and IdP, then the base URL and the token, shown once, beside the IdP's
 * own steps — everything needed to finish the connection in the IdP's console.
 */
export function NewDirectoryPage() {
  const [name, setName] = useState('');
  const [idp, setIdp] = useState('okta');
  const [created, setCreated] = useState<(Directory & { token: string }) | null>(null);
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const answer = await action.run(() => post<Directory & { token: string }>('/directories', { name: name.trim(), idp }));
    if (answer) setCreated(answer);
  }

  if (created) {
    return (
      <section>
        <p className="crumbs"><Link to="/directories">Directories</Link> / New</p>
        <h1>Connect {idpLabel(created.idp)} to “{created.name}”</h1>
        <ol className="wizard-steps" aria-label="Progress">
          <li className="done">Name and IdP</li>
          <li aria-current="step">Base URL and token</li>
        </ol>
        <div className="two-col">
          <section className="card" aria-labelledby="secret-title">
            <h2 id="secret-title">Base URL and token</h2>
            <div className="warning" role="note">
              <strong>Copy the token now: you won't see it again.</strong> Roster keeps only its hash. If you lose it, create or rotate a token on the directory's page.
            </div>
            <CopyField label={created.idp === 'entra' ? 'Tenant URL' : 'SCIM base URL'} value={idpBaseUrl(created.idp, created.scimBaseUrl)} />
            <CopyField label="Token" value={created.token} secret />
            <p>
              <Link to={`/directories/${created.id}`} className="button">
                I've copied them: open the directory
              </Link>
            </p>
          </section>
          <IdpSteps idp={created.idp} />
        </div>
      </section>
    );
  }

  return (
    <section>
      <p className="crumbs"><Link to="/directories">Directories</Link> / New</p>
      <h1>New directory</h1>
      <ol className="wizard-steps" aria-label="Progress">
        <li aria-current="step">Name and IdP</li>
        <li>Base URL and token</li>
      </ol>
      <form className="card form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="dir-name">Name</label>
          <input id="dir-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="Okta (employees)" autoFocus />
        </div>
        <fieldset className="field">
          <legend>Identity provider</legend>
          <div className="radio-grid">
            {IDPS.map((i) => (
              <label key={i.value} className="radio">
                <input type="radio" name="idp" value={i.value} checked={idp === i.value} onChange={() => setIdp(i.value)} /> {i.label}
              </label>
            ))}
          </div>
        </fieldset>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create directory'}
        </button>
      </form>
    </section>
  );
}
