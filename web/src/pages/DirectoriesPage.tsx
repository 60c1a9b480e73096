import { Empty, ErrorBox, Load, StatusBadge, Time } from '../components.tsx';
import { get } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';
import { idpLabel } from '../idp-steps.tsx';
import type { Directory, ProvisioningStatus } from '../types.ts';

/** The nearest expiry among the tokens still in use. */
export function nextExpiry(status: ProvisioningStatus): string | null {
  const live = status.tokens.filter((t) => t.state !== 'revoked' && t.state !== 'expired' && t.expiresAt);
  return live.map((t) => t.expiresAt!).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
}

function StatusCells({ id }: { id: string }) {
  const status = useLoad(() => get<ProvisioningStatus>(`/directories/${id}/status`), [id]);
  if (status.error) return <td colSpan={5}><ErrorBox error={status.error} retry={status.reload} /></td>;
  const s = status.data;
  if (!s) return <td colSpan={5} className="muted">Loading status…</td>;
  const expiry = nextExpiry(s);
  return (
    <>
      <td className="num" data-label="Users">{s.synced.users.toLocaleString()}</td>
      <td className="num" data-label="Groups">{s.synced.groups.toLocaleString()}</td>
      <td data-label="Last request"><Time at={s.lastRequestAt} fallback="never" /></td>
      <td className="num" data-label="Errors today">{s.lastDay.errors > 0 ? <span className="bad">{s.lastDay.errors}</span> : 0}</td>
      <td data-label="Token expiry">{expiry ? <Time at={expiry} /> : s.tokens.some((t) => t.state === 'active') ? 'never' : <span className="bad">no active token</span>}</td>
    </>
  );
}

export function DirectoriesPage() {
  const session = useSession();
  const list = useLoad(() => get<{ directories: Directory[] }>('/directories'), []);
  return (
    <section>
      <div className="page-head">
        <h1>Directories</h1>
        {session.canWrite && (
          <Link to="/directories/new" className="button">
            New directory
          </Link>
        )}
      </div>
      <p className="muted">Each directory is one IdP connection with its own SCIM base URL and token.</p>
      <Load state={list} what="Loading directories">
        {({ directories }) =>
          directories.length === 0 ? (
            <Empty>
              No directory yet.{' '}
              {session.canWrite ? <Link to="/directories/new">Connect your first IdP</Link> : 'An admin can connect the first IdP.'}
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">IdP</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num">Users</th>
                    <th scope="col" className="num">Groups</th>
                    <th scope="col">Last request</th>
                    <th scope="col" className="num">Errors today</th>
                    <th scope="col">Token expiry</th>
                  </tr>
                </thead>
                <tbody>
                  {directories.map((d) => (
                    <tr key={d.id}>
                      <th scope="row" data-label="Name">
                        <Link to={`/directories/${d.id}`}>{d.name}</Link>
                      </th>
                      <td data-label="IdP">{idpLabel(d.idp)}</td>
                      <td data-label="State"><StatusBadge value={d.status} /></td>
                      <StatusCells id={d.id} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
    </section>
  );
}
