// Strings of the mailbox pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Mailbox',
  lead: 'No SMTP server is configured, so Liaison keeps here the messages it would have sent. Newest first.',
  onlyRoot: 'Only platform administrators see the mailbox.',
  empty: 'No message yet. With an SMTP server configured, messages go there instead.',
  to: 'To',
  date: 'Date',
  kind: 'Kind',
  kinds: {
    activation: 'Account activation',
    email_change_confirmation: 'Email change: confirmation',
    email_change_notice: 'Email change: notice to the old address',
    test_notice: 'Test notice',
    announcement: 'Notice',
    opt_out_ask_again: 'Opt-out: asked to subscribe again',
  },
  showText: 'Show the message',
  more: 'Show more',
  count_one: '{{n}} message shown',
  count_other: '{{n}} messages shown',
};

export const it: Strings<typeof en> = {
  title: 'Casella di posta',
  lead: 'Nessun server SMTP è configurato: Liaison conserva qui i messaggi che avrebbe inviato. Prima i più recenti.',
  onlyRoot: 'Solo gli amministratori della piattaforma vedono la casella di posta.',
  empty: 'Ancora nessun messaggio. Con un server SMTP configurato, i messaggi vanno lì.',
  to: 'A',
  date: 'Data',
  kind: 'Tipo',
  kinds: {
    activation: 'Attivazione dell’account',
    email_change_confirmation: 'Cambio e-mail: conferma',
    email_change_notice: 'Cambio e-mail: avviso al vecchio indirizzo',
    test_notice: 'Avviso di prova',
    announcement: 'Avviso',
    opt_out_ask_again: 'Disiscrizione: invito a iscriversi di nuovo',
  },
  showText: 'Mostra il messaggio',
  more: 'Mostra altri',
  count_one: '{{n}} messaggio mostrato',
  count_other: '{{n}} messaggi mostrati',
};
