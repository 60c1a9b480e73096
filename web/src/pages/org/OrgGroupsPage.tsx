import { useState, type FormEvent } from 'react';
import { ActionError, CursorPager, Empty, Load, useAction } from '../../components.tsx';
import { get, post, qs } from '../../lib/api.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import type { OrgGroup } from './org-types.ts';
import { useCursorPage } from './use-cursor-page.ts';
import { directoryName, useDirectories } from './use-org-lookups.ts';
import './org.css';

const PAGE = 50;

export function DefaultBadge({ kind }: { kind: OrgGroup['defaultKind'] }) {
  if (!kind) return null;
  return <span className="badge badge-active">{kind === 'all' ? 'default: every account' : 'default: new accounts'}</span>;
}

/** Org groups: made by directories' group mappings, or by hand; searched and paged by the server. */
export function OrgGroupsPage() {
  const session = useSession();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const directories = useDirectories();
  const { page, pageNumber, back, forward } = useCursorPage((cursor) => get<{ groups: OrgGroup[]; nextCursor: string | null }>(`/org-groups${qs({ search, cursor, limit: PAGE })}`), [search]);
  const [name, setName] = useState('');
  const action = useAction();
  async function create(e: FormEvent) {
    e.preventDefault();
    const made = await action.run(() => post<OrgGroup>('/org-groups', { name: name.trim() }));
    if (made) navigate(`/org-groups/${made.id}`);
  }
  return (
    <section>
      <h1>Org groups</h1>
      <p className="muted">Org groups: what apps are granted to. Directories' group mappings make and fill most of them.</p>
      <form className="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(draft.trim()); }}>
        <label htmlFor="group-search" className="visually-hidden">Search groups</label>
        <input id="group-search" type="search" placeholder="group name" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <Load state={page} what="Loading groups">
        {(p) =>
          p.groups.length === 0 ? (
            <Empty>{search ? 'No group matches.' : 'No org group yet: a directory that pushes groups makes them, or create one below.'}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="responsive" data-testid="org-groups-table">
                  <thead><tr><th scope="col">Name</th><th scope="col" className="num">Members</th><th scope="col">Source</th><th scope="col">Default</th></tr></thead>
                  <tbody>
                    {p.groups.map((g) => (
                      <tr key={g.id}>
                        <th scope="row" data-label="Name"><Link to={`/org-groups/${g.id}`}>{g.name}</Link></th>
                        <td data-label="Members" className="num">{g.memberCount.toLocaleString()}</td>
                        <td data-label="Source">{g.syncedBy ? <>synced by <Link to={`/directories/${g.syncedBy}/rules`}>{directoryName(directories.data, g.syncedBy)}</Link></> : 'made by hand'}</td>
                        <td data-label="Default">{g.defaultKind ? <DefaultBadge kind={g.defaultKind} /> : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {(back || forward) && <p className="muted">Page {pageNumber}</p>}
              <CursorPager label="Group pages" back={back} forward={forward} backLabel="Previous" forwardLabel="Next" />
            </>
          )
        }
      </Load>
      {session.canWrite && (
        <form className="card form inline-form" onSubmit={create} aria-labelledby="new-group-title">
          <h2 id="new-group-title">Create a group by hand</h2>
          <div className="field">
            <label htmlFor="new-group-name">Group name</label>
            <input id="new-group-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
          </div>
          <button type="submit" disabled={action.busy || !name.trim()}>Create group</button>
          <ActionError error={action.error} />
        </form>
      )}
    </section>
  );
}
