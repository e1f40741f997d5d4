import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ok, setCsrfToken, type Schemas } from './api/client';
import { forgetMayWrite } from './api/roles';
import { hasChosenLanguage, setLanguage } from './i18n';

export type Me = Schemas['User'] & { tenant_kind: string };

interface SessionState {
  user: Me | null;
  loading: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession() {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user, from the httpOnly session cookie (GET /api/2/session). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback((session: { csrf_token: string; user: Me }) => {
    setCsrfToken(session.csrf_token);
    setUser(session.user);
    if (!hasChosenLanguage() && (session.user.language === 'it' || session.user.language === 'en'))
      setLanguage(session.user.language, false);
  }, []);

  useEffect(() => {
    api
      .GET('/api/2/session')
      .then(({ data }) => {
        if (data) adopt(data as { csrf_token: string; user: Me });
      })
      .finally(() => setLoading(false));
  }, [adopt]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      forgetMayWrite();
      adopt(
        (await ok(api.POST('/api/2/session', { body: { username, password } }))) as { csrf_token: string; user: Me },
      );
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    await api.DELETE('/api/2/session');
    forgetMayWrite();
    setCsrfToken(undefined);
    setUser(null);
  }, []);

  return <SessionContext.Provider value={{ user, loading, signIn, signOut }}>{children}</SessionContext.Provider>;
}
