import { useState, type FormEvent } from 'react';
import { ActionError, CopyField, Empty, Load, StatusBadge, Time, useAction } from '../../components.tsx';
import { del, get, post } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { Directory, Token } from '../../types.ts';

const GRACE = [
  { seconds: 0, label: 'none: the old token stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86400, label: '1 day' },
  { seconds: 604800, label: '7 days' },
];

/** A token's secret, shown once after it was made. */
function NewToken({ token, onClose }: { token: { token: string; prefix: string; why: string }; onClose: () => void }) {
  return (
    <div className="card new-secret" role="region" aria-label="New token">
      <p className="warning"><strong>{token.why} Copy it now: you won't see it again.</strong></p>
      <CopyField label="Token" value={token.token} secret />
      <button type="button" className="secondary" onClick={onClose}>I've copied it</button>
    </div>
  );
}

export function DirectoryTokens({ directory }: { directory: Directory }) {
  const session = useSession();
  const tokens = useLoad(() => get<{ tokens: Token[] }>(`/directories/${directory.id}/tokens`), [directory.id]);
  const [issued, setIssued] = useState<{ token: string; prefix: string; why: string } | null>(null);
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  const [grace, setGrace] = useState<Record<string, number>>({});
  const action = useAction();

  async function create(e: FormEvent) {
    e.preventDefault();
    const body = { label: label.trim() || null, expiresAt: expires ? new Date(`${expires}T00:00:00Z`).toISOString() : null };
    const made = await action.run(() => post<Token & { token: string }>(`/directories/${directory.id}/tokens`, body));
    if (made) {
      setIssued({ token: made.token, prefix: made.prefix, why: 'New token created.' });
      setLabel('');
      setExpires('');
      tokens.reload();
    }
  }
  async function rotate(t: Token) {
    const graceSeconds = grace[t.id] ?? 3600;
    const made = await action.run(() => post<Token & { token: string }>(`/tokens/${t.id}/rotate`, { graceSeconds }));
    if (made) {
      setIssued({ token: made.token, prefix: made.prefix, why: graceSeconds > 0 ? `Token ${t.prefix}… rotated; it keeps working for ${GRACE.find((g) => g.seconds === graceSeconds)?.label}. Paste the new one into the IdP.` : `Token ${t.prefix}… rotated and stopped.` });
      tokens.reload();
    }
  }
  async function revoke(t: Token) {
    if (!window.confirm(`Revoke token ${t.prefix}…? The IdP using it gets 401 from now on.`)) return;
    const done = await action.run(async () => {
      await del(`/tokens/${t.id}`);
      return true;
    });
    if (done) tokens.reload();
  }

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <p className="muted">The IdP sends one of these as its bearer token. Rotate with an overlap so the IdP keeps working until you paste the new one.</p>
      {issued && <NewToken token={issued} onClose={() => setIssued(null)} />}
      <ActionError error={action.error} />
      <Load state={tokens} what="Loading tokens">
        {({ tokens: list }) =>
          list.length === 0 ? (
            <Empty>No token: the IdP cannot call this directory. Create one below.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive" data-testid="tokens-table">
                <thead>
                  <tr><th scope="col">Token</th><th scope="col">Label</th><th scope="col">State</th><th scope="col">Expires</th><th scope="col">Last used</th>{session.canWrite && <th scope="col">Actions</th>}</tr>
                </thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.id}>
                      <th scope="row" data-label="Token" className="mono">{t.prefix}…</th>
                      <td data-label="Label">{t.label ?? '—'}</td>
                      <td data-label="State"><StatusBadge value={t.state} /></td>
                      <td data-label="Expires"><Time at={t.expiresAt} fallback="never" /></td>
                      <td data-label="Last used"><Time at={t.lastUsedAt} fallback="never" /></td>
                      {session.canWrite && (
                        <td data-label="Actions" className="actions">
                          {t.state !== 'revoked' && t.state !== 'expired' && (
                            <>
                              <label className="visually-hidden" htmlFor={`grace-${t.id}`}>Overlap for {t.prefix}</label>
                              <select id={`grace-${t.id}`} value={grace[t.id] ?? 3600} onChange={(e) => setGrace({ ...grace, [t.id]: Number(e.target.value) })}>
                                {GRACE.map((g) => <option key={g.seconds} value={g.seconds}>overlap: {g.label}</option>)}
                              </select>
                              <button type="button" onClick={() => void rotate(t)} disabled={action.busy}>Rotate</button>
                              <button type="button" className="danger" onClick={() => void revoke(t)} disabled={action.busy}>Revoke</button>
                            </>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.canWrite && (
        <form className="card form inline-form" onSubmit={create} aria-labelledby="new-token-title">
          <h3 id="new-token-title">Create a token</h3>
          <div className="field">
            <label htmlFor="token-label">Label (optional)</label>
            <input id="token-label" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="Okta production" />
          </div>
          <div className="field">
            <label htmlFor="token-expires">Expires on (optional)</label>
            <input id="token-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </div>
          <button type="submit" disabled={action.busy}>Create token</button>
        </form>
      )}
    </section>
  );
}
