import { useState, type FormEvent } from 'react';
import { ActionError, Empty, Load, useAction } from '../../components.tsx';
import { post } from '../../lib/api.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { APP_KINDS, type App } from './org-types.ts';
import { useApps } from './use-org-lookups.ts';
import './org.css';

export const kindLabel = (kind: string) => APP_KINDS.find((k) => k.value === kind)?.label ?? kind;

export function SeatUse({ app }: { app: App }) {
  if (app.seatLimit === null) return <>{app.seatsUsed.toLocaleString()} <span className="muted">(no limit)</span></>;
  const share = app.seatLimit === 0 ? 1 : Math.min(1, app.seatsUsed / app.seatLimit);
  return (
    <>
      <span className="seat-bar" aria-hidden="true"><span style={{ width: `${Math.round(share * 100)}%` }} /></span>
      {app.seatsUsed.toLocaleString()} of {app.seatLimit.toLocaleString()}
    </>
  );
}

/** Apps with their seat use and queue; a new app starts with no grant. */
export function AppsPage() {
  const session = useSession();
  const apps = useApps();
  const [name, setName] = useState('');
  const [kind, setKind] = useState('other');
  const [limit, setLimit] = useState('');
  const action = useAction();
  async function create(e: FormEvent) {
    e.preventDefault();
    const made = await action.run(() => post<App>('/apps', { name: name.trim(), kind, seatLimit: limit === '' ? null : Number(limit) }));
    if (made) navigate(`/apps/${made.id}`);
  }
  return (
    <section>
      <h1>Apps</h1>
      <p className="muted">An app is granted to org groups; their active members have access (queued when the seats are taken).</p>
      <Load state={apps} what="Loading apps">
        {(list) =>
          list.length === 0 ? (
            <Empty>No app yet.{session.canWrite ? ' Create one below, then grant it to a group.' : ''}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive" data-testid="apps-table">
                <thead><tr><th scope="col">App</th><th scope="col">Kind</th><th scope="col">Seats used</th><th scope="col" className="num">Queued</th><th scope="col" className="num">Granted groups</th></tr></thead>
                <tbody>
                  {list.map((a) => (
                    <tr key={a.id}>
                      <th scope="row" data-label="App"><Link to={`/apps/${a.id}`}>{a.name}</Link></th>
                      <td data-label="Kind">{kindLabel(a.kind)}</td>
                      <td data-label="Seats used"><SeatUse app={a} /></td>
                      <td data-label="Queued" className="num">{a.queued > 0 ? <span className="badge badge-paused">{a.queued.toLocaleString()}</span> : '0'}</td>
                      <td data-label="Granted groups" className="num">{a.grantedGroups.length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.canWrite && (
        <form className="card form inline-form" onSubmit={create} aria-labelledby="new-app-title">
          <h2 id="new-app-title">Create an app</h2>
          <div className="field">
            <label htmlFor="app-name">App name</label>
            <input id="app-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required placeholder="Wiki" />
          </div>
          <div className="field">
            <label htmlFor="app-kind">Kind</label>
            <select id="app-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {APP_KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="app-seats">Seat limit</label>
            <input id="app-seats" type="number" min={0} step={1} value={limit} onChange={(e) => setLimit(e.target.value)} placeholder="no limit" />
          </div>
          <button type="submit" disabled={action.busy || !name.trim()}>Create app</button>
          <ActionError error={action.error} />
        </form>
      )}
    </section>
  );
}
