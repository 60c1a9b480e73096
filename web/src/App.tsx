import { useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorBox, Loading } from './components.tsx';
import { api, get, setCsrfToken, setUnauthorizedHandler } from './lib/api.ts';
import { navigate, useLocation } from './lib/router.tsx';
import { SessionContext, type Admin, type Session } from './lib/session.tsx';
import { Layout } from './Layout.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { Routes } from './Routes.tsx';

interface SessionAnswer {
  readonly admin: Admin;
  readonly csrfToken: string;
}

type Boot = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'signed-out'; setupNeeded: boolean } | { state: 'signed-in'; admin: Admin };

/** Signed in (the session cookie answers), signed out, or a Roster without its first owner yet. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const { path } = useLocation();

  const signedIn = useCallback((answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setBoot({ state: 'signed-in', admin: answer.admin });
  }, []);

  const check = useCallback(async () => {
    try {
      signedIn(await api<SessionAnswer>('GET', '/session', undefined, { quiet401: true }));
    } catch (e) {
      if ((e as { status?: number }).status !== 401) return setBoot({ state: 'error', error: e as Error });
      try {
        const setup = await get<{ needed: boolean }>('/setup');
        setBoot({ state: 'signed-out', setupNeeded: setup.needed });
      } catch (error) {
        setBoot({ state: 'error', error: error as Error });
      }
    }
  }, [signedIn]);

  useEffect(() => {
    void check();
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setBoot({ state: 'signed-out', setupNeeded: false });
    });
  }, [check]);

  const session = useMemo<Session | null>(() => {
    if (boot.state !== 'signed-in') return null;
    return {
      admin: boot.admin,
      canWrite: boot.admin.role !== 'read_only',
      isOwner: boot.admin.role === 'owner',
      async logout() {
        try {
          await api('DELETE', '/session', undefined, { quiet401: true });
        } finally {
          setCsrfToken(null);
          setBoot({ state: 'signed-out', setupNeeded: false });
          navigate('/login');
        }
      },
    };
  }, [boot]);

  if (boot.state === 'loading') return <main className="centered"><Loading what="Opening Roster" /></main>;
  if (boot.state === 'error') return <main className="centered"><ErrorBox error={boot.error} retry={() => void check()} /></main>;
  if (boot.state === 'signed-out') {
    if (boot.setupNeeded || path === '/setup') return <SetupPage needed={boot.setupNeeded} onDone={(a) => { signedIn(a); navigate('/', { replace: true }); }} />;
    return <LoginPage onDone={(a) => { signedIn(a); if (path === '/login') navigate('/', { replace: true }); }} />;
  }
  if (path === '/login' || path === '/setup') {
    queueMicrotask(() => navigate('/', { replace: true }));
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}
