// The console's strings. it.ts must hold every key (the type checker enforces it).
// Each area of pages keeps its strings in areas/<area>.ts.
import * as contacts from './areas/contacts';
import * as users from './areas/users';
import * as clients from './areas/clients';
import * as notices from './areas/notices';
import * as mailbox from './areas/mailbox';
import * as unsubscribe from './areas/unsubscribe';
import * as webhooks from './areas/webhooks';
import * as attestation from './areas/attestation';
import type { Strings } from './strings';

export const areas = { contacts, users, clients, notices, mailbox, unsubscribe, webhooks, attestation };
export const en = {
  contacts: contacts.en,
  users: users.en,
  clients: clients.en,
  notices: notices.en,
  mailbox: mailbox.en,
  unsubscribe: unsubscribe.en,
  webhooks: webhooks.en,
  attestation: attestation.en,
  app: {
    name: 'Liaison',
    skip: 'Skip to content',
    loading: 'Loading…',
    retry: 'Try again',
    close: 'Close',
    cancel: 'Cancel',
    save: 'Save',
    add: 'Add',
    delete: 'Delete',
    edit: 'Edit',
    back: 'Back',
    search: 'Search',
    none: 'None',
    yes: 'Yes',
    no: 'No',
    error: 'Something went wrong: {{message}}',
    required: 'required',
    length: '{{n}} of {{max}} characters',
    lengthFull: 'Limit reached: at most {{max}} characters.',
  },
  nav: {
    main: 'Main',
    myCompany: 'Company management',
    clients: 'Clients',
    users: 'Users',
    notices: 'Notices',
    mailbox: 'Mailbox',
    webhooks: 'Webhooks',
    signOut: 'Sign out',
    language: 'Language',
    signedInAs: 'Signed in as {{name}}',
  },
  signIn: {
    title: 'Sign in to Liaison',
    login: 'Login',
    password: 'Password',
    submit: 'Sign in',
    failed: 'Wrong login or password.',
    throttled: 'Too many attempts. Try again later.',
  },
  contactTypes: {
    billing: 'Billing',
    technical: 'Technical',
    management: 'Business',
    billingHelp: 'Receives notices about usage reporting and billing changes.',
    technicalHelp: 'Receives notices about technical changes of the platform.',
    managementHelp: 'Receives notices about business changes.',
  },
  confirmEmail: {
    title: 'Confirm your new email address',
    lead: 'Press the button to make the new address the one of your account.',
    button: 'Confirm',
    done: 'Done: {{email}} is now the address of your account.',
  },
  activate: {
    title: 'Activate your account',
    lead: 'Choose a password of at least 8 characters.',
    password: 'Password',
    repeat: 'Repeat the password',
    button: 'Activate',
    done: 'Your account is active. Sign in with the login {{login}}.',
    mismatch: 'The two passwords differ.',
    short: 'The password needs at least 8 characters.',
    signIn: 'Go to sign in',
  },
  link: {
    expired: 'This link has expired. Ask your administrator to send a new one.',
    used: 'This link was already used: there is nothing more to do.',
    revoked: 'This link was replaced by a newer one or cancelled. Use the most recent message.',
    invalid: 'This link is not valid. Check that you opened the whole link from the message.',
    missing: 'This page needs the link from your message.',
  },
};

export type Dictionary = Strings<typeof en>;
