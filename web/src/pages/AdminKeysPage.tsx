import { useState, type FormEvent } from 'react';
import { ActionError, CopyField, Empty, Load, StatusBadge, Time, useAction } from '../components.tsx';
import { del, get, post } from '../lib/api.ts';
import { useSession } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';

interface AdminKey {
  readonly id: string;
  readonly prefix: string;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** Keys for the CLI and scripts (`Authorization: Bearer rsk_…`): shown once, revocable by owners (a key acts as an admin). */
export function AdminKeysPage() {
  const session = useSession();
  const keys = useLoad(async () => {
    const answer = await get<{ keys?: AdminKey[]; adminKeys?: AdminKey[] } | AdminKey[]>('/admin-keys');
    return Array.isArray(answer) ? answer : (answer.keys ?? answer.adminKeys ?? []);
  }, []);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const action = useAction();

  async function create(e: FormEvent) {
    e.preventDefault();
    const made = await action.run(() => post<{ key?: string; token?: string; secret?: string }>('/admin-keys', { label: label.trim() || null }));
    if (made) {
      setIssued(made.key ?? made.token ?? made.secret ?? null);
      setLabel('');
      keys.reload();
    }
  }
  async function revoke(k: AdminKey) {
    if (!window.confirm(`Revoke key ${k.prefix}…? Scripts using it get 401 from now on.`)) return;
    const done = await action.run(async () => {
      await del(`/admin-keys/${k.id}`);
      return true;
    });
    if (done) keys.reload();
  }

  return (
    <section>
      <h1>Admin API keys</h1>
      <p className="muted">For the CLI and scripts: send as <code>Authorization: Bearer rsk_…</code> to <code>/api/v1</code>.</p>
      {issued && (
        <div className="card new-secret" role="region" aria-label="New admin key">
          <p className="warning"><strong>Key created. Copy it now: you won't see it again.</strong></p>
          <CopyField label="Admin key" value={issued} secret />
          <button type="button" className="secondary" onClick={() => setIssued(null)}>I've copied it</button>
        </div>
      )}
      <ActionError error={action.error} />
      <Load state={keys} what="Loading keys">
        {(list) =>
          list.length === 0 ? (
            <Empty>No admin key.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <thead><tr><th scope="col">Key</th><th scope="col">Label</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Last used</th>{session.isOwner && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
                <tbody>
                  {list.map((k) => (
                    <tr key={k.id}>
                      <th scope="row" data-label="Key" className="mono">{k.prefix}…</th>
                      <td data-label="Label">{k.label ?? '—'}</td>
                      <td data-label="State"><StatusBadge value={k.revokedAt ? 'revoked' : 'active'} /></td>
                      <td data-label="Created"><Time at={k.createdAt} /></td>
                      <td data-label="Last used"><Time at={k.lastUsedAt} fallback="never" /></td>
                      {session.isOwner && <td>{!k.revokedAt && <button type="button" className="danger" onClick={() => void revoke(k)}>Revoke</button>}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.isOwner && (
        <form className="card form inline-form" onSubmit={create} aria-labelledby="new-key-title">
          <h2 id="new-key-title">Create a key</h2>
          <div className="field">
            <label htmlFor="key-label">Label</label>
            <input id="key-label" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="nightly export" />
          </div>
          <button type="submit" disabled={action.busy}>Create key</button>
        </form>
      )}
    </section>
  );
}
