import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The tab's title: "<what this page is> · Liaison", in the language shown (it follows a switch).
 * A page calls it once; where pages nest (the notices' sections), the innermost one names the page.
 */
export function usePageTitle(...parts: (string | undefined | false)[]) {
  const { t } = useTranslation();
  const title = [...parts.filter((p): p is string => !!p), t('app.name')].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
