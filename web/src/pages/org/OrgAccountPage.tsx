import { useState } from 'react';
import { Empty, JsonBlock, Load, StatusBadge, Time } from '../../components.tsx';
import { get } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { Directory } from '../../types.ts';
import { ResourceEvents } from '../ResourceEvents.tsx';
import { ExplainAccess } from './ExplainAccess.tsx';
import { accountLabel, type AccountDetail, type AccountLink } from './org-types.ts';
import { directoryName, useApps, useDirectories } from './use-org-lookups.ts';
import './org.css';

const PROFILE = ['userName', 'email', 'displayName', 'givenName', 'familyName', 'title', 'department', 'manager', 'locale', 'timezone'] as const;

/** `map:<directory>:<IdP group>`, `default`, `initial` or `manual`, in words (docs/organization.md). */
function Source({ source, directories }: { source: string; directories: readonly Directory[] | undefined }) {
  const m = /^map:([^:]+):(.+)$/.exec(source);
  if (m) {
    return (
      <>
        mapped by <Link to={`/directories/${m[1]}/rules`}>{directoryName(directories, m[1]!)}</Link> from its{' '}
        <Link to={`/directories/${m[1]}/groups/${m[2]}`}>IdP group</Link>
      </>
    );
  }
  if (source === 'default') return <>a default group (every account)</>;
  if (source === 'initial') return <>a default group joined when new</>;
  if (source === 'manual') return <>added by hand</>;
  return <code>{source}</code>;
}

/** A directory's SCIM user behind a link, as the IdP reads it back, loaded when opened. */
function LinkResource({ link }: { link: AccountLink }) {
  const user = useLoad(() => get<{ resource: unknown }>(`/directories/${link.directoryId}/users/${link.userId}`), [link.directoryId, link.userId]);
  return <Load state={user} what="Loading the SCIM resource">{(u) => <JsonBlock value={u.resource} label="SCIM resource JSON" />}</Load>;
}

function LinkCard({ link, directories, primary }: { link: AccountLink; directories: readonly Directory[] | undefined; primary: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="link-card" data-testid="account-link">
      <div className="section-head">
        <strong><Link to={`/directories/${link.directoryId}`}>{directoryName(directories, link.directoryId)}</Link></strong>
        {primary && <span className="badge">primary</span>}
        <StatusBadge value={link.active ? 'active' : 'deactivated'} />
      </div>
      <p className="muted">
        Linked <Time at={link.createdAt} /> by <code>{link.linkedBy}</code> · <Link to={`/directories/${link.directoryId}/users/${link.userId}`}>SCIM user page</Link>
      </p>
      <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>Raw SCIM resource</summary>
        {open && <LinkResource link={link} />}
      </details>
    </div>
  );
}

