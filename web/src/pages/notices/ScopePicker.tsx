import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/Status';
import { TenantLabels } from '../../components/TenantTree';

export interface ScopeChoice {
  id: string;
  name: string;
}
type Hit = { id: string; name: string; kind: string; path: string[] };

/** The scope of a notice: one's own tenant (default) or a client found by search. */
export function ScopePicker({
  own,
  scope,
  onChange,
  error,
}: {
  own: ScopeChoice;
  scope: ScopeChoice;
  onChange(scope: ScopeChoice): void;
  error?: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<Hit[]>();
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    const wanted = text.trim();
    if (!wanted) {
      setHits(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      ok(api.GET('/api/2/search', { params: { query: { text: wanted, tenant: own.id, limit: 20 } } })).then(
        (answer) => {
          if (!live) return;
          setFailure(undefined);
          setHits(
            answer.items
              .filter((h) => h.obj_type === 'tenant' && h.id !== own.id)
              .map((h) => ({ id: h.id, name: h.name ?? '', kind: h.kind ?? '', path: h.path })),
          );
        },
        (e: unknown) => live && setFailure(e),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, own.id]);

  const choose = (choice: ScopeChoice) => {
    onChange(choice);
    setText('');
  };
  return (
    <fieldset aria-describedby={error ? 'scope-error' : undefined}>
      <legend>{t('notices.compose.scope')}</legend>
      <p role="status">
        <strong>{t('notices.compose.scopeIs', { name: scope.name })}</strong>
      </p>
      {error && (
        <p id="scope-error" className="field-error">
          {error}
        </p>
      )}
      {scope.id !== own.id && (
        <p>
          <button type="button" onClick={() => choose(own)}>
            {t('notices.compose.resetScope', { name: own.name })}
          </button>
        </p>
      )}
      <div className="field">
        <label htmlFor="scope-search">{t('notices.compose.changeScope')}</label>
        <input
          id="scope-search"
          type="search"
          value={text}
          maxLength={100}
          aria-describedby="scope-search-help"
          onChange={(e) => setText(e.target.value)}
        />
        <span id="scope-search-help" className="muted">
          {t('notices.compose.scopeSearchHelp')}
        </span>
      </div>
      {failure !== undefined && <ErrorNote error={failure} />}
      {hits && hits.length === 0 && <p className="muted">{t('notices.compose.noScopeMatch', { text: text.trim() })}</p>}
      {hits && hits.length > 0 && (
        <ul className="hits">
          {hits.map((hit) => (
            <li key={hit.id}>
              <div className="tree-row">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => choose(hit)}
                  aria-label={t('notices.compose.choose', { name: hit.name })}
                >
                  {hit.name}
                </button>
                <TenantLabels kind={hit.kind} enabled />
              </div>
              {hit.path.length > 0 && <div className="path">{hit.path.join(' › ')}</div>}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
