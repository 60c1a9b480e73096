import { useState, type FormEvent } from 'react';
import { ActionError, Empty, Load, Time, useAction } from '../components.tsx';
import { del, get, patch, post } from '../lib/api.ts';
import { ROLE_LABELS, useSession, type Admin, type Role } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';

type AdminRow = Admin & { createdAt?: string; lastLoginAt?: string | null };

const ROLES: Role[] = ['owner', 'admin', 'read_only'];

/** Owners add admins, change their roles and remove them. */
export function AdminsPage() {
  const session = useSession();
  const admins = useLoad(async () => {
    const answer = await get<{ admins: AdminRow[] } | AdminRow[]>('/admins');
    return Array.isArray(answer) ? answer : answer.admins;
  }, []);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('admin');

  async function add(e: FormEvent) {
    e.preventDefault();
    if (await action.run(() => post('/admins', { email: email.trim(), password, role }))) {
      setEmail('');
      setPassword('');
      admins.reload();
    }
  }
  async function changeRole(a: AdminRow, next: Role) {
    if (await action.run(() => patch(`/admins/${a.id}`, { role: next }))) admins.reload();
  }
  async function remove(a: AdminRow) {
    if (!window.confirm(`Remove ${a.email}? Their sessions end at once.`)) return;
    const done = await action.run(async () => {
      await del(`/admins/${a.id}`);
      return true;
    });
    if (done) admins.reload();
  }

  return (
    <section>
      <h1>Admins</h1>
      <p className="muted">Owners manage admins; admins change everything else; read-only admins look and change nothing.</p>
      <ActionError error={action.error} />
      <Load state={admins} what="Loading admins">
        {(list) =>
          list.length === 0 ? (
            <Empty>No admin.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  {list.map((a) => (
                    <tr key={a.id}>
                      <th scope="row" data-label="Email">{a.email}{a.id === session.admin.id ? ' (you)' : ''}</th>
                      <td data-label="Role">
                        <label className="visually-hidden" htmlFor={`role-${a.id}`}>Role of {a.email}</label>
                        <select id={`role-${a.id}`} value={a.role} onChange={(e) => void changeRole(a, e.target.value as Role)} disabled={action.busy}>
                          {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                        </select>
                      </td>
                      <td data-label="Created"><Time at={a.createdAt} /></td>
                      <td>{a.id !== session.admin.id && <button type="button" className="danger" onClick={() => void remove(a)}>Remove</button>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      <form className="card form inline-form" onSubmit={add} aria-labelledby="add-admin-title">
        <h2 id="add-admin-title">Add an admin</h2>
        <div className="field">
          <label htmlFor="admin-email">Email</label>
          <input id="admin-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="admin-password">Initial password</label>
          <input id="admin-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />
        </div>
        <div className="field">
          <label htmlFor="admin-role">Role</label>
          <select id="admin-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        </div>
        <button type="submit" disabled={action.busy}>Add admin</button>
      </form>
    </section>
  );
}
