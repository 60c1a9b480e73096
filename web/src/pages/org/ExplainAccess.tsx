import { ErrorBox, Loading, StatusBadge } from '../../components.tsx';
import { get } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { AccessExplanation, MembershipReason } from './org-types.ts';

function Reason({ reason }: { reason: MembershipReason }) {
  switch (reason.kind) {
    case 'idp_group':
      return (
        <>
          directory <Link to={`/directories/${reason.directoryId}`}>{reason.directoryName}</Link> maps its IdP group{' '}
          <Link to={`/directories/${reason.directoryId}/groups/${reason.idpGroupId}`}>{reason.idpGroupName ?? reason.idpGroupId}</Link>
        </>
      );
    case 'default_group':
      return <>it is a default group every account is in</>;
    case 'new_account_default_group':
      return <>it is a default group the account joined when it was new</>;
    case 'manual':
      return <>an admin added the account by hand</>;
  }
}

/** Why an account has (or has not) an app: the server's sentences, then the chain grant → group → source. */
export function ExplainAccess({ accountId, appId, appName }: { accountId: string; appId: string; appName: string }) {
  const why = useLoad(() => get<AccessExplanation>(`/accounts/${accountId}/explain?app=${encodeURIComponent(appId)}`), [accountId, appId]);
  if (why.error) return <ErrorBox error={why.error} retry={why.reload} />;
  if (!why.data) return <Loading what="Asking why" />;
  const e = why.data;
  return (
    <div className="explain" data-testid={`explain-${appId}`}>
      <p>
        <StatusBadge value={e.status === 'none' ? 'no access' : e.status} /> <strong>{e.summary[0]}</strong>
      </p>
      {e.summary.length > 1 && (
        <ul className="why">
          {e.summary.slice(1).map((s, i) => <li key={i}>{s}</li>)}
        </ul>
      )}
      {e.chains.map((c) => (
        <div key={c.groupId}>
          {c.reasons.map((r, i) => (
            <ol key={i} className="chain" aria-label={`Why, through ${c.groupName}`}>
              <li><span className="chip">{appName}</span></li>
              <li>granted to <Link to={`/org-groups/${c.groupId}`}>{c.groupName}</Link></li>
              <li>because <Reason reason={r} /></li>
            </ol>
          ))}
        </div>
      ))}
    </div>
  );
}
