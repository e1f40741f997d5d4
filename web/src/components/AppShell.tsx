import { NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';

/** Header with the navigation, the language switch and sign-out; the page below. */
export function AppShell() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const links = [
    { to: '/my-company', label: t('nav.myCompany') },
    ...(user?.tenant_kind === 'customer' || user?.tenant_kind === 'unit'
      ? []
      : [{ to: '/clients', label: t('nav.clients') }]),
    { to: '/users', label: t('nav.users') },
    { to: '/webhooks', label: t('nav.webhooks') },
    ...(user?.tenant_kind === 'root' || user?.tenant_kind === 'partner'
      ? [{ to: '/notices', label: t('nav.notices') }]
      : []),
    ...(user?.tenant_kind === 'root' ? [{ to: '/mailbox', label: t('nav.mailbox') }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to}>{l.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <LanguageSwitch />
          {user && (
            <span className="who" title={t('nav.signedInAs', { name: user.login })}>
              {user.login}
            </span>
          )}
          <button type="button" className="link-button" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
