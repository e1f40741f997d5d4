import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../api/client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { usePageTitle } from '../components/usePageTitle';

type LinkState = 'expired' | 'used' | 'revoked' | 'invalid';
const stateOf = (e: unknown): LinkState | undefined => {
  if (!(e instanceof ApiFailure)) return undefined;
  return (
    {
      token_expired: 'expired',
      token_used: 'used',
      token_revoked: 'revoked',
      token_invalid: 'invalid',
      already_activated: 'used',
    } as Record<string, LinkState>
  )[String(e.code)];
};

/** The frame of a page opened from a mailed link: no sign-in, a language switch, one narrow column. */
export function LinkPage({ title, children }: { title: string; children: React.ReactNode }) {
  usePageTitle(title);
  return (
    <main id="main" className="narrow">
      <div className="corner">
        <LanguageSwitch />
      </div>
      <h1>{title}</h1>
      {children}
    </main>
  );
}

/** Opening the link changes nothing: only the button (a POST) confirms, as mail scanners prefetch links. */
export function ConfirmEmail() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [result, setResult] = useState<{ email?: string; state?: LinkState; error?: string }>({});
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    try {
      const done = await ok(api.POST('/api/2/email-confirmations', { body: { token } }));
      setResult({ email: done.email });
    } catch (e) {
      setResult({ state: stateOf(e), error: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <LinkPage title={t('confirmEmail.title')}>
      {!token ? (
        <p role="alert" className="note error">
          {t('link.missing')}
        </p>
      ) : result.email ? (
        <p role="status" className="note success">
          {t('confirmEmail.done', { email: result.email })}
        </p>
      ) : result.state || result.error ? (
        <p role="alert" className="note error">
          {result.state ? t(`link.${result.state}`) : result.error}
        </p>
      ) : (
        <>
          <p>{t('confirmEmail.lead')}</p>
          <button type="button" className="primary" onClick={() => void confirm()} disabled={busy}>
            {t('confirmEmail.button')}
          </button>
        </>
      )}
    </LinkPage>
  );
}

export function Activate() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [login, setLogin] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password'));
    if (password.length < 8) return setProblem(t('activate.short'));
    if (password !== String(form.get('repeat'))) return setProblem(t('activate.mismatch'));
    setBusy(true);
    setProblem(undefined);
    try {
      setLogin((await ok(api.POST('/api/2/users/activate', { body: { token, password } }))).login);
    } catch (e) {
      const state = stateOf(e);
      setProblem(state ? t(`link.${state}`) : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!token)
    return (
      <LinkPage title={t('activate.title')}>
        <p role="alert" className="note error">
          {t('link.missing')}
        </p>
      </LinkPage>
    );
  if (login) {
    return (
      <LinkPage title={t('activate.title')}>
        <p role="status" className="note success">
          {t('activate.done', { login })}
        </p>
        <p>
          <Link to="/sign-in">{t('activate.signIn')}</Link>
        </p>
      </LinkPage>
    );
  }
  return (
    <LinkPage title={t('activate.title')}>
      <form onSubmit={submit} className="stack" noValidate>
        {problem && (
          <p role="alert" className="note error">
            {problem}
          </p>
        )}
        <p>{t('activate.lead')}</p>
        <label htmlFor="password">{t('activate.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={256}
          required
        />
        <label htmlFor="repeat">{t('activate.repeat')}</label>
        <input
          id="repeat"
          name="repeat"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={256}
          required
        />
        <button type="submit" className="primary" disabled={busy}>
          {t('activate.button')}
        </button>
      </form>
    </LinkPage>
  );
}
