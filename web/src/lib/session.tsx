import { createContext, useContext } from 'react';

export type Role = 'owner' | 'admin' | 'read_only';

export interface Admin {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

export interface Session {
  readonly admin: Admin;
  /** Owners and admins write; read-only admins see no write controls (the server refuses them anyway). */
  readonly canWrite: boolean;
  readonly isOwner: boolean;
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', read_only: 'Read-only' };
