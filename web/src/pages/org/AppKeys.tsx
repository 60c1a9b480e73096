import { useState, type FormEvent } from 'react';
import { ActionError, CopyField, Empty, Load, StatusBadge, Time, useAction } from '../../components.tsx';
import { del, get, post } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { AppKey } from './org-types.ts';

/** An app's read-API keys (`rak_…` for /api/v1/app): shown once when created, listed by prefix, revocable. */
export function AppKeys({ appId }: { appId: string }) {
  const session = useSession();
  const keys = useLoad(() => get<{ keys: AppKey[] }>(`/apps/${appId}/keys`).then((k) => k.keys), [appId]);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const action = useAction();
  async function create(e: FormEvent) {
    e.preventDefault();
    const made = await action.run(() => post<AppKey & { key: string }>(`/apps/${appId}/keys`, { label: label.trim() || null }));
    if (made) {
      setIssued(made.key);
      setLabel('');
      keys.reload();
    }
  }
  async function revoke(k: AppKey) {
    if (!window.confirm(`Revoke key ${k.prefix}…? The app gets 401 with it from now on.`)) return;
    const done = await action.run(async () => {
      await del(`/apps/${appId}/keys/${k.id}`);
      return true;
    });
    if (done) keys.reload();
  }
  return (
    <section aria-labelledby="app-keys-title">
      <h2 id="app-keys-title">Read-API keys</h2>
      <p className="muted">The app reads its accounts and groups at <code>/api/v1/app</code> with <code>Authorization: Bearer rak_…</code>.</p>
      {issued && (
        <div className="card new-secret" role="region" aria-label="New app key">
          <p className="warning"><strong>Key created. Copy it now: you won't see it again.</strong></p>
          <CopyField label="App key" value={issued} secret />
          <button type="button" className="secondary" onClick={() => setIssued(null)}>I've copied it</button>
        </div>
      )}
      <ActionError error={action.error} />
      <Load state={keys} what="Loading keys">
        {(list) =>
          list.length === 0 ? (
            <Empty>No key: the app cannot read Roster yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive" data-testid="app-keys-table">
                <thead><tr><th scope="col">Key</th><th scope="col">Label</th><th scope="col">State</th><th scope="col">Created</th>{session.canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
                <tbody>
                  {list.map((k) => (
                    <tr key={k.id}>
                      <th scope="row" data-label="Key" className="mono">{k.prefix}…</th>
                      <td data-label="Label">{k.label ?? '—'}</td>
                      <td data-label="State"><StatusBadge value={k.revokedAt ? 'revoked' : 'active'} /></td>
                      <td data-label="Created"><Time at={k.createdAt} /></td>
                      {session.canWrite && <td>{!k.revokedAt && <button type="button" className="danger" onClick={() => void revoke(k)}>Revoke</button>}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.canWrite && (
        <form className="card form inline-form" onSubmit={create} aria-labelledby="new-app-key-title">
          <h3 id="new-app-key-title">Create a key</h3>
          <div className="field">
            <label htmlFor="app-key-label">Key label</label>
            <input id="app-key-label" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="wiki sync job" />
          </div>
          <button type="submit" disabled={action.busy}>Create app key</button>
        </form>
      )}
    </section>
  );
}
