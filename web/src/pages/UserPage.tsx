import { Empty, JsonBlock, Load, StatusBadge, Time } from '../components.tsx';
import { get } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useLoad } from '../lib/use-load.ts';
import type { Directory, UserRow } from '../types.ts';
import { ResourceEvents } from './ResourceEvents.tsx';
import { RequestLog } from './directory/RequestLog.tsx';

type UserDetail = UserRow & { createdAt: string; version: number; groups: { id: string; displayName: string }[]; resource: Record<string, unknown> };

const CUSTOM = 'urn:roster:params:scim:schemas:extension:custom:2.0:User';

/** A SCIM user as its IdP wrote it: the resource as the IdP reads it back, its groups and history. */
export function UserPage({ directoryId, userId }: { directoryId: string; userId: string }) {
  const directory = useLoad(() => get<Directory>(`/directories/${directoryId}`), [directoryId]);
  const user = useLoad(() => get<UserDetail>(`/directories/${directoryId}/users/${userId}`), [directoryId, userId]);
  return (
    <section>
      <p className="crumbs">
        <Link to="/directories">Directories</Link> / <Link to={`/directories/${directoryId}/users`}>{directory.data?.name ?? '…'}</Link> / User
      </p>
      <Load state={user} what="Loading the user">
        {(u) => {
          const custom = u.resource[CUSTOM] as Record<string, unknown> | undefined;
          return (
            <>
              <div className="page-head">
                <h1>{u.displayName ?? u.userName}</h1>
                <StatusBadge value={u.active ? 'active' : 'deactivated'} />
              </div>
              <div className="two-col">
                <section className="card" aria-labelledby="profile-title">
                  <h2 id="profile-title">Profile</h2>
                  <dl className="facts">
                    <dt>userName</dt><dd className="mono">{u.userName}</dd>
                    <dt>Email</dt><dd>{u.email ?? '—'}</dd>
                    <dt>externalId</dt><dd className="mono">{u.externalId ?? '—'}</dd>
                    <dt>id</dt><dd className="mono">{u.id}</dd>
                    <dt>Created</dt><dd><Time at={u.createdAt} /></dd>
                    <dt>Updated</dt><dd><Time at={u.updatedAt} /> (version {u.version})</dd>
                  </dl>
                  {custom && (
                    <>
                      <h3>Custom attributes</h3>
                      <dl className="facts">
                        {Object.entries(custom).map(([k, v]) => (
                          <div key={k} className="fact"><dt>{k}</dt><dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd></div>
                        ))}
                      </dl>
                    </>
                  )}
                  <h3>Groups</h3>
                  {u.groups.length === 0 ? (
                    <Empty>In no group.</Empty>
                  ) : (
                    <ul className="chips">
                      {u.groups.map((g) => <li key={g.id}><Link to={`/directories/${directoryId}/groups/${g.id}`}>{g.displayName}</Link></li>)}
                    </ul>
                  )}
                </section>
                <section className="card" aria-labelledby="raw-title">
                  <h2 id="raw-title">SCIM resource</h2>
                  <p className="muted">Exactly what the IdP reads back (passwords are never stored in it).</p>
                  <JsonBlock value={u.resource} label="SCIM resource JSON" />
                </section>
              </div>
              <ResourceEvents directoryId={directoryId} resourceId={u.id} />
              <RequestLog directoryId={directoryId} user={u.id} />
            </>
          );
        }}
      </Load>
    </section>
  );
}