/** One account: its profile, the directories that link it, its groups with why, its apps with why. */
export function OrgAccountPage({ id }: { id: string }) {
  const account = useLoad(() => get<AccountDetail>(`/accounts/${id}`), [id]);
  const directories = useDirectories();
  const apps = useApps();
  const [why, setWhy] = useState<Record<string, boolean>>({});
  const [other, setOther] = useState('');
  const [asked, setAsked] = useState('');
  return (
    <section>
      <p className="crumbs"><Link to="/accounts">Accounts</Link> / {account.data ? accountLabel(account.data) : '…'}</p>
      <Load state={account} what="Loading the account">
        {(a) => {
          const custom = Object.entries(a.custom ?? {});
          const primary = a.links[0];
          const appName = (appId: string) => apps.data?.find((x) => x.id === appId)?.name ?? appId;
          return (
            <>
              <div className="page-head">
                <h1>{accountLabel(a)}</h1>
                {a.external && <span className="badge badge-paused" title="Its email is in none of the organization's domains">external</span>}
                <StatusBadge value={a.status} />
              </div>
              <div className="two-col">
                <section className="card" aria-labelledby="profile-title">
                  <h2 id="profile-title">Profile</h2>
                  <dl className="facts">
                    {PROFILE.map((k) => (
                      <div key={k} className="fact"><dt>{k}</dt><dd className={k === 'userName' ? 'mono' : undefined}>{a[k] ?? '—'}</dd></div>
                    ))}
                    <div className="fact"><dt>External</dt><dd>{a.external ? 'yes: its email is outside the organization\'s domains' : 'no'}</dd></div>
                    <div className="fact"><dt>Created</dt><dd><Time at={a.createdAt} /></dd></div>
                    <div className="fact"><dt>Updated</dt><dd><Time at={a.updatedAt} /></dd></div>
                    <div className="fact"><dt>id</dt><dd className="mono">{a.id}</dd></div>
                  </dl>
                  <h3>Custom attributes</h3>
                  {custom.length === 0 ? (
                    <p className="muted">None (a directory's attribute mapping defines them).</p>
                  ) : (
                    <dl className="facts">
                      {custom.map(([k, v]) => <div key={k} className="fact"><dt>{k}</dt><dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd></div>)}
                    </dl>
                  )}
                </section>
                <section className="card" aria-labelledby="links-title">
                  <h2 id="links-title">Linked directories</h2>
                  <p className="muted">The profile comes from the primary (oldest) link, mapped by its directory's rules.</p>
                  {a.links.length === 0 ? <Empty>No link: no directory knows this account any more.</Empty> : a.links.map((l) => <LinkCard key={`${l.directoryId}/${l.userId}`} link={l} directories={directories.data} primary={l === primary} />)}
                </section>
              </div>
              <div className="two-col">
                <section className="card" aria-labelledby="groups-title">
                  <h2 id="groups-title">Groups</h2>
                  {a.groups.length === 0 ? (
                    <Empty>In no org group.</Empty>
                  ) : (
                    <ul className="app-list" data-testid="account-groups">
                      {a.groups.map((g) => (
                        <li key={g.id}>
                          <Link to={`/org-groups/${g.id}`}><strong>{g.name}</strong></Link>
                          <ul className="why">{g.sources.map((s) => <li key={s}><Source source={s} directories={directories.data} /></li>)}</ul>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section className="card" aria-labelledby="apps-title">
                  <h2 id="apps-title">Apps</h2>
                  {a.apps.length === 0 ? (
                    <Empty>No app access.</Empty>
                  ) : (
                    <ul className="app-list" data-testid="account-apps">
                      {a.apps.map((x) => (
                        <li key={x.id}>
                          <div className="section-head">
                            <Link to={`/apps/${x.id}`}><strong>{x.name}</strong></Link>
                            <StatusBadge value={x.status} />
                            <span className="muted">since <Time at={x.since} /></span>
                            <button type="button" className="secondary" aria-expanded={!!why[x.id]} onClick={() => setWhy({ ...why, [x.id]: !why[x.id] })}>
                              {why[x.id] ? 'Hide why' : 'Why?'}
                            </button>
                          </div>
                          {why[x.id] && <ExplainAccess accountId={a.id} appId={x.id} appName={x.name} />}
                        </li>
                      ))}
                    </ul>
                  )}
                  {apps.data && apps.data.length > 0 && (
                    <form className="row" onSubmit={(e) => { e.preventDefault(); setAsked(other); }}>
                      <label htmlFor="why-not-app">Why (not) for</label>
                      <select id="why-not-app" value={other} onChange={(e) => setOther(e.target.value)}>
                        <option value="">choose an app…</option>
                        {apps.data.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                      </select>
                      <button type="submit" className="secondary" disabled={!other}>Explain</button>
                    </form>
                  )}
                  {asked && <ExplainAccess accountId={a.id} appId={asked} appName={appName(asked)} />}
                </section>
              </div>
              {primary && (
                <>
                  <p className="muted">History of the primary link's SCIM user in {directoryName(directories.data, primary.directoryId)}:</p>
                  <ResourceEvents directoryId={primary.directoryId} resourceId={primary.userId} />
                </>
              )}
            </>
          );
        }}
      </Load>
    </section>
  );
}
