import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, ApiFailure, ok } from '../api/client';
import type { paths } from '../api/schema';
import { useLoad } from '../api/loading';
import { ErrorNote, Loading } from '../components/Status';
import { formatDate } from '../i18n';
import { LinkPage } from './LinkPages';

type Question = paths['/api/2/attestations/{token}']['get']['responses'][200]['content']['application/json'];
type Answer = 'yes' | 'no';

/**
 * /attest?token=…&answer=yes|no, the page of a re-attestation mail's two links: no sign-in, the
 * token is the credential. Opening it changes nothing (mail scanners open links): the buttons
 * answer, the one the link named first.
 */
export function Attest() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const loaded = useLoad(
    () =>
      token ? ok(api.GET('/api/2/attestations/{token}', { params: { path: { token } } })) : Promise.resolve(undefined),
    [token],
  );
  const invalid = !token || (loaded.error instanceof ApiFailure && loaded.error.status === 400);
  return (
    <LinkPage title={t('attestation.title')}>
      {invalid ? (
        <p role="alert" className="note error">
          {t(token ? 'link.invalid' : 'link.missing')}
        </p>
      ) : loaded.loading && !loaded.data ? (
        <Loading />
      ) : loaded.error || !loaded.data ? (
        <ErrorNote error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <Ask token={token} question={loaded.data} first={params.get('answer') === 'no' ? 'no' : 'yes'} />
      )}
    </LinkPage>
  );
}

function Ask({ token, question, first }: { token: string; question: Question; first: Answer }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState(question.state);
  const [answered, setAnswered] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const roles = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
    question.types.map((type) => t(`contactTypes.${type}`)),
  );
  const facts = { roles, tenant: question.tenant_name };

  const send = async (answer: Answer) => {
    setBusy(true);
    setFailure(undefined);
    try {
      setState((await ok(api.POST('/api/2/attestations', { body: { token, answer } }))).state);
      setAnswered(true);
    } catch (e) {
      const code = e instanceof ApiFailure ? String(e.code) : '';
      if (code === 'token_used') setState('confirmed');
      else if (code === 'token_expired') setState('expired');
      else if (code === 'token_revoked') setState('withdrawn');
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  if (state === 'expired' || state === 'withdrawn')
    return (
      <p role="alert" className="note error">
        {t(`attestation.${state}`)}
      </p>
    );
  if (state !== 'pending')
    return (
      <p role="status" className="note success">
        {answered ? t(`attestation.${state}`, facts) : t('attestation.answered')}
      </p>
    );
  const order: Answer[] = first === 'no' ? ['no', 'yes'] : ['yes', 'no'];
  return (
    <>
      <h2>{t('attestation.question', facts)}</h2>
      <p>{t('attestation.lead', facts)}</p>
      <p className="hint">{t('attestation.until', { when: formatDate(question.expires_at) })}</p>
      {first === 'no' && <p className="note">{t('attestation.noWarning', facts)}</p>}
      {failure !== undefined && <ErrorNote error={failure} />}
      <div className="actions">
        {order.map((answer, i) => (
          <button
            key={answer}
            type="button"
            className={i === 0 ? 'primary' : undefined}
            onClick={() => void send(answer)}
            disabled={busy}
          >
            {t(`attestation.${answer}`)}
          </button>
        ))}
      </div>
    </>
  );
}
