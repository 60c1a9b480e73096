import { useState, type FormEvent } from 'react';
import { Empty, Load, Pager, Time } from '../../components.tsx';
import { get, qs } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { GroupRow } from '../../types.ts';

const PAGE = 50;

export function GroupsList({ directoryId }: { directoryId: string }) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [startIndex, setStartIndex] = useState(1);
  const groups = useLoad(() => get<{ totalResults: number; groups: GroupRow[] }>(`/directories/${directoryId}/groups${qs({ q, startIndex, count: PAGE })}`), [directoryId, q, startIndex]);
  function search(e: FormEvent) {
    e.preventDefault();
    setStartIndex(1);
    setQ(draft.trim());
  }
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <form className="toolbar" onSubmit={search} role="search">
        <label htmlFor="group-search" className="visually-hidden">Search groups</label>
        <input id="group-search" type="search" placeholder="Group name or externalId" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <Load state={groups} what="Loading groups">
        {(page) =>
          page.groups.length === 0 ? (
            <Empty>{q ? 'No group matches.' : 'No group yet: push groups from the IdP (Okta: Push Groups; Entra: assign groups).'}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="responsive" data-testid="groups-table">
                  <thead>
                    <tr><th scope="col">Name</th><th scope="col" className="num">Members</th><th scope="col">externalId</th><th scope="col">Updated</th></tr>
                  </thead>
                  <tbody>
                    {page.groups.map((g) => (
                      <tr key={g.id}>
                        <th scope="row" data-label="Name"><Link to={`/directories/${directoryId}/groups/${g.id}`}>{g.displayName ?? g.id}</Link></th>
                        <td className="num" data-label="Members">{g.memberCount.toLocaleString()}</td>
                        <td data-label="externalId" className="mono">{g.externalId ?? '—'}</td>
                        <td data-label="Updated"><Time at={g.updatedAt} /></td>
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
