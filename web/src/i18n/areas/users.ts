// Strings of the users pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Users',
  titleOf: 'Users of {{name}}',
  count_one: '{{n}} user',
  count_other: '{{n}} users',
  empty: 'No user in this company yet.',
  notFound: 'There is no such client among those you manage.',
  table: {
    login: 'Login', name: 'Name', email: 'Email', status: 'Status', types: 'Contact types', actions: 'Actions',
    sortBy: 'Sort by {{column}}', ascending: 'ascending', descending: 'descending',
  },
  status: { activated: 'Activated', notActivated: 'Not activated', enabled: 'Enabled', disabled: 'Disabled' },
  activation: {
    send: 'Send activation email', sendFor: 'Send activation email to {{login}}',
    sent: 'An activation email was sent to {{email}}.',
    already: '{{login}} has already activated the account: there is nothing to send.',
    tooMany: 'An activation email was sent to {{login}} a short while ago. Try again later.',
  },
  create: {
    button: 'Create user', title: 'Create a user', submit: 'Create',
    login: 'Login', loginHint: 'Letters, digits and . _ @ + -. Leave it empty to use the email.',
    email: 'Email', firstname: 'First name', lastname: 'Last name', language: 'Language',
    sendNow: 'Send the activation email now',
    created: 'The user {{login}} was created.', createdAndSent: 'The user {{login}} was created and an activation email was sent to {{email}}.',
    createdNotSent: 'The user {{login}} was created, but the activation email could not be sent: {{reason}}',
  },
};

export const it: Strings<typeof en> = {
  title: 'Utenti',
  titleOf: 'Utenti di {{name}}',
  count_one: '{{n}} utente',
  count_other: '{{n}} utenti',
  empty: 'Ancora nessun utente in questa azienda.',
  notFound: 'Non c’è un cliente così tra quelli che gestisci.',
  table: {
    login: 'Login', name: 'Nome', email: 'Indirizzo e-mail', status: 'Stato', types: 'Tipi di contatto', actions: 'Azioni',
    sortBy: 'Ordina per {{column}}', ascending: 'crescente', descending: 'decrescente',
  },
  status: { activated: 'Attivato', notActivated: 'Non attivato', enabled: 'Abilitato', disabled: 'Disabilitato' },
  activation: {
    send: 'Invia e-mail di attivazione', sendFor: 'Invia e-mail di attivazione a {{login}}',
    sent: 'È stata inviata un’e-mail di attivazione a {{email}}.',
    already: '{{login}} ha già attivato l’account: non c’è niente da inviare.',
    tooMany: 'Un’e-mail di attivazione è stata inviata a {{login}} poco fa. Riprova più tardi.',
  },
  create: {
    button: 'Crea utente', title: 'Crea un utente', submit: 'Crea',
    login: 'Login', loginHint: 'Lettere, cifre e . _ @ + -. Lascialo vuoto per usare l’indirizzo e-mail.',
    email: 'Indirizzo e-mail', firstname: 'Nome', lastname: 'Cognome', language: 'Lingua',
    sendNow: 'Invia subito l’e-mail di attivazione',
    created: 'Utente creato: {{login}}.', createdAndSent: 'Utente creato: {{login}}. È stata inviata un’e-mail di attivazione a {{email}}.',
    createdNotSent: 'Utente creato: {{login}}. Non è stato possibile inviare l’e-mail di attivazione: {{reason}}',
  },
};
