import { useState, type FormEvent } from 'react';
import { ActionError, CopyField, Empty, Load, StatusBadge, useAction } from '../components.tsx';
import { get, post } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';
import type { Directory, Webhook } from '../types.ts';

export function WebhooksPage() {
  const session = useSession();
  const hooks = useLoad(() => get<{ webhooks: Webhook[] }>('/webhooks'), []);
  const [created, setCreated] = useState<Webhook | null>(null);
  return (
    <section>
      <div className="page-head"><h1>Webhooks</h1></div>
      <p className="muted">Roster POSTs each event to these URLs, signed with the endpoint's secret, retried with backoff and dead-lettered after the last attempt.</p>
      {created?.secret && (
        <div className="card new-secret" role="region" aria-label="New webhook secret">
          <p className="warning"><strong>Webhook created. Copy its signing secret now: you won't see it again.</strong></p>
          <CopyField label="Signing secret" value={created.secret} secret />
          <button type="button" className="secondary" onClick={() => setCreated(null)}>I've copied it</button>
        </div>
      )}
      <Load state={hooks} what="Loading webhooks">
        {({ webhooks }) =>
          webhooks.length === 0 ? (
            <Empty>No webhook endpoint.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Directory</th><th scope="col">State</th></tr></thead>
                <tbody>
                  {webhooks.map((w) => (
                    <tr key={w.id}>
                      <th scope="row" data-label="URL"><Link to={`/webhooks/${w.id}`} className="mono">{w.url}</Link>{w.description ? <div className="muted">{w.description}</div> : null}</th>
                      <td data-label="Events">{w.eventTypes ? w.eventTypes.join(', ') : 'every type'}</td>
                      <td data-label="Directory">{w.directoryId ?? 'all'}</td>
                      <td data-label="State"><StatusBadge value={w.enabled ? 'enabled' : 'disabled'} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.canWrite && <NewWebhook onCreated={(w) => { setCreated(w); hooks.reload(); }} />}
    </section>
  );
}

export function WebhookForm({ initial, submitLabel, onSubmit, busy }: { initial: Partial<Webhook>; submitLabel: string; onSubmit: (body: Record<string, unknown>) => void; busy: boolean }) {
  const directories = useLoad(() => get<{ directories: Directory[] }>('/directories'), []);
  const [url, setUrl] = useState(initial.url ?? '');
  const [types, setTypes] = useState((initial.eventTypes ?? []).join(', '));
  const [directoryId, setDirectoryId] = useState(initial.directoryId ?? '');
  const [description, setDescription] = useState(initial.description ?? '');
  const [enabled, setEnabled] = useState(initial.enabled ?? true);
  function submit(e: FormEvent) {
    e.preventDefault();
    const list = types.split(/[\s,]+/).map((t) => t.trim()).filter(Boolean);
    onSubmit({ url: url.trim(), eventTypes: list.length ? list : null, directoryId: directoryId || null, description: description.trim() || null, enabled });
  }
  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor="hook-url">URL</label>
        <input id="hook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://app.example.com/roster-events" />
      </div>
      <div className="field">
        <label htmlFor="hook-types">Event types (comma-separated; empty: every type)</label>
        <input id="hook-types" value={types} onChange={(e) => setTypes(e.target.value)} placeholder="user.created, user.deactivated, group.member_added" className="mono" />
      </div>
      <div className="field">
        <label htmlFor="hook-dir">Directory</label>
        <select id="hook-dir" value={directoryId} onChange={(e) => setDirectoryId(e.target.value)}>
          <option value="">Every directory</option>
          {directories.data?.directories.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="hook-desc">Description</label>
        <input id="hook-desc" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <label className="checkbox"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled</label>
      <div className="row"><button type="submit" disabled={busy}>{submitLabel}</button></div>
    </form>
  );
}

function NewWebhook({ onCreated }: { onCreated: (w: Webhook) => void }) {
  const action = useAction();
  const [key, setKey] = useState(0);
  async function create(body: Record<string, unknown>) {
    const w = await action.run(() => post<Webhook>('/webhooks', body));
    if (w) {
      onCreated(w);
      setKey(key + 1);
    }
  }
  return (
    <section className="card" aria-labelledby="new-hook-title">
      <h2 id="new-hook-title">Add an endpoint</h2>
      <WebhookForm key={key} initial={{}} submitLabel="Add webhook" onSubmit={(b) => void create(b)} busy={action.busy} />
      <ActionError error={action.error} />
    </section>
  );
}
