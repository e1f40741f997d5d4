import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router-dom';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';
import { AnnouncementList } from './notices/AnnouncementList';
import { AnnouncementDetail } from './notices/AnnouncementDetail';
import { Compose, EditNotice } from './notices/Compose';
import { Coverage } from './notices/Coverage';

/**
 * /notices: sent notices with live progress, /notices/new, /notices/coverage, /notices/<id>[/edit].
 * Each section names the browser tab itself (usePageTitle), being the page one is on.
 */
export function Notices() {
  const { t } = useTranslation();
  const { user } = useSession();
  const provider = user?.tenant_kind === 'root' || user?.tenant_kind === 'partner';
  return (
    <>
      <h1>{t('notices.title')}</h1>
      {!provider ? (
        <OnlyProviders />
      ) : (
        <>
          <nav aria-label={t('notices.sections')}>
            <ul className="sub-tabs">
              <li>
                <NavLink end to="/notices">
                  {t('notices.tabs.list')}
                </NavLink>
              </li>
              <li>
                <NavLink to="/notices/new">{t('notices.tabs.compose')}</NavLink>
              </li>
              <li>
                <NavLink to="/notices/coverage">{t('notices.tabs.coverage')}</NavLink>
              </li>
            </ul>
          </nav>
          <Routes>
            <Route index element={<AnnouncementList />} />
            <Route path="new" element={<Compose />} />
            <Route path="coverage" element={<Coverage />} />
            <Route path=":id" element={<AnnouncementDetail />} />
            <Route path=":id/edit" element={<EditNotice />} />
          </Routes>
        </>
      )}
    </>
  );
}

function OnlyProviders() {
  const { t } = useTranslation();
  usePageTitle(t('notices.title'));
  return <p className="note warn">{t('notices.onlyProviders')}</p>;
}
