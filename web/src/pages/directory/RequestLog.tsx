import { useState, type FormEvent } from 'react';
import { CursorPager, Empty, ErrorBox, Loading, scimPath, Time } from '../../components.tsx';
import { get, qs } from '../../lib/api.ts';
import { useLoad } from '../../lib/use-load.ts';
import type { RequestEntry } from '../../types.ts';
import { errorText } from '../DirectoryPage.tsx';

const PAGE = 50;

/** The SCIM requests an IdP sent, newest first, as received and as normalized: "why did this not sync?". */
export function RequestLog({ directoryId, user: fixedUser }: { directoryId: string; user?: string }) {
  const [status, setStatus] = useState('');
  const [draft, setDraft] = useState('');
  const [user, setUser] = useState(fixedUser ?? '');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => get<{ requests: RequestEntry[]; nextCursor: string | null }>(`/directories/${directoryId}/requests${qs({ status, user, limit: PAGE, cursor })}`), [directoryId, status, user, cursor]);

  function filter(e: FormEvent) {
    e.preventDefault();
    setCursors([]);
    setUser(draft.trim());
  }
  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">{fixedUser ? 'Requests that touched this user' : 'Requests'}</h2>
      {!fixedUser && (
        <form className="toolbar" onSubmit={filter} role="search">
          <label htmlFor="req-status" className="visually-hidden">Status</label>
          <select id="req-status" value={status} onChange={(e) => { setStatus(e.target.value); setCursors([]); }}>
            <option value="">All statuses</option>
            <option value="error">Errors (400 and above)</option>
            <option value="2xx">2xx</option>
            <option value="4xx">4xx</option>
            <option value="5xx">5xx</option>
            <option value="409">409 conflicts</option>
          </select>
          <label htmlFor="req-user" className="visually-hidden">User</label>
          <input id="req-user" type="search" placeholder="User id or userName" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Filter</button>
        </form>
      )}
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading what="Loading requests" />
      ) : page.data.requests.length === 0 ? (
        <Empty>{cursors.length ? 'No older request.' : 'No request logged yet (or the request log is off).'}</Empty>
      ) : (
        <ul className="request-list">
          {page.data.requests.map((r) => (
            <li key={`${r.requestId}-${r.at}`}>
              <details>
                <summary>
                  <span className={`badge ${r.status >= 400 ? 'badge-bad' : 'badge-ok'}`}>{r.status}</span> <code>{r.method} {scimPath(r.path)}</code>{' '}
                  <span className="muted">{r.operation} · {r.latencyMs} ms ·</span> <Time at={r.at} />
                  {r.error ? <span className="bad"> — {errorText(r.error)}</span> : null}
                </summary>
                <div className="request-detail">
                  <p className="muted">Request id <code>{r.requestId}</code> (the server log's <code>reqId</code>){r.query ? <> · query <code>{r.query}</code></> : null}</p>
                  <h4>As received</h4>
                  <pre className="json">{JSON.stringify(r.received, null, 2) ?? '—'}</pre>
                  {r.normalized ? (
                    <>
                      <h4>As normalized ({JSON.stringify(r.rewrites)})</h4>
                      <pre className="json">{JSON.stringify(r.normalized, null, 2)}</pre>
                    </>
                  ) : null}
                  {r.error ? (
                    <>
                      <h4>Error returned</h4>
                      <pre className="json">{JSON.stringify(r.error, null, 2)}</pre>
                    </>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      <CursorPager
        label="Request pages"
        backLabel="Newer"
        forwardLabel="Older"
        back={cursors.length ? () => setCursors(cursors.slice(0, -1)) : undefined}
        forward={page.data?.nextCursor ? () => setCursors([...cursors, page.data!.nextCursor!]) : undefined}
      />
    </section>
  );
}
