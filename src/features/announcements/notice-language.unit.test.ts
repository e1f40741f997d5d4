import { describe, expect, it } from 'vitest';
import { checkWritten, assertEnglishNotNeeded } from './announcement.languages.js';
import { noticeLanguage, prepareNotice, renderNotice } from './notice.mails.js';

// A notice without English: who reads it in which language, and what the rules refuse. Pure logic.

describe('a notice written only in Italian', () => {
  const content = { category: 'technical' as const, subject: { it: 'Fermo' }, body: { it: '**Fermo** sabato' } };

  it('is read in Italian by everyone, also by a person whose language is English', () => {
    expect(noticeLanguage('en', true, false)).toBe('it');
    expect(noticeLanguage('en', true, true)).toBe('en');
    expect(noticeLanguage('it', false, true)).toBe('en');
    const message = prepareNotice(content)({ language: 'en', tenantNames: ['Rossi'] });
    expect(message.language).toBe('it');
    expect(message.subject).toBe('Fermo');
    expect(message.html).toContain('<strong>Fermo</strong> sabato');
  });

  it('renders only Italian in the preview', () => {
    expect(Object.keys(renderNotice(content, ['Rossi']))).toEqual(['it']);
  });

  it('is accepted only when no recipient reads English', () => {
    const written = checkWritten(content);
    expect(written).toEqual({ en: false, it: true });
    expect(() => assertEnglishNotNeeded(written, 0)).not.toThrow();
    expect(() => assertEnglishNotNeeded(written, 3)).toThrow('English is required: 3 recipients read English');
    expect(() => assertEnglishNotNeeded({ en: true }, 3)).not.toThrow();
  });

  it('must be whole: half a language is refused, naming the missing field', () => {
    expect(() => checkWritten({ subject: { it: 'Fermo' }, body: {} })).toThrow('subject.en, body.en');
    expect(() => checkWritten({ subject: { en: 'Stop' }, body: { it: 'Fermo' } })).toThrow('body.en');
  });
});
