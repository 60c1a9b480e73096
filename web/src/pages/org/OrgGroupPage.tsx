import { useState } from 'react';
import { ActionError, CursorPager, Empty, Load, StatusBadge, Time, useAction } from '../../components.tsx';
import { del, get, put, qs } from './org-api.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { usePreviewedChange } from './ChangePreview.tsx';
import { DefaultBadge } from './OrgGroupsPage.tsx';
import { accountLabel, type Account, type Changes, type OrgGroup } from './org-types.ts';
import { useCursorPage } from './use-cursor-page.ts';
import { directoryName, useApps, useDirectories } from './use-org-lookups.ts';
import './org.css';

const PAGE = 50;

/** Default group: `new` accounts join it, `all` accounts are in it, or none. A synced group answers 409 with why. */
function DefaultControl({ group, onChanged }: { group: OrgGroup; onChanged: () => void }) {
  const session = useSession();
  const [kind, setKind] = useState<string>(group.defaultKind ?? 'none');
  const change = usePreviewedChange(onChanged);
  const body = { kind: kind === 'none' ? null : kind };
  const label = kind === 'none' ? 'not a default group' : kind === 'all' ? 'a default group of every account' : 'a default group of new accounts';
  return (
    <section className="card" aria-labelledby="default-title">
      <h2 id="default-title">Default group</h2>
      <p className="muted">A default group's members come from Roster, not an IdP: a group a directory syncs cannot be one.</p>
      {session.canWrite ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void change.start(() => put<{ changes: Changes }>(`/org-groups/${group.id}/default?preview=true`, body), { title: `make "${group.name}" ${label}`, confirmLabel: 'Save default setting', apply: () => put(`/org-groups/${group.id}/default`, body) }); }}>
          <label htmlFor="default-kind">Default for</label>
          <select id="default-kind" value={kind} onChange={(e) => { setKind(e.target.value); change.cancel(); }}>
            <option value="none">None</option>
            <option value="new">New accounts</option>
            <option value="all">Every account</option>
          </select>
          <button type="submit" disabled={change.busy || kind === (group.defaultKind ?? 'none')}>Preview</button>
        </form>
      ) : (
        <p>{group.defaultKind ? <DefaultBadge kind={group.defaultKind} /> : 'Not a default group.'}</p>
      )}
      {change.panel()}
    </section>
  );
}

/** One org group: where it comes from, which apps it grants, its members a page at a time. */
export function OrgGroupPage({ id }: { id: string }) {
  const session = useSession();
  const group = useLoad(() => get<OrgGroup>(`/org-groups/${id}`), [id]);
  const directories = useDirectories();
  const apps = useApps();
  const { page, pageNumber, back, forward } = useCursorPage((cursor) => get<{ members: Account[]; nextCursor: string | null }>(`/org-groups/${id}/members${qs({ cursor, limit: PAGE })}`), [id]);
  const remove = useAction();
  async function deleteGroup(g: OrgGroup) {
    if (!window.confirm(`Delete the group "${g.name}"? Apps granted to it lose those grants.`)) return;
    const done = await remove.run(async () => {
      await del(`/org-groups/${g.id}`);
      return true;
    });
    if (done) navigate('/org-groups');
  }
  return (
    <section>
      <p className="crumbs"><Link to="/org-groups">Org groups</Link> / {group.data?.name ?? '…'}</p>
      <Load state={group} what="Loading the group">
        {(g) => {
          const granting = apps.data?.filter((a) => a.grantedGroups.includes(g.id)) ?? [];
          return (
            <>
              <div className="page-head">
                <h1>{g.name}</h1>
                <DefaultBadge kind={g.defaultKind} />
              </div>
              <div className="two-col">
                <section className="card" aria-labelledby="about-title">
                  <h2 id="about-title">About</h2>
                  <dl className="facts">
                    <dt>Members</dt><dd data-testid="group-member-count">{g.memberCount.toLocaleString()}</dd>
                    <dt>Source</dt>
                    <dd>{g.syncedBy ? <>synced by directory <Link to={`/directories/${g.syncedBy}/rules`}>{directoryName(directories.data, g.syncedBy)}</Link> (its group mapping)</> : 'made by hand'}</dd>
                    <dt>Apps</dt>
                    <dd>{granting.length === 0 ? 'none granted' : granting.map((a, i) => <span key={a.id}>{i > 0 && ', '}<Link to={`/apps/${a.id}`}>{a.name}</Link></span>)}</dd>
                    {g.description && <><dt>Description</dt><dd>{g.description}</dd></>}
                    <dt>Created</dt><dd><Time at={g.createdAt} /></dd>
                  </dl>
                  <p><Link to={`/accounts?groupId=${g.id}`}>Search its members in Accounts</Link></p>
                  {session.canWrite && !g.syncedBy && (
                    <>
                      <button type="button" className="danger" disabled={remove.busy} onClick={() => void deleteGroup(g)}>Delete group</button>
                      <ActionError error={remove.error} />
                    </>
                  )}
                </section>
                <DefaultControl group={g} onChanged={group.reload} />
              </div>
            </>
          );
        }}
      </Load>
      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <Load state={page} what="Loading members">
          {(p) =>
            p.members.length === 0 ? (
              <Empty>No member.</Empty>
            ) : (
              <>
                <div className="table-wrap">
                  <table className="responsive" data-testid="org-members-table">
                    <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th></tr></thead>
                    <tbody>
                      {p.members.map((a) => (
                        <tr key={a.id}>
                          <th scope="row" data-label="Name"><Link to={`/accounts/${a.id}`}>{accountLabel(a)}</Link></th>
                          <td data-label="Email">{a.email ?? '—'}</td>
                          <td data-label="Status"><StatusBadge value={a.status} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {(back || forward) && <p className="muted">Page {pageNumber} ({PAGE} a page)</p>}
                <CursorPager label="Member pages" back={back} forward={forward} backLabel="Previous" forwardLabel="Next" />
              </>
            )
          }
        </Load>
      </section>
    </section>
  );
}
