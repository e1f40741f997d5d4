import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { ErrorNote, Loading } from '../components/Status';
import { formatDate, formatNumber } from '../i18n';
import { useSession } from '../session';
import { usePageTitle } from '../components/usePageTitle';
import { usePaged } from '../api/loading';

const PAGE = 20;
const kinds = [
  'activation',
  'email_change_confirmation',
  'email_change_notice',
  'test_notice',
  'announcement',
  'opt_out_ask_again',
] as const;
type Kind = (typeof kinds)[number];
const URL_PATTERN = /(https?:\/\/[^\s<>"')\]]+)/g;

/** The text with its web addresses as links (a trailing full stop or comma stays text). */
function Linkified({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) => {
        if (i % 2 === 0) return <Fragment key={i}>{part}</Fragment>;
        const url = part.replace(/[.,;:!?]+$/, '');
        return (
          <Fragment key={i}>
            <a href={url}>{url}</a>
            {part.slice(url.length)}
          </Fragment>
        );
      })}
    </>
  );
}

/** /mailbox (root admins): the messages kept when no SMTP server is configured. */
export function Mailbox() {
  const { t } = useTranslation();
  const { user } = useSession();
  const root = user?.tenant_kind === 'root';
  usePageTitle(t('mailbox.title'));
  const list = usePaged(
    (after) =>
      root
        ? ok(api.GET('/api/2/mailbox', { params: { query: { limit: PAGE, ...(after ? { after } : {}) } } }))
        : Promise.resolve({ items: [] }),
    [root],
  );
  if (!root)
    return (
      <>
        <h1>{t('mailbox.title')}</h1>
        <p className="note warn">{t('mailbox.onlyRoot')}</p>
      </>
    );
  return (
    <>
      <h1>{t('mailbox.title')}</h1>
      <p className="muted">{t('mailbox.lead')}</p>
      {list.items.length === 0 && !list.loading && !list.error && <p className="note">{t('mailbox.empty')}</p>}
      {list.items.length > 0 && (
        <ul className="card-list" aria-label={t('mailbox.title')}>
          {list.items.map((m) => (
            <li key={m.id} className="card-item">
              <h2>{m.subject}</h2>
              <dl className="facts">
                <div>
                  <dt>{t('mailbox.to')}</dt>
                  <dd>{m.to}</dd>
                </div>
                <div>
                  <dt>{t('mailbox.date')}</dt>
                  <dd>
                    <time dateTime={m.created_at}>{formatDate(m.created_at)}</time>
                  </dd>
                </div>
                <div>
                  <dt>{t('mailbox.kind')}</dt>
                  <dd>{kinds.includes(m.kind as Kind) ? t(`mailbox.kinds.${m.kind as Kind}`) : m.kind}</dd>
                </div>
              </dl>
              <details>
                <summary>{t('mailbox.showText')}</summary>
                <pre className="message-text">
                  <Linkified text={m.text} />
                </pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      {list.loading && <Loading />}
      {list.error !== undefined && (
        <ErrorNote error={list.error} onRetry={list.items.length ? list.more : list.reload} />
      )}
      {list.items.length > 0 && (
        <p className="muted">{t('mailbox.count', { count: list.items.length, n: formatNumber(list.items.length) })}</p>
      )}
      {list.after && !list.loading && (
        <p className="button-row">
          <button type="button" onClick={list.more}>
            {t('mailbox.more')}
          </button>
        </p>
      )}
    </>
  );
}
