import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  /** Called on Escape, and when the browser closes the dialog by itself. */
  onClose(): void;
  children: ReactNode;
}

const FIELDS = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';

/** Focus [autofocus], else the first field, else the first button (Cancel first in a confirm). */
function focusFirst(root: HTMLElement) {
  const target =
    root.querySelector<HTMLElement>('[autofocus]') ??
    root.querySelector<HTMLElement>(FIELDS) ??
    root.querySelector<HTMLElement>('button:not([disabled]), a[href]');
  target?.focus();
}

/**
 * A modal over the native <dialog> (showModal): titled by its heading, keyboard-operable,
 * focus moves to the first field on open, Escape closes, and focus returns to what had it.
 * Children mount only while open, so each opening starts fresh.
 */
export function Dialog({ open, title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const openRef = useRef(open);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    openRef.current = open;
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const el = ref.current;
    if (!open || !el) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    focusFirst(el);
    return () => {
      if (el.open) el.close();
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCloseRef.current();
      }}
      onClose={() => {
        // The close event is queued: one from a close this component made may arrive after the
        // dialog was opened again (a quick Escape then Enter). Only a dialog still closed is news.
        if (openRef.current && !ref.current?.open) onCloseRef.current();
      }}
    >
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}
