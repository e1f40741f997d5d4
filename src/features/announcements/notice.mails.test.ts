import { describe, expect, it } from 'vitest';
import { markdownRenders, noticeLanguage, prepareNotice } from './notice.mails.js';

// The notice as a message: pure logic, no database.

describe('the notice footer', () => {
  it('ends the "why" line with one full stop, also after a name that ends in one', () => {
    const send = prepareNotice({ category: 'billing', subject: { en: 'S', it: 'O' }, body: { en: 'Body', it: 'Corpo' } });
    const en = send({ language: 'en', tenantNames: ['Acme Inc.'] });
    expect(en.text).toContain('You receive this notice as the Billing contact of: Acme Inc.\n');
    expect(en.html).toContain('You receive this notice as the Billing contact of: Acme Inc.<br>');
    expect(en.text + en.html).not.toContain('Inc..');
    const it = send({ language: 'it', tenantNames: ['Beta S.p.A.', 'Acme Inc.'] });
    expect(it.text).toContain('Ricevi questo avviso come contatto Fatturazione di: Beta S.p.A., Acme Inc.\n');
    expect(send({ language: 'en', tenantNames: ['Rossi'] }).text).toContain('contact of: Rossi.\n');
  });

  it('names the Business type in both languages with the product\'s own word', () => {
    const send = prepareNotice({ category: 'management', subject: { en: 'S', it: 'O' }, body: { en: 'B', it: 'C' } });
    expect(send({ language: 'it', tenantNames: ['X'] }).text).toContain('come contatto Business di: X.');
    expect(send({ language: 'en', tenantNames: ['X'] }).text).toContain('as the Business contact of: X.');
  });
});

describe('rendering', () => {
  it('renders the Markdown once per language however many recipients read it', () => {
    const body = { en: `# Title\n\n${'A long paragraph with **bold** text. '.repeat(1500)}`, it: `# Titolo\n\n${'Testo **lungo**. '.repeat(2000)}` };
    const send = prepareNotice({ category: 'technical', subject: { en: 'S', it: 'O' }, body });
    const before = markdownRenders.count;
    const messages = Array.from({ length: 300 }, (_, i) => send({ language: i % 3 === 0 ? 'it' : 'en', tenantNames: [`Tenant ${i}`] }));
    expect(markdownRenders.count - before).toBe(2);
    expect(messages[0].html).toContain('<h1>Titolo</h1>');
    expect(messages[1].html).toContain('<h1>Title</h1>');
    expect(messages[299].text).toContain('contact of: Tenant 299.');
  });

  it('writes Italian only when both the subject and the body exist in Italian', () => {
    expect(noticeLanguage('it', true)).toBe('it');
    expect(noticeLanguage('it-IT', true)).toBe('it');
    expect(noticeLanguage('it', false)).toBe('en');
    expect(noticeLanguage('de', true)).toBe('en');
    const send = prepareNotice({ category: 'technical', subject: { en: 'S', it: 'O' }, body: { en: 'B' }, test: true });
    expect(send({ language: 'it', tenantNames: ['X'] })).toMatchObject({ subject: '[Test] S', language: 'en' });
  });
});
