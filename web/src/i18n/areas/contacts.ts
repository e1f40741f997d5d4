// Strings of the contacts pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Contacts',
};

export const it: Strings<typeof en> = {
  title: 'Contacts',
};
