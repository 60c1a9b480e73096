import { useState, type FormEvent } from 'react';
import { ActionError, useAction } from '../components.tsx';
import { post } from '../lib/api.ts';
import { ROLE_LABELS, useSession } from '../lib/session.tsx';

export function AccountPage() {
  const session = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const ok = await action.run(async () => {
      if (newPassword !== confirm) throw new Error('The two new passwords differ.');
      await post('/session/password', { currentPassword, newPassword });
      return true;
    });
    if (ok) {
      setDone(true);
      setCurrent('');
      setNew('');
      setConfirm('');
    }
  }
  return (
    <section>
      <h1>Your account</h1>
      <dl className="facts card">
        <dt>Email</dt><dd>{session.admin.email}</dd>
        <dt>Role</dt><dd>{ROLE_LABELS[session.admin.role]}</dd>
      </dl>
      <form className="card form" onSubmit={submit} aria-labelledby="pw-title">
        <h2 id="pw-title">Change your password</h2>
        <div className="field">
          <label htmlFor="pw-current">Current password</label>
          <input id="pw-current" type="password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />
        </div>
        <div className="field">
          <label htmlFor="pw-new">New password</label>
          <input id="pw-new" type="password" value={newPassword} onChange={(e) => setNew(e.target.value)} required autoComplete="new-password" />
        </div>
        <div className="field">
          <label htmlFor="pw-confirm">Repeat the new password</label>
          <input id="pw-confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />
        </div>
        <ActionError error={action.error} />
        <div className="row">
          <button type="submit" disabled={action.busy}>Change password</button>
          {done && <span role="status" className="ok">Password changed.</span>}
        </div>
      </form>
    </section>
  );
}
