import { useState, type FormEvent } from 'react';
import { Empty, Load, Pager, StatusBadge, Time } from '../../components.tsx';
import { get, qs } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { UserRow } from '../../types.ts';

const PAGE = 50;

/** A directory's SCIM users: searched, filtered and paged by the server. */
export function UsersList({ directoryId }: { directoryId: string }) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [active, setActive] = useState('');
  const [startIndex, setStartIndex] = useState(1);
  const users = useLoad(() => get<{ totalResults: number; users: UserRow[] }>(`/directories/${directoryId}/users${qs({ q, active, startIndex, count: PAGE })}`), [directoryId, q, active, startIndex]);

  function search(e: FormEvent) {
    e.preventDefault();
    setStartIndex(1);
    setQ(draft.trim());
  }
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form className="toolbar" onSubmit={search} role="search">
        <label htmlFor="user-search" className="visually-hidden">Search users</label>
        <input id="user-search" type="search" placeholder="userName, name, email or externalId" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <label htmlFor="user-active" className="visually-hidden">Status</label>
        <select id="user-active" value={active} onChange={(e) => { setActive(e.target.value); setStartIndex(1); }}>
          <option value="">Active and inactive</option>
          <option value="true">Active only</option>
          <option value="false">Deactivated only</option>
        </select>
        <button type="submit">Search</button>
      </form>
      <Load state={users} what="Loading users">
        {(page) =>
          page.users.length === 0 ? (
            <Empty>{q || active ? 'No user matches.' : 'No user yet: the IdP creates them when people are assigned to the app.'}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="responsive" data-testid="users-table">
                  <thead>
                    <tr><th scope="col">userName</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Updated</th></tr>
                  </thead>
                  <tbody>
                    {page.users.map((u) => (
                      <tr key={u.id}>
                        <th scope="row" data-label="userName"><Link to={`/directories/${directoryId}/users/${u.id}`}>{u.userName ?? u.id}</Link></th>
                        <td data-label="Name">{u.displayName ?? '—'}</td>
                        <td data-label="Email">{u.email ?? '—'}</td>
                        <td data-label="Status"><StatusBadge value={u.active ? 'active' : 'deactivated'} /></td>
                        <td data-label="Updated"><Time at={u.updatedAt} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager startIndex={startIndex} count={PAGE} total={page.totalResults} onPage={setStartIndex} />
            </>
          )
        }
      </Load>
    </section>
  );
}
