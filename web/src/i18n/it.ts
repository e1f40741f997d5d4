import { areas, type Dictionary } from './en';

export const it: Dictionary = {
  contacts: areas.contacts.it, users: areas.users.it, clients: areas.clients.it, notices: areas.notices.it, mailbox: areas.mailbox.it,
  app: { name: 'Liaison', skip: 'Vai al contenuto', loading: 'Caricamento…', retry: 'Riprova', close: 'Chiudi', cancel: 'Annulla', save: 'Salva', add: 'Aggiungi', delete: 'Elimina', edit: 'Modifica', back: 'Indietro', search: 'Cerca', none: 'Nessuno', yes: 'Sì', no: 'No', error: 'Qualcosa è andato storto: {{message}}', required: 'obbligatorio', length: '{{n}} di {{max}} caratteri', lengthFull: 'Limite raggiunto: al massimo {{max}} caratteri.' },
  nav: { main: 'Principale', myCompany: 'Gestione azienda', clients: 'Clienti', users: 'Utenti', notices: 'Avvisi', mailbox: 'Posta', signOut: 'Esci', language: 'Lingua', signedInAs: 'Accesso come {{name}}' },
  signIn: { title: 'Accedi a Liaison', login: 'Login', password: 'Password', submit: 'Accedi', failed: 'Login o password errati.', throttled: 'Troppi tentativi. Riprova più tardi.' },
  contactTypes: {
    billing: 'Fatturazione', technical: 'Tecnico', management: 'Business',
    billingHelp: 'Riceve gli avvisi sui report di utilizzo e sui cambiamenti della fatturazione.',
    technicalHelp: 'Riceve gli avvisi sui cambiamenti tecnici della piattaforma.',
    managementHelp: 'Riceve gli avvisi sui cambiamenti di business.',
  },
  confirmEmail: {
    title: 'Conferma il tuo nuovo indirizzo e-mail', lead: "Premi il pulsante per rendere il nuovo indirizzo quello del tuo account.", button: 'Conferma',
    done: "Fatto: {{email}} è ora l'indirizzo del tuo account.",
  },
  activate: {
    title: 'Attiva il tuo account', lead: 'Scegli una password di almeno 8 caratteri.', password: 'Password', repeat: 'Ripeti la password', button: 'Attiva',
    done: 'Il tuo account è attivo. Accedi con il login {{login}}.', mismatch: 'Le due password sono diverse.', short: 'La password deve avere almeno 8 caratteri.', signIn: "Vai all'accesso",
  },
  link: {
    expired: "Questo link è scaduto. Chiedi all'amministratore di inviarne uno nuovo.",
    used: 'Questo link è già stato usato: non serve fare altro.',
    revoked: "Questo link è stato sostituito da uno più recente o annullato. Usa l'ultimo messaggio ricevuto.",
    invalid: 'Questo link non è valido. Controlla di aver aperto il link completo del messaggio.',
    missing: 'Questa pagina richiede il link ricevuto nel messaggio.',
  },
};
