import { useState, type FormEvent } from 'react';
import { ActionError, CursorPager, Empty, Load, StatusBadge, Time, useAction } from '../../components.tsx';
import { del, get, patch, post, qs } from '../../lib/api.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { AppKeys } from './AppKeys.tsx';
import { kindLabel, SeatUse } from './AppsPage.tsx';
import { usePreviewedChange } from './ChangePreview.tsx';
import { accountLabel, type AccessRow, type App, type Changes, type OrgGroup } from './org-types.ts';
import { useCursorPage } from './use-cursor-page.ts';
import { useGroupChoices } from './use-org-lookups.ts';
import './org.css';

const PAGE = 50;

function GrantedGroup({ groupId, onRemove }: { groupId: string; onRemove?: (g: OrgGroup) => void }) {
  const group = useLoad(() => get<OrgGroup>(`/org-groups/${groupId}`), [groupId]);
  const g = group.data;
  return (
    <tr>
      <th scope="row" data-label="Group">{g ? <Link to={`/org-groups/${g.id}`}>{g.name}</Link> : group.error ? <span className="bad">{group.error.message}</span> : '…'}</th>
      <td data-label="Members" className="num">{g ? g.memberCount.toLocaleString() : ''}</td>
      <td data-label="Source">{g ? (g.syncedBy ? 'synced by a directory' : 'made by hand') : ''}</td>
      {onRemove && <td>{g && <button type="button" className="danger" onClick={() => onRemove(g)}>Remove grant</button>}</td>}
    </tr>
  );
}

/** Grants: pick an org group, see who would gain the app, then confirm. */
function GrantForm({ app, preview }: { app: App; preview: ReturnType<typeof usePreviewedChange> }) {
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const groups = useGroupChoices(search);
  const [groupId, setGroupId] = useState('');
  const choices = (groups.data ?? []).filter((g) => !app.grantedGroups.includes(g.id));
  const chosen = choices.find((g) => g.id === groupId);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!chosen) return;
    void preview.start(() => post<{ changes: Changes }>(`/apps/${app.id}/grants?preview=true`, { groupId: chosen.id }), {
      title: `grant ${app.name} to "${chosen.name}"`,
      confirmLabel: `Confirm: grant to ${chosen.name}`,
      apply: () => post(`/apps/${app.id}/grants`, { groupId: chosen.id }),
    });
  }
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="grant-title">
      <h3 id="grant-title">Grant to a group</h3>
      <div className="row">
        <label htmlFor="grant-search" className="visually-hidden">Find a group</label>
        <input id="grant-search" type="search" placeholder="find a group by name" value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); setSearch(draft.trim()); } }} />
        <button type="button" className="secondary" onClick={() => setSearch(draft.trim())}>Find</button>
      </div>
      <div className="field">
        <label htmlFor="grant-group">Group</label>
        <select id="grant-group" value={groupId} onChange={(e) => { setGroupId(e.target.value); preview.cancel(); }}>
          <option value="">{groups.data ? (choices.length ? 'choose a group…' : 'no group to grant') : 'loading…'}</option>
          {choices.map((g) => <option key={g.id} value={g.id}>{g.name} ({g.memberCount.toLocaleString()})</option>)}
        </select>
      </div>
      <button type="submit" disabled={!chosen || preview.busy}>Preview grant</button>
    </form>
  );
}

function SeatLimitForm({ app, onSaved }: { app: App; onSaved: () => void }) {
  const [value, setValue] = useState(app.seatLimit === null ? '' : String(app.seatLimit));
  const action = useAction();
  async function save(e: FormEvent) {
    e.preventDefault();
    const done = await action.run(() => patch(`/apps/${app.id}`, { seatLimit: value === '' ? null : Number(value) }));
    if (done) onSaved();
  }
  return (
    <form className="row" onSubmit={save}>
      <label htmlFor="seat-limit">Seat limit</label>
      <input id="seat-limit" type="number" min={0} step={1} value={value} onChange={(e) => setValue(e.target.value)} placeholder="no limit" style={{ width: '8rem' }} />
      <button type="submit" disabled={action.busy}>Save limit</button>
      <ActionError error={action.error} />
    </form>
  );
}

