// Strings of the clients pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Clients',
};

export const it: Strings<typeof en> = {
  title: 'Clients',
};
