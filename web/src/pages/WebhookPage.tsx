import { useState } from 'react';
import { ActionError, CopyField, Empty, Load, StatusBadge, Time, useAction } from '../components.tsx';
import { del, get, patch, post, qs } from '../lib/api.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';
import type { Delivery, Webhook } from '../types.ts';
import { WebhookForm } from './WebhooksPage.tsx';

export function WebhookPage({ id }: { id: string }) {
  const session = useSession();
  const hook = useLoad(() => get<Webhook>(`/webhooks/${id}`), [id]);
  const [status, setStatus] = useState('');
  const deliveries = useLoad(() => get<{ deliveries: Delivery[] }>(`/webhooks/${id}/deliveries${qs({ status, limit: 100 })}`), [id, status]);
  const [secret, setSecret] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  async function save(body: Record<string, unknown>) {
    setSaved(false);
    if (await action.run(() => patch(`/webhooks/${id}`, body))) {
      setSaved(true);
      hook.reload();
    }
  }
  async function rotate() {
    if (!window.confirm('Rotate the signing secret? Signatures made with the old one stop verifying.')) return;
    const w = await action.run(() => patch<Webhook>(`/webhooks/${id}`, { rotateSecret: true }));
    if (w?.secret) setSecret(w.secret);
  }
  async function remove() {
    if (!window.confirm('Delete this webhook endpoint and its deliveries?')) return;
    const done = await action.run(async () => {
      await del(`/webhooks/${id}`);
      return true;
    });
    if (done) navigate('/webhooks');
  }
  async function redeliver(deliveryId?: string) {
    if (await action.run(() => post(deliveryId ? `/webhooks/${id}/deliveries/${deliveryId}/redeliver` : `/webhooks/${id}/redeliver`))) deliveries.reload();
  }

  return (
    <section>
      <p className="crumbs"><Link to="/webhooks">Webhooks</Link> / Endpoint</p>
      <Load state={hook} what="Loading the webhook">
        {(w) => (
          <>
            <div className="page-head">
              <h1 className="mono break">{w.url}</h1>
              <StatusBadge value={w.enabled ? 'enabled' : 'disabled'} />
            </div>
            {secret && (
              <div className="card new-secret" role="region" aria-label="New signing secret">
                <p className="warning"><strong>New signing secret. Copy it now: you won't see it again.</strong></p>
                <CopyField label="Signing secret" value={secret} secret />
                <button type="button" className="secondary" onClick={() => setSecret(null)}>I've copied it</button>
              </div>
            )}
            <ActionError error={action.error} />
            {session.canWrite ? (
              <section className="card" aria-labelledby="edit-hook-title">
                <h2 id="edit-hook-title">Settings</h2>
                <WebhookForm initial={w} submitLabel="Save" onSubmit={(b) => void save(b)} busy={action.busy} />
                {saved && <p role="status" className="ok">Saved.</p>}
                <div className="row">
                  <button type="button" onClick={() => void rotate()}>Rotate signing secret</button>
                  <button type="button" className="danger" onClick={() => void remove()}>Delete endpoint</button>
                </div>
              </section>
            ) : (
              <dl className="facts card">
                <dt>Events</dt><dd>{w.eventTypes?.join(', ') ?? 'every type'}</dd>
                <dt>Directory</dt><dd>{w.directoryId ?? 'all'}</dd>
                <dt>Description</dt><dd>{w.description ?? '—'}</dd>
              </dl>
            )}
          </>
        )}
      </Load>
      <section aria-labelledby="deliveries-title">
        <div className="page-head">
          <h2 id="deliveries-title">Deliveries</h2>
          <label htmlFor="delivery-status" className="visually-hidden">Delivery status</label>
          <select id="delivery-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="dead">Dead letters</option>
          </select>
          {session.canWrite && <button type="button" onClick={() => void redeliver()}>Redeliver all dead letters</button>}
        </div>
        <Load state={deliveries} what="Loading deliveries">
          {({ deliveries: list }) =>
            list.length === 0 ? (
              <Empty>No delivery{status ? ` in state ${status}` : ''}.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="responsive">
                  <thead><tr><th scope="col">Event</th><th scope="col">State</th><th scope="col" className="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Created</th>{session.canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
                  <tbody>
                    {list.map((d) => (
                      <tr key={d.id}>
                        <th scope="row" data-label="Event" className="mono">{d.eventId}</th>
                        <td data-label="State"><StatusBadge value={d.status} /></td>
                        <td className="num" data-label="Attempts">{d.attempts}</td>
                        <td data-label="Last answer">{d.lastStatus ?? ''} {d.lastError ?? ''}{d.nextAttemptAt ? <> · next <Time at={d.nextAttemptAt} /></> : null}</td>
                        <td data-label="Created"><Time at={d.createdAt} /></td>
                        {session.canWrite && <td>{d.status === 'dead' && <button type="button" onClick={() => void redeliver(d.id)}>Redeliver</button>}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Load>
      </section>
    </section>
  );
}
