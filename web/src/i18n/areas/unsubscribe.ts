// Strings of the public unsubscribe page. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Notices by email',
  receives: '{{email}} receives the {{type}} notices sent for {{names}}.',
  optedOut: '{{email}} no longer receives the {{type}} notices sent for {{names}}.',
  since: 'Unsubscribed on {{when}}.',
  unsubscribe: 'Unsubscribe',
  subscribeAgain: 'Subscribe again',
  unsubscribed: 'Done: {{email}} no longer receives these notices.',
  resubscribed: 'Done: {{email}} receives these notices again.',
  mandatory: 'Messages a customer must receive (security, legal, changes of the service) still arrive.',
  invalid: 'This link is not valid. Check that you opened the whole link from the message.',
};

export const it: Strings<typeof en> = {
  title: 'Avvisi via e-mail',
  receives: '{{email}} riceve gli avvisi {{type}} inviati per {{names}}.',
  optedOut: '{{email}} non riceve più gli avvisi {{type}} inviati per {{names}}.',
  since: 'Disiscrizione del {{when}}.',
  unsubscribe: 'Disiscriviti',
  subscribeAgain: 'Iscriviti di nuovo',
  unsubscribed: 'Fatto: {{email}} non riceve più questi avvisi.',
  resubscribed: 'Fatto: {{email}} riceve di nuovo questi avvisi.',
  mandatory:
    'I messaggi che un cliente deve ricevere (sicurezza, aspetti legali, cambiamenti del servizio) arrivano comunque.',
  invalid: 'Questo link non è valido. Controlla di aver aperto il link completo del messaggio.',
};
