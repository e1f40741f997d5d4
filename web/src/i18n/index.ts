import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { it } from './it';

export type Language = 'en' | 'it';
export const languages: { code: Language; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'it', label: 'Italiano' },
];

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('liaison.language') : null;
/** The chosen language, else the browser's, else English (the signed-in user's wins once known). */
function initialLanguage(): Language {
  if (stored === 'en' || stored === 'it') return stored;
  return navigator.language?.toLowerCase().startsWith('it') ? 'it' : 'en';
}

// <html lang> follows the language shown (screen readers, hyphenation, spelling), from the first paint on.
i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, it: { translation: it } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

export function setLanguage(language: Language, remember: boolean) {
  if (remember) localStorage.setItem('liaison.language', language);
  void i18n.changeLanguage(language);
}

export function hasChosenLanguage() {
  return localStorage.getItem('liaison.language') !== null;
}

/** Dates and numbers in the user's locale. */
export const formatDate = (iso: string | null | undefined) =>
  iso
    ? new Intl.DateTimeFormat(i18n.language === 'it' ? 'it-IT' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(iso))
    : '';
export const formatNumber = (n: number) => new Intl.NumberFormat(i18n.language === 'it' ? 'it-IT' : 'en-GB').format(n);
