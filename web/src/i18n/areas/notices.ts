// Strings of the notices pages. `it` must mirror `en` key for key (the type checker enforces it).
import type { Strings } from '../strings';

export const en = {
  title: 'Notices',
};

export const it: Strings<typeof en> = {
  title: 'Notices',
};
