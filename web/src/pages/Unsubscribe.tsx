import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../api/client';
import type { paths } from '../api/schema';
import { useLoad } from '../api/loading';
import { ErrorNote, Loading } from '../components/Status';
import { formatDate } from '../i18n';
import { LinkPage } from './LinkPages';

type Subscription = paths['/api/2/unsubscribe/{token}']['get']['responses'][200]['content']['application/json'];

/**
 * /unsubscribe/<token>, the page of a notice's List-Unsubscribe link: no sign-in, the token is
 * the credential. Opening it changes nothing (mail scanners open links); the one button does.
 */
export function Unsubscribe() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const loaded = useLoad(() => ok(api.GET('/api/2/unsubscribe/{token}', { params: { path: { token } } })), [token]);
  const invalid = loaded.error instanceof ApiFailure && (loaded.error.status === 404 || loaded.error.status === 400);
  return (
    <LinkPage title={t('unsubscribe.title')}>
      {loaded.loading && !loaded.data ? (
        <Loading />
      ) : invalid ? (
        <p role="alert" className="note error">
          {t('unsubscribe.invalid')}
        </p>
      ) : loaded.error || !loaded.data ? (
        <ErrorNote error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <Choice key={token} token={token} initial={loaded.data} />
      )}
    </LinkPage>
  );
}

function Choice({ token, initial }: { token: string; initial: Subscription }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState(initial);
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const names = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(state.tenants.map((x) => x.name));
  const facts = { email: state.email, type: t(`contactTypes.${state.category}`), names };

  const choose = async (subscribed: boolean) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const next = await ok(
        api.POST('/api/2/unsubscribe/{token}', { params: { path: { token } }, body: { subscribed } }),
      );
      setState(next);
      setDone(t(subscribed ? 'unsubscribe.resubscribed' : 'unsubscribe.unsubscribed', { email: next.email }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div role="status">{done && <p className="note success">{done}</p>}</div>
      {failure !== undefined && <ErrorNote error={failure} />}
      <p className="unsubscribe-facts">{t(state.opted_out ? 'unsubscribe.optedOut' : 'unsubscribe.receives', facts)}</p>
      {state.opted_out && state.since && (
        <p className="muted">{t('unsubscribe.since', { when: formatDate(state.since) })}</p>
      )}
      <p>
        <button type="button" className="primary" disabled={busy} onClick={() => void choose(state.opted_out)}>
          {t(state.opted_out ? 'unsubscribe.subscribeAgain' : 'unsubscribe.unsubscribe')}
        </button>
      </p>
      <p className="muted">{t('unsubscribe.mandatory')}</p>
    </>
  );
}
