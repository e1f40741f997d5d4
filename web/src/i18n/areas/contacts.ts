// Strings of the contacts pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Contacts',
  count_one: '{{n}} contact',
  count_other: '{{n}} contacts',
  empty: 'No contact yet. Add one with the button above: notices reach a tenant only through its contacts.',
  add: {
    button: 'Add contact', title: 'Add a contact', how: 'How do you want to add the contact?',
    fromUser: 'Create from existing user', fromUserHint: 'Name, email, phone and job title come from the user’s profile.',
    noFreeUser: 'Every user of this tenant is already a contact.',
    newContact: 'Create a new contact', newContactHint: 'For a person who does not sign in to the platform.',
  },
  form: {
    types: 'Contact types', typesLead: 'Choose one or more: each type receives its own notices.',
    user: 'User', userHint: 'Type to search by name, login or email.', noUserMatches: 'No user matches.',
    firstname: 'First name', lastname: 'Last name', email: 'Business email', phone: 'Business phone', title: 'Job title',
  },
  errors: {
    required: 'Fill in this field.', invalid: 'This value is not valid.', email: 'Enter a valid email address, like name@example.com.',
    emailTaken: 'Another contact of this tenant already uses this address.', userTaken: 'This user is already a contact of this tenant.',
    loginTaken: 'This login is already taken: choose another.', login: 'Use letters, digits and . _ @ + - only.',
    name: 'Enter a name (up to 100 characters).', types: 'Choose at least one contact type.', user: 'Choose a user of this tenant.',
    chooseUser: 'Choose a user from the list.', tooLong: 'This value is too long.',
    changedMeanwhile: 'Someone else changed this meanwhile. The page now shows the current data: check it and try again.',
    tooMany: 'Too many requests just now. Try again in a few minutes.', forbidden: 'Your role does not allow this change.',
    gone: 'It no longer exists: it may have been deleted meanwhile. The list was reloaded.',
  },
  edit: {
    title: 'Edit {{name}}',
    changedMeanwhile: 'Someone else changed this contact meanwhile. The form now shows the current values: check them and save again.',
    linkedLead: 'This contact is a user of the platform: name, email, phone and job title are changed on the user too.',
    emailConfirmHint: 'A new address must be confirmed by the person: a link is sent to it, and the current address stays in use until then.',
  },
  remove: {
    title: 'Delete contact', question: 'Delete the contact {{name}} ({{email}})?',
    linked: 'The user {{name}} is kept and can still sign in; only its contact types are removed, so it stops receiving notices as a contact.',
    unlinked: 'This person stops receiving the notices of these types.',
    confirm: 'Delete contact',
    changedMeanwhile: 'Someone else changed this contact meanwhile. Check its current types above and press Delete again if you still want to.',
  },
  table: {
    name: 'Name', email: 'Business email', phone: 'Business phone', title: 'Job title', types: 'Contact types', actions: 'Actions',
    linked: 'User', linkedHelp: 'Linked to a user of the platform: its details come from the user’s profile.',
    invalid: 'Invalid address', invalidHelp: 'Mail to this address bounced: correct the address.',
    pending: 'Pending confirmation', resend: 'Resend', resendFor: 'Resend the confirmation to {{email}}',
    cancelPending: 'Cancel change', cancelFor: 'Cancel change to {{email}}',
    editFor: 'Edit {{name}}', deleteFor: 'Delete {{name}}',
  },
  notes: {
    added: '{{name}} was added as a contact.', saved: 'The changes to {{name}} were saved.',
    confirmationSent: 'A confirmation was sent to {{email}}. {{name}} keeps the address {{current}} until the new one is confirmed.',
    deleted: 'The contact {{name}} was deleted.', deletedLinked: 'The contact {{name}} was deleted. The user is kept, without contact types.',
    resent: 'The confirmation was sent again to {{email}}.', cancelled: 'The change of address to {{email}} was cancelled.',
  },
  tenant: {
    name: 'Name', kind: 'Kind', status: 'Status', enabled: 'Enabled', disabled: 'Disabled',
    kinds: { root: 'Platform', partner: 'Partner', folder: 'Folder', customer: 'Customer', unit: 'Unit' },
  },
  company: { crumb: 'My company', title: 'Company profile', breadcrumb: 'Breadcrumb' },
  client: {
    crumb: 'Clients', configure: 'Configure', users: 'Users of {{name}}',
    shared: 'Changes made here are what this client’s own administrators see: it is the same list.',
    notFound: 'There is no such client among the tenants you manage.', back: 'Back to Clients',
  },
};

