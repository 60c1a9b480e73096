import { useState, type FormEvent } from 'react';
import { CursorPager, Empty, ErrorBox, Loading, Time } from '../components.tsx';
import { get, qs } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useLoad } from '../lib/use-load.ts';
import type { Directory, EventEnvelope } from '../types.ts';

/** The ordered event feed, as an app consuming it sees it: page forward with the cursor. */
export function EventsPage() {
  const directories = useLoad(() => get<{ directories: Directory[] }>('/directories'), []);
  const [directory, setDirectory] = useState('');
  const [typesDraft, setTypesDraft] = useState('');
  const [types, setTypes] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const page = useLoad(() => get<{ events: EventEnvelope[]; nextCursor: string; hasMore: boolean }>(`/events${qs({ after, limit: 50, types, directory })}`), [after, types, directory]);
  function filter(e: FormEvent) {
    e.preventDefault();
    setCursors([]);
    setTypes(typesDraft.replace(/\s+/g, ''));
  }
  return (
    <section>
      <h1>Event feed</h1>
      <p className="muted">Every change, oldest first, in commit order. Apps read the same feed at <code>GET /api/v1/events</code> (docs/events.md).</p>
      <form className="toolbar" onSubmit={filter} role="search">
        <label htmlFor="ev-dir" className="visually-hidden">Directory</label>
        <select id="ev-dir" value={directory} onChange={(e) => { setDirectory(e.target.value); setCursors([]); }}>
          <option value="">Every directory</option>
          {directories.data?.directories.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
        <label htmlFor="ev-types" className="visually-hidden">Event types</label>
        <input id="ev-types" value={typesDraft} onChange={(e) => setTypesDraft(e.target.value)} placeholder="user.created,group.member_added" className="mono" />
        <button type="submit">Filter</button>
      </form>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading what="Loading events" />
      ) : page.data.events.length === 0 ? (
        <Empty>{cursors.length ? 'No event after this point yet.' : 'No event yet.'}</Empty>
      ) : (
        <ol className="timeline">
          {page.data.events.map((e) => (
            <li key={e.id}>
              <details>
                <summary>
                  <code>{e.type}</code> <Time at={e.at} />{' '}
                  {e.directoryId && e.resourceId && (e.resourceType === 'User' || e.resourceType === 'Group') ? (
                    <Link to={`/directories/${e.directoryId}/${e.resourceType === 'User' ? 'users' : 'groups'}/${e.resourceId}`} className="mono">{e.resourceId}</Link>
                  ) : (
                    <span className="mono muted">{e.resourceId}</span>
                  )}
                </summary>
                <pre className="json">{JSON.stringify({ id: e.id, directoryId: e.directoryId, data: e.data, changed: e.changed }, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
      <CursorPager
        label="Feed pages"
        backLabel="Back to the start"
        forwardLabel="Next events"
        back={cursors.length ? () => setCursors([]) : undefined}
        forward={page.data?.hasMore ? () => setCursors([...cursors, page.data!.nextCursor]) : undefined}
      />
    </section>
  );
}
