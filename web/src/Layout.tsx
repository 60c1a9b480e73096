import { useState, type ReactNode } from 'react';
import { Link, useLocation } from './lib/router.tsx';
import { ROLE_LABELS, useSession } from './lib/session.tsx';

/**
 * Navigation of what exists: the SCIM layer's directories, the organization layer's accounts,
 * groups, apps, held deprovisions and domains (rules are a directory tab), then the operations pages.
 */
const NAV: { to: string; label: string; owner?: boolean }[] = [
  { to: '/directories', label: 'Directories' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/org-groups', label: 'Org groups' },
  { to: '/apps', label: 'Apps' },
  { to: '/held', label: 'Held' },
  { to: '/domains', label: 'Domains' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/events', label: 'Event feed' },
  { to: '/audit', label: 'Audit log' },
  { to: '/admins', label: 'Admins', owner: true },
  { to: '/admin-keys', label: 'API keys' },
];

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const current = (to: string) => path === to || path.startsWith(`${to}/`) || (to === '/directories' && path === '/');
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/directories" className="brand">
          Roster
        </Link>
        <button type="button" className="menu-button" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <nav id="main-nav" className={open ? 'nav open' : 'nav'} aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.owner || session.isOwner).map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={current(n.to) ? 'page' : undefined} onClick={() => setOpen(false)}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <Link to="/account" title="Your account and password">
            {session.admin.email}
          </Link>
          <span className={`badge badge-role-${session.admin.role}`}>{ROLE_LABELS[session.admin.role]}</span>
          <button type="button" className="secondary" onClick={() => void session.logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
