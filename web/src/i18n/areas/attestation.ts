// Strings of the public page of a re-attestation question. `it` must mirror `en` key for key.
import type { Strings } from '../strings';

export const en = {
  title: 'Your role as a contact',
  question: 'Are you still the {{roles}} contact of {{tenant}}?',
  lead: 'You receive the cloud platform’s notices of this kind for {{tenant}}. Press one of the buttons to answer.',
  until: 'You can answer until {{when}}.',
  yes: 'Yes, I still am',
  no: 'No, remove me',
  noWarning:
    'Answering No removes you as {{roles}} contact: you stop receiving these notices and the administrator is told.',
  confirmed: 'Thank you: you stay the {{roles}} contact of {{tenant}}.',
  declined: 'Done: you are no longer the {{roles}} contact of {{tenant}}. The administrator has been told.',
  answered: 'This question was already answered: there is nothing more to do.',
  expired: 'This question has closed without an answer. Ask your administrator if anything changed.',
  withdrawn: 'This question no longer applies: you were removed as a contact meanwhile.',
};

export const it: Strings<typeof en> = {
  title: 'Il tuo ruolo di contatto',
  question: 'Sei ancora il contatto di tipo {{roles}} di {{tenant}}?',
  lead: 'Ricevi gli avvisi di questo tipo della piattaforma cloud per {{tenant}}. Premi uno dei pulsanti per rispondere.',
  until: 'Puoi rispondere fino al {{when}}.',
  yes: 'Sì, sono ancora io',
  no: 'No, rimuovimi',
  noWarning:
    "Rispondendo No non sarai più il contatto di tipo {{roles}}: smetterai di ricevere questi avvisi e l'amministratore ne sarà informato.",
  confirmed: 'Grazie: resti il contatto di tipo {{roles}} di {{tenant}}.',
  declined: "Fatto: non sei più il contatto di tipo {{roles}} di {{tenant}}. L'amministratore è stato informato.",
  answered: 'A questa domanda è già stata data una risposta: non serve altro.',
  expired: 'Questa domanda si è chiusa senza risposta. Chiedi al tuo amministratore se qualcosa è cambiato.',
  withdrawn: 'Questa domanda non vale più: nel frattempo sei stato rimosso dai contatti.',
};
