import { useState, type FormEvent } from 'react';
import { CursorPager, Empty, Load, StatusBadge, Time } from '../../components.tsx';
import { get, qs } from '../../lib/api.ts';
import { Link, useLocation } from '../../lib/router.tsx';
import { accountLabel, type Account } from './org-types.ts';
import { useCursorPage } from './use-cursor-page.ts';
import { useApps, useDirectories, useGroupChoices } from './use-org-lookups.ts';
import './org.css';

const PAGE = 50;

interface Filters {
  readonly search: string;
  readonly status: string;
  readonly directoryId: string;
  readonly appId: string;
  readonly groupId: string;
}

/** Accounts (one per person, across directories): searched and filtered by the server, paged by cursor. */
export function AccountsPage() {
  const { search: params } = useLocation();
  const initial: Filters = { search: params.get('search') ?? '', status: params.get('status') ?? '', directoryId: params.get('directoryId') ?? '', appId: params.get('appId') ?? '', groupId: params.get('groupId') ?? '' };
  const [draft, setDraft] = useState(initial.search);
  const [filters, setFilters] = useState<Filters>(initial);
  const directories = useDirectories();
  const apps = useApps();
  const groups = useGroupChoices();
  const { page, pageNumber, back, forward } = useCursorPage(
    (cursor) => get<{ accounts: Account[]; nextCursor: string | null }>(`/accounts${qs({ ...filters, cursor, limit: PAGE })}`),
    [filters],
  );
  const set = (k: keyof Filters, v: string) => setFilters({ ...filters, [k]: v });
  function submit(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...filters, search: draft.trim() });
  }
  const filtered = Object.values(filters).some(Boolean);
  const groupOptions = groups.data ?? [];
  return (
    <section>
      <h1>Accounts</h1>
      <p className="muted">One account per person, linked from each directory that knows them (docs/organization.md).</p>
      <form className="filters" onSubmit={submit} role="search" aria-label="Filter accounts">
        <div>
          <label htmlFor="account-search">Search</label>
          <input id="account-search" type="search" placeholder="name, email or userName" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <div>
          <label htmlFor="account-status">Status</label>
          <select id="account-status" value={filters.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="deactivated">Deactivated</option>
          </select>
        </div>
        <div>
          <label htmlFor="account-directory">Directory</label>
          <select id="account-directory" value={filters.directoryId} onChange={(e) => set('directoryId', e.target.value)}>
            <option value="">Any</option>
            {directories.data?.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="account-app">App</label>
          <select id="account-app" value={filters.appId} onChange={(e) => set('appId', e.target.value)}>
            <option value="">Any</option>
            {apps.data?.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="account-group">Group</label>
          <select id="account-group" value={filters.groupId} onChange={(e) => set('groupId', e.target.value)}>
            <option value="">Any</option>
            {filters.groupId && !groupOptions.some((g) => g.id === filters.groupId) && <option value={filters.groupId}>{filters.groupId.slice(0, 8)}…</option>}
            {groupOptions.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <Load state={page} what="Loading accounts">
        {(p) =>
          p.accounts.length === 0 ? (
            <Empty>{filtered ? 'No account matches.' : 'No account yet: accounts appear when a directory provisions users.'}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="responsive" data-testid="accounts-table">
                  <thead>
                    <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">userName</th><th scope="col">Status</th><th scope="col">Updated</th></tr>
                  </thead>
                  <tbody>
                    {p.accounts.map((a) => (
                      <tr key={a.id}>
                        <th scope="row" data-label="Name"><Link to={`/accounts/${a.id}`}>{accountLabel(a)}</Link></th>
                        <td data-label="Email">{a.email ?? '—'} {a.external && <span className="badge badge-paused">external</span>}</td>
                        <td data-label="userName" className="mono">{a.userName ?? '—'}</td>
                        <td data-label="Status"><StatusBadge value={a.status} /></td>
                        <td data-label="Updated"><Time at={a.updatedAt} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {(back || forward) && <p className="muted">Page {pageNumber}</p>}
              <CursorPager label="Account pages" back={back} forward={forward} backLabel="Previous" forwardLabel="Next" />
            </>
          )
        }
      </Load>
    </section>
  );
}
