import { useState } from 'react';
import { CursorPager, Empty, ErrorBox, JsonBlock, Load, Loading, Time } from '../components.tsx';
import { get, qs } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { useLoad } from '../lib/use-load.ts';
import type { Directory, GroupRow } from '../types.ts';
import { ResourceEvents } from './ResourceEvents.tsx';

type GroupDetail = GroupRow & { createdAt: string; version: number; resource: Record<string, unknown> };
interface MemberPage {
  readonly members: { value: string; type: 'User' | 'Group'; display: string | null }[];
  readonly next: number | null;
}

const PAGE = 100;

/**
 * A group and its members, one server page at a time: a 1,000,000-member group costs the browser
 * 100 rows, never the whole list.
 */
export function GroupPage({ directoryId, groupId }: { directoryId: string; groupId: string }) {
  const directory = useLoad(() => get<Directory>(`/directories/${directoryId}`), [directoryId]);
  const group = useLoad(() => get<GroupDetail>(`/directories/${directoryId}/groups/${groupId}`), [directoryId, groupId]);
  const [after, setAfter] = useState<number[]>([]);
  const members = useLoad(() => get<MemberPage>(`/directories/${directoryId}/groups/${groupId}/members${qs({ after: after[after.length - 1], limit: PAGE })}`), [directoryId, groupId, after]);
  const first = after.length * PAGE + 1;
  return (
    <section>
      <p className="crumbs">
        <Link to="/directories">Directories</Link> / <Link to={`/directories/${directoryId}/groups`}>{directory.data?.name ?? '…'}</Link> / Group
      </p>
      <Load state={group} what="Loading the group">
        {(g) => (
          <>
            <div className="page-head">
              <h1>{g.displayName ?? g.id}</h1>
              <span className="muted">{g.memberCount.toLocaleString()} members</span>
            </div>
            <div className="two-col">
              <section className="card" aria-labelledby="members-title">
                <h2 id="members-title">Members</h2>
                {members.error ? (
                  <ErrorBox error={members.error} retry={members.reload} />
                ) : !members.data ? (
                  <Loading what="Loading members" />
                ) : members.data.members.length === 0 ? (
                  <Empty>{after.length ? 'No more members.' : 'No member.'}</Empty>
                ) : (
                  <>
                    <ol className="member-list" start={first} data-testid="members-list">
                      {members.data.members.map((m) => (
                        <li key={m.value}>
                          {m.type === 'User' ? <Link to={`/directories/${directoryId}/users/${m.value}`}>{m.display ?? m.value}</Link> : <Link to={`/directories/${directoryId}/groups/${m.value}`}>{m.display ?? m.value} (group)</Link>}
                        </li>
                      ))}
                    </ol>
                    <p className="muted">
                      {first.toLocaleString()}–{(first + members.data.members.length - 1).toLocaleString()} of {g.memberCount.toLocaleString()}
                    </p>
                  </>
                )}
                <CursorPager
                  label="Member pages"
                  backLabel="Previous"
                  forwardLabel="Next"
                  back={after.length ? () => setAfter(after.slice(0, -1)) : undefined}
                  forward={members.data?.next ? () => setAfter([...after, members.data!.next!]) : undefined}
                />
              </section>
              <section className="card" aria-labelledby="graw-title">
                <h2 id="graw-title">SCIM resource</h2>
                <dl className="facts">
                  <dt>Source directory</dt><dd><Link to={`/directories/${directoryId}`}>{directory.data?.name ?? directoryId}</Link></dd>
                  <dt>externalId</dt><dd className="mono">{g.externalId ?? '—'}</dd>
                  <dt>Created</dt><dd><Time at={g.createdAt} /></dd>
                  <dt>Updated</dt><dd><Time at={g.updatedAt} /> (version {g.version})</dd>
                </dl>
                <p className="muted">Members are listed on the left, a page at a time.</p>
                <JsonBlock value={g.resource} label="SCIM resource JSON" />
              </section>
            </div>
            <ResourceEvents directoryId={directoryId} resourceId={g.id} />
          </>
        )}
      </Load>
    </section>
  );
}
