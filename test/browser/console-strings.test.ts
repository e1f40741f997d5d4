import { describe, expect, it } from 'vitest';

// The console's tables, loaded as the tests run: the server's type check does not reach into web/ (its own project).
const web = (file: string) => new URL(`../../web/src/i18n/${file}`, import.meta.url).href;
const { en } = (await import(web('en.ts'))) as { en: any };
const { it: italian } = (await import(web('it.ts'))) as { it: any };

/** Every string of a table with its key path. */
function leaves(table: object, prefix = ''): [string, string][] {
  return Object.entries(table).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value] as [string, string]]
      : leaves(value as object, `${prefix}${key}.`),
  );
}
/** The strings saying one of the words (placeholders such as {{email}} are not words a person reads). */
const offending = (table: object, words: RegExp[]) =>
  leaves(table)
    .filter(([, text]) => words.some((word) => word.test(text.replace(/\{\{\w+\}\}/g, '…'))))
    .map(([key, text]) => `${key}: ${text}`);

/** The console speaks the product's own words (issue 8; DESIGN: the Italian console is the seed's verbatim). */
describe('console strings', () => {
  it('never say "tenant", nor "Category" where the notice means contact types', () => {
    expect(offending(en, [/\btenants?\b/i, /\bcategor(y|ies)\b/i])).toEqual([]);
    expect(offending(italian, [/\btenant/i, /\bcategori/i])).toEqual([]);
  });

  it('in Italian, none of the words the seed does not use', () => {
    // "Ruolo" reads as an access role (the job title is Posizione professionale); Commerciale is Business;
    // the seed writes e-mail.
    expect(offending(italian, [/ripieg/i, /commercial/i, /\bruol/i, /\bemail\b/i, /antenat/i])).toEqual([]);
  });

  it('in Italian, the seed’s terms verbatim', () => {
    expect(italian.contactTypes).toMatchObject({
      billing: 'Fatturazione',
      technical: 'Tecnico',
      management: 'Business',
    });
    expect(italian.contacts.form).toMatchObject({
      firstname: 'Nome',
      lastname: 'Cognome',
      email: 'Indirizzo e-mail aziendale',
      phone: 'Telefono aziendale',
      title: 'Posizione professionale',
    });
    expect(italian.contacts.table).toMatchObject({
      email: 'Indirizzo e-mail aziendale',
      phone: 'Telefono aziendale',
      title: 'Posizione professionale',
      types: 'Tipi di contatto',
    });
    expect([italian.contacts.title, italian.contacts.add.button]).toEqual(['Contatti', 'Aggiungi']);
    expect([italian.contacts.company.crumb, italian.contacts.company.partnerTitle]).toEqual([
      'Gestione azienda',
      'Profilo partner',
    ]);
    expect([italian.contacts.client.crumb, italian.contacts.client.configure]).toEqual(['Clienti', 'Configura']);
    expect(italian.users.table.types).toBe('Tipi di contatto');
    expect([italian.notices.categories.legend, italian.notices.detail.category, en.notices.categories.legend]).toEqual([
      'Tipi di contatto',
      'Tipi di contatto',
      'Contact types',
    ]);
  });

  it('success messages do not assume the gender of the person named', () => {
    const success = [italian.contacts.notes, italian.users.create, italian.users.activation];
    // "Carla è stato aggiunto", "Mario è stata creata": the participle would agree with the person.
    const gendered = success
      .flatMap((table) => leaves(table))
      .filter(([, text]) => /\{\{(name|login)\}\}\s+è\s+stat[oaie]\b/i.test(text));
    expect(gendered).toEqual([]);
    expect(italian.contacts.notes.added).not.toMatch(/\{\{name\}\} è stat/);
  });

  it('one wording for a required field', () => {
    for (const table of [en, italian]) {
      const required = leaves(table)
        .filter(([key]) => /errors\.required$/.test(key))
        .map(([, text]) => text);
      expect(required.length).toBeGreaterThan(1);
      expect(new Set(required).size).toBe(1);
    }
  });

  it('say every string in both languages: the same keys, and the notice engine’s words translated', () => {
    const keys = (table: object) => leaves(table).map(([key]) => key);
    expect(keys(italian)).toEqual(keys(en));
    const at = (table: any, path: string) => path.split('.').reduce((node, key) => node?.[key], table);
    // Scheduled and cancelled notices, opt-outs, bounces and the unsubscribe page (issue 10).
    for (const path of [
      'notices.status.scheduled',
      'notices.status.cancelled',
      'notices.status.scheduledFor',
      'notices.compose.sendAt',
      'notices.compose.mandatory',
      'notices.compose.confirmSchedule_other',
      'notices.preview.optedOut_other',
      'notices.progress.cancelled',
      'notices.progress.optedOut',
      'notices.progress.bounced',
      'notices.progress.complained',
      'notices.detail.cancel',
      'notices.detail.cancelTitle',
      'notices.detail.edit',
      'notices.detail.states.bounced',
      'notices.detail.states.complained',
      'notices.detail.states.cancelled',
      'contacts.mail.title',
      'contacts.mail.lastBounce',
      'contacts.mail.optedOut',
      'contacts.mail.how.unsubscribe',
      'contacts.mail.how.mailto',
      'contacts.mail.how.complaint',
      'contacts.mail.askAgain',
      'contacts.mail.askedRecently',
      'unsubscribe.title',
      'unsubscribe.receives',
      'unsubscribe.optedOut',
      'unsubscribe.unsubscribe',
      'unsubscribe.subscribeAgain',
      'unsubscribe.invalid',
    ]) {
      expect(at(en, path), path).toMatch(/\S/);
      expect(at(italian, path), path).toMatch(/\S/);
      expect(at(italian, path), `${path} is translated`).not.toBe(at(en, path));
    }
    // The placeholders a string fills in are the same in both.
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const differing = leaves(en).filter(
      ([key, text]) => placeholders(text).join() !== placeholders(at(italian, key)).join(),
    );
    expect(differing.map(([key]) => key)).toEqual([]);
  });
});
