import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { ErrorNote, Loading } from '../../components/Status';
import { useSession } from '../../session';
import { loadTenants, useLoad } from '../../api/loading';
import { NoticeForm } from './NoticeForm';
import { usePageTitle } from '../../components/usePageTitle';

/** /notices/new (optionally ?scope=<tenant id>): compose, preview the recipients, send now or later. */
export function Compose() {
  const { t } = useTranslation();
  usePageTitle(t('notices.compose.title'), t('notices.title'));
  const { user } = useSession();
  const [params] = useSearchParams();
  const wanted = params.get('scope');
  const start = useLoad(async () => {
    const [own] = await loadTenants([user!.tenant_id]);
    const chosen = wanted && wanted !== own.id ? (await loadTenants([wanted]).catch(() => []))[0] : undefined;
    return {
      own: { id: own.id, name: own.name },
      language: own.language,
      scope: chosen ? { id: chosen.id, name: chosen.name } : { id: own.id, name: own.name },
    };
  }, [user!.tenant_id, wanted]);
  if (start.loading) return <Loading />;
  if (start.error || !start.data) return <ErrorNote error={start.error} onRetry={start.reload} />;
  return <NoticeForm own={start.data.own} initialScope={start.data.scope} firstLanguage={start.data.language} />;
}

/** /notices/<id>/edit: the same form for a draft or a notice still waiting for its time (its scope stays). */
export function EditNotice() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { user } = useSession();
  const start = useLoad(async () => {
    const a = await ok(api.GET('/api/2/announcements/{id}', { params: { path: { id } } }));
    const tenants = await loadTenants([a.scope_tenant_id, user!.tenant_id]);
    const scope = tenants.find((x) => x.id === a.scope_tenant_id);
    const own = tenants.find((x) => x.id === user!.tenant_id);
    return { a, scope: { id: a.scope_tenant_id, name: scope?.name ?? '' }, language: own?.language };
  }, [id, user!.tenant_id]);
  const isDraft = start.data?.a.status === 'draft';
  usePageTitle(t(isDraft ? 'notices.compose.editDraftTitle' : 'notices.compose.editTitle'), t('notices.title'));
  if (start.loading) return <Loading />;
  if (start.error || !start.data) return <ErrorNote error={start.error} onRetry={start.reload} />;
  const { a, scope, language } = start.data;
  if (a.status !== 'scheduled' && a.status !== 'draft')
    return (
      <>
        <p className="note warn">{t('notices.compose.notEditable')}</p>
        <p>
          <Link to={`/notices/${a.id}`}>{t('app.back')}</Link>
        </p>
      </>
    );
  return <NoticeForm own={scope} initialScope={scope} editing={a} firstLanguage={language} />;
}
