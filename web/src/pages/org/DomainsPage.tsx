import { useState, type FormEvent } from 'react';
import { Empty, Load } from '../../components.tsx';
import { del, get, post } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { usePreviewedChange } from './ChangePreview.tsx';
import type { Changes } from './org-types.ts';
import './org.css';

/** The organization's domains: accounts with their emails are internal and link by email. Each change previewed. */
export function DomainsPage() {
  const session = useSession();
  const domains = useLoad(() => get<{ domains: string[] }>('/domains').then((d) => d.domains), []);
  const [domain, setDomain] = useState('');
  const change = usePreviewedChange(() => {
    setDomain('');
    domains.reload();
  });
  function add(e: FormEvent) {
    e.preventDefault();
    const d = domain.trim();
    if (!d) return;
    void change.start(() => post<{ changes: Changes }>('/domains?preview=true', { domain: d }), { title: `add the domain ${d}`, confirmLabel: `Add ${d}`, apply: () => post('/domains', { domain: d }) });
  }
  function remove(d: string) {
    void change.start(() => del<{ changes: Changes }>(`/domains/${encodeURIComponent(d)}?preview=true`), { title: `remove the domain ${d}`, confirmLabel: `Remove ${d}`, apply: () => del(`/domains/${encodeURIComponent(d)}`), danger: true });
  }
  return (
    <section>
      <h1>Domains</h1>
      <p className="muted">
        Accounts whose email is in none of these domains are <strong>external</strong>, and only these domains' emails link two directories' users
        into one account. Adding a domain declares it yours: Roster checks no DNS. With no domain, the check is off.
      </p>
      <Load state={domains} what="Loading domains">
        {(list) =>
          list.length === 0 ? (
            <Empty>No domain: no account is external and none is linked by email.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive" data-testid="domains-table">
                <thead><tr><th scope="col">Domain</th>{session.canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
                <tbody>
                  {list.map((d) => (
                    <tr key={d}>
                      <th scope="row" data-label="Domain" className="mono">{d}</th>
                      {session.canWrite && <td><button type="button" className="danger" onClick={() => remove(d)}>Remove</button></td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
      {session.canWrite && (
        <form className="card form inline-form" onSubmit={add} aria-labelledby="new-domain-title">
          <h2 id="new-domain-title">Add a domain</h2>
          <div className="field">
            <label htmlFor="new-domain">Domain</label>
            <input id="new-domain" value={domain} onChange={(e) => { setDomain(e.target.value); change.cancel(); }} placeholder="example.com" maxLength={253} />
          </div>
          <button type="submit" disabled={change.busy || !domain.trim()}>Preview</button>
        </form>
      )}
      {change.panel()}
    </section>
  );
}
