import { useState, type FormEvent } from 'react';
import { ActionError, useAction } from '../components.tsx';
import { post } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import type { Admin } from '../lib/session.tsx';

/** The setup token from the link Roster logs at first start: `<origin>/setup#token=…` (a fragment never reaches a server log). */
function tokenFromHash(): string {
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
}

export function SetupPage({ needed, onDone }: { needed: boolean; onDone: (answer: { admin: Admin; csrfToken: string }) => void }) {
  const [token, setToken] = useState(tokenFromHash);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const action = useAction();

  if (!needed) {
    return (
      <main className="centered narrow">
        <h1>Roster is set up</h1>
        <p>Its first owner exists already. <Link to="/login">Log in</Link>, or ask an owner for an account.</p>
      </main>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== confirm) {
      action.clear();
      await action.run(async () => {
        throw new Error('The two passwords differ.');
      });
      return;
    }
    const answer = await action.run(() => post<{ admin: Admin; csrfToken: string }>('/setup', { token: token.trim(), email: email.trim(), password }));
    if (answer) {
      history.replaceState(null, '', '/');
      onDone(answer);
    }
  }

  return (
    <main className="centered narrow">
      <h1>Welcome to Roster</h1>
      <p>Create the first owner. Owners manage admins and everything else; more admins can be added afterwards.</p>
      <form onSubmit={submit} className="card form">
        {!tokenFromHash() && (
          <div className="field">
            <label htmlFor="setup-token">Setup token</label>
            <input id="setup-token" value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" className="mono" />
            <small>From the setup link in Roster's log at first start (the part after <code>#token=</code>).</small>
          </div>
        )}
        <div className="field">
          <label htmlFor="setup-email">Email</label>
          <input id="setup-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor="setup-password">Password</label>
          <input id="setup-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" minLength={8} />
        </div>
        <div className="field">
          <label htmlFor="setup-confirm">Repeat the password</label>
          <input id="setup-confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />
        </div>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create owner and sign in'}
        </button>
      </form>
    </main>
  );
}