/** One app: seats, grants (each change previewed first), members with access, read-API keys. */
export function AppPage({ id }: { id: string }) {
  const session = useSession();
  const app = useLoad(() => get<App>(`/apps/${id}`), [id]);
  const [status, setStatus] = useState('');
  const access = useCursorPage((cursor) => get<{ access: AccessRow[]; nextCursor: string | null }>(`/apps/${id}/access${qs({ status, cursor, limit: PAGE })}`), [id, status, app.data?.grantedGroups.join(','), app.data?.seatLimit]);
  const change = usePreviewedChange(() => app.reload());
  const remove = useAction();
  function ungrant(a: App, g: OrgGroup) {
    void change.start(() => del<{ changes: Changes }>(`/apps/${a.id}/grants/${g.id}?preview=true`), {
      title: `remove the grant of ${a.name} to "${g.name}"`,
      confirmLabel: `Confirm: remove grant to ${g.name}`,
      apply: () => del(`/apps/${a.id}/grants/${g.id}`),
      danger: true,
    });
  }
  async function deleteApp(a: App) {
    if (!window.confirm(`Delete the app "${a.name}"? Everyone loses its access and its keys stop working.`)) return;
    const done = await remove.run(async () => {
      await del(`/apps/${a.id}`);
      return true;
    });
    if (done) navigate('/apps');
  }
  return (
    <section>
      <p className="crumbs"><Link to="/apps">Apps</Link> / {app.data?.name ?? '…'}</p>
      <Load state={app} what="Loading the app">
        {(a) => (
          <>
            <div className="page-head">
              <h1>{a.name}</h1>
              <span className="muted">{kindLabel(a.kind)}</span>
            </div>
            <dl className="stats">
              <div><dt>Seats used</dt><dd data-testid="app-seats"><SeatUse app={a} /></dd></div>
              <div><dt>Queued</dt><dd>{a.queued.toLocaleString()}</dd></div>
              <div><dt>Granted groups</dt><dd>{a.grantedGroups.length}</dd></div>
              <div><dt>Created</dt><dd><Time at={a.createdAt} /></dd></div>
            </dl>
            {session.canWrite && <div className="card"><SeatLimitForm key={String(a.seatLimit)} app={a} onSaved={app.reload} /><p className="muted">A raised limit seats the queue at once; a lowered one revokes nobody.</p></div>}
            <section aria-labelledby="grants-title">
              <h2 id="grants-title">Granted groups</h2>
              {a.grantedGroups.length === 0 ? (
                <Empty>Not granted to any group: nobody has access.</Empty>
              ) : (
                <div className="table-wrap">
                  <table className="responsive" data-testid="grants-table">
                    <thead><tr><th scope="col">Group</th><th scope="col" className="num">Members</th><th scope="col">Source</th>{session.canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
                    <tbody>
                      {a.grantedGroups.map((g) => <GrantedGroup key={g} groupId={g} onRemove={session.canWrite ? (group) => ungrant(a, group) : undefined} />)}
                    </tbody>
                  </table>
                </div>
              )}
              {session.canWrite && <GrantForm key={a.grantedGroups.join(',')} app={a} preview={change} />}
              {change.panel()}
            </section>
          </>
        )}
      </Load>
      <section aria-labelledby="access-title">
        <div className="section-head">
          <h2 id="access-title">Members with access</h2>
          <label htmlFor="access-status" className="visually-hidden">Access status</label>
          <select id="access-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Granted and queued</option>
            <option value="granted">Granted</option>
            <option value="queued">Queued for a seat</option>
          </select>
        </div>
        <Load state={access.page} what="Loading access">
          {(p) =>
            p.access.length === 0 ? (
              <Empty>Nobody {status === 'queued' ? 'is queued' : 'has access'}.</Empty>
            ) : (
              <>
                <div className="table-wrap">
                  <table className="responsive" data-testid="access-table">
                    <thead><tr><th scope="col">Account</th><th scope="col">Email</th><th scope="col">Access</th><th scope="col">Since</th></tr></thead>
                    <tbody>
                      {p.access.map((r) => (
                        <tr key={r.id}>
                          <th scope="row" data-label="Account"><Link to={`/accounts/${r.id}`}>{accountLabel(r)}</Link></th>
                          <td data-label="Email">{r.email ?? '—'}</td>
                          <td data-label="Access"><StatusBadge value={r.access.status} /></td>
                          <td data-label="Since"><Time at={r.access.since} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <CursorPager label="Access pages" back={access.back} forward={access.forward} backLabel="Previous" forwardLabel="Next" />
              </>
            )
          }
        </Load>
      </section>
      <AppKeys appId={id} />
      {session.canWrite && app.data && (
        <section className="card danger-zone" aria-labelledby="delete-app-title">
          <h2 id="delete-app-title">Delete the app</h2>
          <p className="muted">Everyone loses its access; its keys stop working.</p>
          <button type="button" className="danger" disabled={remove.busy} onClick={() => void deleteApp(app.data!)}>Delete app</button>
          <ActionError error={remove.error} />
        </section>
      )}
    </section>
  );
}
