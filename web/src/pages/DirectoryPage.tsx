import { CopyField, Load, scimPath, StatusBadge, Time } from '../components.tsx';
import { get } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useLoad } from '../lib/use-load.ts';
import { idpBaseUrl, idpLabel } from '../idp-steps.tsx';
import type { Directory, ProvisioningStatus } from '../types.ts';
import { nextExpiry } from './DirectoriesPage.tsx';
import { DirectorySettings } from './directory/DirectorySettings.tsx';
import { DirectoryTokens } from './directory/DirectoryTokens.tsx';
import { GroupsList } from './directory/GroupsList.tsx';
import { RequestLog } from './directory/RequestLog.tsx';
import { UsersList } from './directory/UsersList.tsx';
import { DirectoryRules } from './org/DirectoryRules.tsx';

const TABS = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'users', label: 'Users' },
  { tab: 'groups', label: 'Groups' },
  { tab: 'rules', label: 'Rules' },
  { tab: 'tokens', label: 'Tokens' },
  { tab: 'requests', label: 'Requests' },
  { tab: 'settings', label: 'Settings' },
];

export function DirectoryPage({ id, tab }: { id: string; tab: string }) {
  const directory = useLoad(() => get<Directory>(`/directories/${id}`), [id]);
  return (
    <section>
      <p className="crumbs"><Link to="/directories">Directories</Link> / {directory.data?.name ?? '…'}</p>
      <Load state={directory} what="Loading the directory">
        {(d) => (
          <>
            <div className="page-head">
              <h1>{d.name}</h1>
              <span className="muted">{idpLabel(d.idp)}</span> <StatusBadge value={d.status} />
            </div>
            <nav className="tabs" aria-label="Directory">
              {TABS.map((t) => (
                <Link key={t.tab} to={t.tab === 'overview' ? `/directories/${id}` : `/directories/${id}/${t.tab}`} aria-current={tab === t.tab ? 'page' : undefined}>
                  {t.label}
                </Link>
              ))}
            </nav>
            {tab === 'overview' && <Overview directory={d} />}
            {tab === 'users' && <UsersList directoryId={id} />}
            {tab === 'groups' && <GroupsList directoryId={id} />}
            {tab === 'rules' && <DirectoryRules directory={d} />}
            {tab === 'tokens' && <DirectoryTokens directory={d} />}
            {tab === 'requests' && <RequestLog directoryId={id} />}
            {tab === 'settings' && <DirectorySettings directory={d} onChanged={directory.reload} />}
            {!TABS.some((t) => t.tab === tab) && <p>No such tab.</p>}
          </>
        )}
      </Load>
    </section>
  );
}

function Overview({ directory }: { directory: Directory }) {
  const status = useLoad(() => get<ProvisioningStatus>(`/directories/${directory.id}/status`), [directory.id]);
  return (
    <>
      <div className="card">
        <CopyField label={directory.idp === 'entra' ? 'Tenant URL' : 'SCIM base URL'} value={idpBaseUrl(directory.idp, directory.scimBaseUrl)} />
      </div>
      <Load state={status} what="Loading the provisioning status">
        {(s) => (
          <>
            <dl className="stats">
              <div><dt>Users</dt><dd data-testid="stat-users">{s.synced.users.toLocaleString()}</dd></div>
              <div><dt>Groups</dt><dd data-testid="stat-groups">{s.synced.groups.toLocaleString()}</dd></div>
              <div><dt>Memberships</dt><dd>{s.synced.memberships.toLocaleString()}</dd></div>
              <div><dt>Last request</dt><dd><Time at={s.lastRequestAt} fallback="never" /></dd></div>
              <div><dt>Requests / errors (hour)</dt><dd>{s.lastHour.requests} / {s.lastHour.errors}</dd></div>
              <div><dt>Requests / errors (day)</dt><dd>{s.lastDay.requests} / <span className={s.lastDay.errors ? 'bad' : ''}>{s.lastDay.errors}</span></dd></div>
              <div><dt>Next token expiry</dt><dd><Time at={nextExpiry(s)} fallback="none" /></dd></div>
            </dl>
            {s.requestLog === 'off' && <p className="muted">The request log is off (ROSTER_REQUEST_LOG=off): traffic numbers are not available.</p>}
            <h2>Recent errors</h2>
            {s.recentErrors.length === 0 ? (
              <p className="empty">No failed request. {s.lastRequestAt ? '' : 'The IdP has not called yet: finish the setup in its console and test the connection.'}</p>
            ) : (
              <ul className="error-list">
                {s.recentErrors.map((r) => (
                  <li key={r.requestId}>
                    <details>
                      <summary>
                        <span className="badge badge-bad">{r.status}</span> <code>{r.method} {scimPath(r.path)}</code> <Time at={r.at} /> — {errorText(r.error)}
                      </summary>
                      <pre className="json">{JSON.stringify({ received: r.received, normalized: r.normalized, rewrites: r.rewrites, error: r.error }, null, 2)}</pre>
                    </details>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Load>
    </>
  );
}

export function errorText(error: unknown): string {
  if (!error) return '';
  if (typeof error === 'string') return error;
  const e = error as { detail?: string; message?: string; scimType?: string };
  return e.detail ?? e.message ?? JSON.stringify(error);
}
