import { useState, type FormEvent } from 'react';
import { ActionError, useAction } from '../components.tsx';
import { api } from '../lib/api.ts';
import type { Admin } from '../lib/session.tsx';

export function LoginPage({ onDone }: { onDone: (answer: { admin: Admin; csrfToken: string }) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const answer = await action.run(() => api<{ admin: Admin; csrfToken: string }>('POST', '/session', { email: email.trim(), password }, { quiet401: true }));
    if (answer) onDone(answer);
  }

  return (
    <main className="centered narrow">
      <h1>Log in to Roster</h1>
      <form onSubmit={submit} className="card form">
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input id="login-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" autoFocus />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </div>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="muted">No account? An owner adds admins under Admins, or on the server: <code>roster admin create --email you@example.com --role admin</code>.</p>
    </main>
  );
}
