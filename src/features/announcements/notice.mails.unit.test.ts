import { describe, expect, it } from 'vitest';
import { markdownRenders, noticeLanguage, prepareNotice } from './notice.mails.js';

// The notice as a message: pure logic, no database.

describe('the notice footer', () => {
  it('ends the "why" line with one full stop, also after a name that ends in one', () => {
    const send = prepareNotice({
      category: 'billing',
      subject: { en: 'S', it: 'O' },
      body: { en: 'Body', it: 'Corpo' },
    });
    const en = send({ language: 'en', tenantNames: ['Acme Inc.'] });
    expect(en.text).toContain('You receive this notice as the Billing contact of: Acme Inc.\n');
    expect(en.html).toContain('You receive this notice as the Billing contact of: Acme Inc.<br>');
    expect(en.text + en.html).not.toContain('Inc..');
    const it = send({ language: 'it', tenantNames: ['Beta S.p.A.', 'Acme Inc.'] });
    expect(it.text).toContain('Ricevi questo avviso come contatto Fatturazione di: Beta S.p.A., Acme Inc.\n');
    expect(send({ language: 'en', tenantNames: ['Rossi'] }).text).toContain('contact of: Rossi.\n');
  });

  it("names the Business type in both languages with the product's own word", () => {
    const send = prepareNotice({ category: 'management', subject: { en: 'S', it: 'O' }, body: { en: 'B', it: 'C' } });
    expect(send({ language: 'it', tenantNames: ['X'] }).text).toContain('come contatto Business di: X.');
    expect(send({ language: 'en', tenantNames: ['X'] }).text).toContain('as the Business contact of: X.');
  });
});

describe('rendering', () => {
  it('renders the Markdown once per language however many recipients read it', () => {
    const body = {
      en: `# Title\n\n${'A long paragraph with **bold** text. '.repeat(1500)}`,
      it: `# Titolo\n\n${'Testo **lungo**. '.repeat(2000)}`,
    };
    const send = prepareNotice({ category: 'technical', subject: { en: 'S', it: 'O' }, body });
    const before = markdownRenders.count;
    const messages = Array.from({ length: 300 }, (_, i) =>
      send({ language: i % 3 === 0 ? 'it' : 'en', tenantNames: [`Tenant ${i}`] }),
    );
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

describe('the notice in the common layout', () => {
  const send = prepareNotice({
    category: 'technical',
    subject: { en: 'Maintenance <Saturday> & "more"', it: 'Manutenzione' },
    body: { en: 'Raw <b onclick="x()">HTML</b> stays text.\n\n**Bold** words.', it: 'Corpo' },
  });

  it('escapes the subject and the tenant names, and shows raw HTML of the Markdown as text', () => {
    const mail = send({ language: 'en', tenantNames: ['<Evil> & Co'] });
    expect(mail.subject).toBe('Maintenance <Saturday> & "more"');
    expect(mail.html).toContain('<title>Maintenance &lt;Saturday&gt; &amp; &quot;more&quot;</title>');
    expect(mail.html).toContain('contact of: &lt;Evil&gt; &amp; Co.<br>');
    expect(mail.html).not.toMatch(/<b onclick|<Evil>/);
    expect(mail.html).toContain('Raw &lt;b onclick=&quot;x()&quot;&gt;HTML&lt;/b&gt; stays text.');
    expect(mail.html).toContain('<strong>Bold</strong> words.');
    expect(mail.text).toContain('contact of: <Evil> & Co.\n');
  });

  it('writes the language it chose into the page, the same in both parts', () => {
    const it = send({ language: 'it', tenantNames: ['X'] });
    expect(it.html).toMatch(/^<!doctype html><html lang="it">/);
    expect(it.text).toBe(
      'Corpo\n\n-- \nRicevi questo avviso come contatto Tecnico di: X.\n' +
        "Liaison, il servizio contatti della tua piattaforma cloud. Per cambiare chi riceve questi avvisi, rivolgiti all'amministratore del tuo account.\n",
    );
    expect(it.html).toContain('<p>Corpo</p>');
    expect(it.html).toContain('rivolgiti all&#39;amministratore del tuo account.</p>');
    expect(send({ language: 'de', tenantNames: ['X'] }).html).toMatch(/^<!doctype html><html lang="en">/);
  });
});
