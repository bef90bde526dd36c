/**
 * A button whose action needs a second, explicit confirmation (delete): a native modal <dialog>,
 * which traps focus, closes on Escape and returns focus to the button. Cancel has focus first.
 */
import { useId, useRef, type ReactNode } from 'react';
import { useAction } from '../lib/useAction';
import { ErrorText } from './ErrorText';

interface Props {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
  /** a key that opens the dialog through the page's shortcuts (the inbox's `u` for revert) */
  shortcut?: string;
  disabled?: boolean;
}

export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, className, shortcut, disabled }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const action = useAction(async () => {
    await onConfirm();
    dialog.current?.close();
  });
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={disabled}
        {...(shortcut ? { 'data-shortcut': shortcut, 'aria-keyshortcuts': shortcut } : {})}
        onClick={() => {
          action.reset();
          dialog.current?.showModal();
          // The safe choice has focus, so Enter does not destroy anything by accident.
          cancel.current?.focus();
        }}
      >
        {label}
        {shortcut && (
          <kbd className="shortcut" aria-hidden="true">
            {shortcut}
          </kbd>
        )}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm-dialog">
        <h2 id={titleId}>{title}</h2>
        <div>{children}</div>
        <ErrorText error={action.error} />
        <div className="actions">
          <button type="button" className="danger" onClick={() => void action.run()} disabled={action.busy}>
            {confirmLabel}
          </button>
          <button type="button" ref={cancel} onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
