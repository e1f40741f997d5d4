import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { ApiFailure } from '../api/client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';

export function SignIn() {
  const { t } = useTranslation();
  const { user, signIn } = useSession();
  const location = useLocation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  usePageTitle(t('signIn.submit'));
  if (user) return <Navigate to={(location.state as { from?: string } | null)?.from ?? '/my-company'} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await signIn(String(form.get('username')), String(form.get('password')));
    } catch (e) {
      setError(e instanceof ApiFailure && e.status === 429 ? t('signIn.throttled') : t('signIn.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <div className="corner">
        <LanguageSwitch />
      </div>
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={submit} className="stack">
        {error && (
          <p role="alert" className="note error">
            {error}
          </p>
        )}
        <label htmlFor="username">{t('signIn.login')}</label>
        <input id="username" name="username" autoComplete="username" required maxLength={255} />
        <label htmlFor="password">{t('signIn.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
        />
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
