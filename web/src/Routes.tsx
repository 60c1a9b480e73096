import { Empty } from './components.tsx';
import { Link, match, useLocation } from './lib/router.tsx';
import { useSession } from './lib/session.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { AdminKeysPage } from './pages/AdminKeysPage.tsx';
import { AdminsPage } from './pages/AdminsPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { DirectoriesPage } from './pages/DirectoriesPage.tsx';
import { DirectoryPage } from './pages/DirectoryPage.tsx';
import { EventsPage } from './pages/EventsPage.tsx';
import { GroupPage } from './pages/GroupPage.tsx';
import { NewDirectoryPage } from './pages/NewDirectoryPage.tsx';
import { UserPage } from './pages/UserPage.tsx';
import { WebhookPage } from './pages/WebhookPage.tsx';
import { WebhooksPage } from './pages/WebhooksPage.tsx';
import { AccountsPage } from './pages/org/AccountsPage.tsx';
import { AppPage } from './pages/org/AppPage.tsx';
import { AppsPage } from './pages/org/AppsPage.tsx';
import { DomainsPage } from './pages/org/DomainsPage.tsx';
import { HeldPage } from './pages/org/HeldPage.tsx';
import { OrgAccountPage } from './pages/org/OrgAccountPage.tsx';
import { OrgGroupPage } from './pages/org/OrgGroupPage.tsx';
import { OrgGroupsPage } from './pages/org/OrgGroupsPage.tsx';

export function Routes() {
  const { path } = useLocation();
  const session = useSession();
  let m: Record<string, string> | null;
  if (path === '/' || path === '/directories') return <DirectoriesPage />;
  if (path === '/directories/new') return session.canWrite ? <NewDirectoryPage /> : <NotAllowed />;
  if ((m = match('/directories/:id/users/:userId', path))) return <UserPage directoryId={m.id!} userId={m.userId!} />;
  if ((m = match('/directories/:id/groups/:groupId', path))) return <GroupPage directoryId={m.id!} groupId={m.groupId!} />;
  if ((m = match('/directories/:id/:tab', path))) return <DirectoryPage id={m.id!} tab={m.tab!} />;
  if ((m = match('/directories/:id', path))) return <DirectoryPage id={m.id!} tab="overview" />;
  if (path === '/webhooks') return <WebhooksPage />;
  if ((m = match('/webhooks/:id', path))) return <WebhookPage id={m.id!} />;
  if (path === '/events') return <EventsPage />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/admins') return session.isOwner ? <AdminsPage /> : <NotAllowed />;
  if (path === '/admin-keys') return <AdminKeysPage />;
  if (path === '/account') return <AccountPage />;
  // The organization layer (docs/organization.md).
  if (path === '/accounts') return <AccountsPage />;
  if ((m = match('/accounts/:id', path))) return <OrgAccountPage id={m.id!} />;
  if (path === '/org-groups') return <OrgGroupsPage />;
  if ((m = match('/org-groups/:id', path))) return <OrgGroupPage id={m.id!} />;
  if (path === '/apps') return <AppsPage />;
  if ((m = match('/apps/:id', path))) return <AppPage id={m.id!} />;
  if (path === '/domains') return <DomainsPage />;
  if (path === '/held') return <HeldPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <Empty>
        Nothing lives at <code>{path}</code>. <Link to="/directories">Go to the directories</Link>.
      </Empty>
    </section>
  );
}

function NotAllowed() {
  return (
    <section>
      <h1>Not available</h1>
      <Empty>Your role cannot use this page. <Link to="/directories">Go to the directories</Link>.</Empty>
    </section>
  );
}
