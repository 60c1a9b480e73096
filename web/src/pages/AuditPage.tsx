import { useState, type FormEvent } from 'react';
import { CursorPager, Empty, ErrorBox, Loading, Time } from '../components.tsx';
import { get, qs } from '../lib/api.ts';
import { useLoad } from '../lib/use-load.ts';
import type { AuditEntry } from '../types.ts';

/** Who changed what, from where: every admin action, newest first. */
export function AuditPage() {
  const [actionDraft, setActionDraft] = useState('');
  const [action, setAction] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => get<{ entries: AuditEntry[]; nextCursor: string | null }>(`/audit${qs({ action, limit: 50, cursor })}`), [action, cursor]);
  function filter(e: FormEvent) {
    e.preventDefault();
    setCursors([]);
    setAction(actionDraft.trim());
  }
  return (
    <section>
      <h1>Audit log</h1>
      <form className="toolbar" onSubmit={filter} role="search">
        <label htmlFor="audit-action" className="visually-hidden">Action</label>
        <input id="audit-action" value={actionDraft} onChange={(e) => setActionDraft(e.target.value)} placeholder="Action, e.g. token.rotate" className="mono" />
        <button type="submit">Filter</button>
      </form>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading what="Loading the audit log" />
      ) : page.data.entries.length === 0 ? (
        <Empty>No admin action recorded{action ? ` for ${action}` : ''}.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
            <tbody>
              {page.data.entries.map((a) => (
                <tr key={a.id}>
                  <td data-label="When"><Time at={a.at} /></td>
                  <td data-label="Who">{a.actor.label ?? a.actor.type} <span className="muted">{a.actor.address ?? ''}</span></td>
                  <th scope="row" data-label="Action" className="mono">{a.action}</th>
                  <td data-label="Target">{a.targetType} <span className="mono muted">{a.targetId}</span></td>
                  <td data-label="Details">
                    <details><summary>before / after</summary><pre className="json">{JSON.stringify({ before: a.before, after: a.after }, null, 2)}</pre></details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager
        label="Audit pages"
        backLabel="Newer"
        forwardLabel="Older"
        back={cursors.length ? () => setCursors(cursors.slice(0, -1)) : undefined}
        forward={page.data?.nextCursor ? () => setCursors([...cursors, page.data!.nextCursor!]) : undefined}
      />
    </section>
  );
}
