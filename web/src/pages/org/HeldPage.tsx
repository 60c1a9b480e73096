import { useState } from 'react';
import { ActionError, Empty, Load, StatusBadge, Time, useAction } from '../../components.tsx';
import { get, post, qs } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { ChangeSummary } from './ChangePreview.tsx';
import type { Changes, Held } from './org-types.ts';
import { directoryName, useDirectories } from './use-org-lookups.ts';
import './org.css';

/**
 * Deprovisions the mass-deprovision guard held back: the IdP was answered normally, the accounts
 * stay active until an admin approves (applied in the order held) or rejects.
 */
export function HeldPage() {
  const session = useSession();
  const directories = useDirectories();
  const [directoryId, setDirectoryId] = useState('');
  const [status, setStatus] = useState('held');
  const held = useLoad(() => get<{ held: Held[] }>(`/held${qs({ directoryId, status, limit: 500 })}`).then((h) => h.held), [directoryId, status]);
  const action = useAction();
  const [done, setDone] = useState<{ text: string; changes: Changes } | null>(null);
  async function decide(verb: 'approve' | 'reject', body: { ids: string[] } | { all: true; directoryId?: string }, what: string) {
    if ('all' in body && !window.confirm(`${verb === 'approve' ? 'Approve' : 'Reject'} ${what}?`)) return;
    const answer = await action.run(() => post<{ decided: number; applied?: number; changes: Changes }>(`/held/${verb}`, body));
    if (answer) {
      setDone({ text: verb === 'approve' ? `Approved ${answer.decided}; ${answer.applied ?? 0} applied (an account whose user came back stays active).` : `Rejected ${answer.decided}: the accounts stay as they are.`, changes: answer.changes });
      held.reload();
    }
  }
  const scope = directoryId ? `every held deprovision of ${directoryName(directories.data, directoryId)}` : 'every held deprovision of every directory';
  return (
    <section>
      <h1>Held deprovisions</h1>
      <p className="muted">The guard holds deactivations beyond a directory's threshold (its rules' guard). Until decided, the accounts keep their access.</p>
      <div className="toolbar">
        <label htmlFor="held-directory" className="visually-hidden">Directory</label>
        <select id="held-directory" value={directoryId} onChange={(e) => setDirectoryId(e.target.value)}>
          <option value="">Every directory</option>
          {directories.data?.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
        <label htmlFor="held-status" className="visually-hidden">Status</label>
        <select id="held-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="held">Held (waiting)</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
          <option value="applied">Let through</option>
        </select>
        {session.canWrite && status === 'held' && held.data && held.data.length > 0 && (
          <>
            <button type="button" onClick={() => void decide('approve', { all: true, ...(directoryId ? { directoryId } : {}) }, scope)} disabled={action.busy}>Approve all</button>
            <button type="button" className="danger" onClick={() => void decide('reject', { all: true, ...(directoryId ? { directoryId } : {}) }, scope)} disabled={action.busy}>Reject all</button>
          </>
        )}
      </div>
      <ActionError error={action.error} />
      {done && (
        <div className="card" role="status" data-testid="held-result">
          <p><strong>{done.text}</strong></p>
          <ChangeSummary changes={done.changes} done />
          <button type="button" className="secondary" onClick={() => setDone(null)}>Dismiss</button>
        </div>
      )}
      <Load state={held} what="Loading held deprovisions">
        {(list) =>
          list.length === 0 ? (
            <Empty>{status === 'held' ? 'Nothing is held: no directory has deprovisioned past its guard.' : 'None.'}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive" data-testid="held-table">
                <thead>
                  <tr><th scope="col">Account</th><th scope="col">Directory</th><th scope="col">Action</th><th scope="col">Held at</th><th scope="col">Status</th>{session.canWrite && status === 'held' && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr>
                </thead>
                <tbody>
                  {list.map((h) => (
                    <tr key={h.id}>
                      <th scope="row" data-label="Account"><Link to={`/accounts/${h.accountId}`}>{h.accountName ?? `${h.accountId.slice(0, 8)}…`}</Link></th>
                      <td data-label="Directory"><Link to={`/directories/${h.directoryId}/users/${h.userId}`}>{directoryName(directories.data, h.directoryId)}</Link></td>
                      <td data-label="Action">{h.action}</td>
                      <td data-label="Held at"><Time at={h.at} /></td>
                      <td data-label="Status"><StatusBadge value={h.status} />{h.decidedBy && <span className="muted"> by {h.decidedBy} <Time at={h.decidedAt} /></span>}</td>
                      {session.canWrite && status === 'held' && (
                        <td className="actions">
                          <button type="button" onClick={() => void decide('approve', { ids: [h.id] }, '')} disabled={action.busy}>Approve</button>
                          <button type="button" className="danger" onClick={() => void decide('reject', { ids: [h.id] }, '')} disabled={action.busy}>Reject</button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
    </section>
  );
}
