import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fullName, type User } from './load';

interface UserPickerProps {
  users: User[];
  value: string | undefined;
  onChange(userId: string | undefined): void;
  error?: string;
}

const MAX_SHOWN = 50;
const describe = (u: User) => `${fullName(u.contact) || u.login} (${u.login})`;

/** A searchable drop-down (ARIA combobox with a listbox): type to filter by name, login or email. */
export function UserPicker({ users, value, onChange, error }: UserPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const chosen = users.find((u) => u.id === value);
  const [text, setText] = useState(chosen ? describe(chosen) : '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    const all =
      chosen && text === describe(chosen)
        ? users
        : users.filter((u) =>
            [u.login, u.contact.firstname, u.contact.lastname, u.contact.email, fullName(u.contact)].some((s) =>
              s?.toLowerCase().includes(q),
            ),
          );
    return all.slice(0, MAX_SHOWN);
  }, [users, text, chosen]);

  const pick = (user: User) => {
    onChange(user.id);
    setText(describe(user));
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        setActive(0);
        return;
      }
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + matches.length) % Math.max(matches.length, 1));
    } else if (e.key === 'Enter' && open && matches[active]) {
      e.preventDefault();
      pick(matches[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault(); // closes the list, not the dialog
      e.stopPropagation();
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  const showList = open && matches.length > 0;
  const described = [`${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {t('contacts.form.user')}{' '}
        <span className="required-mark" aria-hidden="true">
          *
        </span>
        <span className="visually-hidden"> ({t('app.required')})</span>
      </label>
      <span id={`${id}-hint`} className="muted">
        {t('contacts.form.userHint')}
      </span>
      <div className="combobox">
        <input
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-required="true"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList ? `${id}-opt-${active}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(0);
            if (value) onChange(undefined);
          }}
          onKeyDown={onKeyDown}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
        />
        <ul id={listId} role="listbox" aria-label={t('contacts.form.user')} hidden={!showList}>
          {showList &&
            matches.map((u, i) => (
              <li
                key={u.id}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={u.id === value}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(u)}
                onMouseEnter={() => setActive(i)}
              >
                {fullName(u.contact) || u.login}
                <span className="option-sub">
                  {u.login} · {u.contact.email}
                </span>
              </li>
            ))}
        </ul>
      </div>
      {open && text && matches.length === 0 && (
        <p className="muted" role="status">
          {t('contacts.form.noUserMatches')}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