export const it: Strings<typeof en> = {
  title: 'Contatti',
  count_one: '{{n}} contatto',
  count_other: '{{n}} contatti',
  empty: 'Ancora nessun contatto. Aggiungine uno con il pulsante qui sopra: gli avvisi raggiungono un tenant solo tramite i suoi contatti.',
  add: {
    button: 'Aggiungi contatto', title: 'Aggiungi un contatto', how: 'Come vuoi aggiungere il contatto?',
    fromUser: 'Crea da un utente esistente', fromUserHint: 'Nome, email, telefono e ruolo vengono dal profilo dell’utente.',
    noFreeUser: 'Tutti gli utenti di questo tenant sono già contatti.',
    newContact: 'Crea un nuovo contatto', newContactHint: 'Per una persona che non accede alla piattaforma.',
  },
  form: {
    types: 'Tipi di contatto', typesLead: 'Scegline uno o più: ogni tipo riceve i propri avvisi.',
    user: 'Utente', userHint: 'Scrivi per cercare per nome, login o email.', noUserMatches: 'Nessun utente corrisponde.',
    firstname: 'Nome', lastname: 'Cognome', email: 'Email aziendale', phone: 'Telefono aziendale', title: 'Ruolo',
  },
  errors: {
    required: 'Compila questo campo.', invalid: 'Questo valore non è valido.', email: 'Inserisci un indirizzo email valido, come nome@esempio.it.',
    emailTaken: 'Un altro contatto di questo tenant usa già questo indirizzo.', userTaken: 'Questo utente è già un contatto di questo tenant.',
    loginTaken: 'Questo login è già in uso: scegline un altro.', login: 'Usa solo lettere, cifre e . _ @ + -.',
    name: 'Inserisci un nome (fino a 100 caratteri).', types: 'Scegli almeno un tipo di contatto.', user: 'Scegli un utente di questo tenant.',
    chooseUser: 'Scegli un utente dall’elenco.', tooLong: 'Questo valore è troppo lungo.',
    changedMeanwhile: 'Qualcun altro ha modificato questi dati nel frattempo. La pagina ora mostra i dati attuali: controllali e riprova.',
    tooMany: 'Troppe richieste in questo momento. Riprova tra qualche minuto.', forbidden: 'Il tuo ruolo non consente questa modifica.',
    gone: 'Non esiste più: potrebbe essere stato eliminato nel frattempo. L’elenco è stato ricaricato.',
  },
  edit: {
    title: 'Modifica {{name}}',
    changedMeanwhile: 'Qualcun altro ha modificato questo contatto nel frattempo. Il modulo ora mostra i valori attuali: controllali e salva di nuovo.',
    linkedLead: 'Questo contatto è un utente della piattaforma: nome, email, telefono e ruolo vengono modificati anche sull’utente.',
    emailConfirmHint: 'Un nuovo indirizzo deve essere confermato dalla persona: le viene inviato un link, e fino ad allora resta in uso l’indirizzo attuale.',
  },
  remove: {
    title: 'Elimina contatto', question: 'Eliminare il contatto {{name}} ({{email}})?',
    linked: 'L’utente {{name}} viene mantenuto e può ancora accedere; vengono rimossi solo i suoi tipi di contatto, quindi smette di ricevere gli avvisi come contatto.',
    unlinked: 'Questa persona smette di ricevere gli avvisi di questi tipi.',
    confirm: 'Elimina contatto',
    changedMeanwhile: 'Qualcun altro ha modificato questo contatto nel frattempo. Controlla i tipi attuali qui sopra e premi di nuovo Elimina se vuoi ancora farlo.',
  },
  table: {
    name: 'Nome', email: 'Email aziendale', phone: 'Telefono aziendale', title: 'Ruolo', types: 'Tipi di contatto', actions: 'Azioni',
    linked: 'Utente', linkedHelp: 'Collegato a un utente della piattaforma: i suoi dati vengono dal profilo dell’utente.',
    invalid: 'Indirizzo non valido', invalidHelp: 'La posta a questo indirizzo è stata respinta: correggi l’indirizzo.',
    pending: 'In attesa di conferma', resend: 'Invia di nuovo', resendFor: 'Invia di nuovo la conferma a {{email}}',
    cancelPending: 'Annulla modifica', cancelFor: 'Annulla modifica verso {{email}}',
    editFor: 'Modifica {{name}}', deleteFor: 'Elimina {{name}}',
  },
  notes: {
    added: '{{name}} è stato aggiunto come contatto.', saved: 'Le modifiche a {{name}} sono state salvate.',
    confirmationSent: 'È stata inviata una conferma a {{email}}. {{name}} mantiene l’indirizzo {{current}} finché il nuovo non viene confermato.',
    deleted: 'Il contatto {{name}} è stato eliminato.', deletedLinked: 'Il contatto {{name}} è stato eliminato. L’utente resta, senza tipi di contatto.',
    resent: 'La conferma è stata inviata di nuovo a {{email}}.', cancelled: 'La modifica dell’indirizzo verso {{email}} è stata annullata.',
  },
  tenant: {
    name: 'Nome', kind: 'Tipo', status: 'Stato', enabled: 'Attivo', disabled: 'Disattivato',
    kinds: { root: 'Piattaforma', partner: 'Partner', folder: 'Cartella', customer: 'Cliente', unit: 'Unità' },
  },
  company: { crumb: 'La mia azienda', title: 'Profilo aziendale', breadcrumb: 'Percorso' },
  client: {
    crumb: 'Clienti', configure: 'Configura', users: 'Utenti di {{name}}',
    shared: 'Le modifiche fatte qui sono ciò che vedono gli amministratori del cliente stesso: è lo stesso elenco.',
    notFound: 'Non c’è un cliente così tra i tenant che gestisci.', back: 'Torna ai Clienti',
  },
};
