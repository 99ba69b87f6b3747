'use client';

/**
 * A button that opens a native <dialog> asking for confirmation before it
 * submits a form to `action`. With `typedConfirmation`, the person must type
 * that exact text before the confirm button enables (cascading deletes).
 *
 *   <ConfirmButton
 *     action={deleteWarehouse}
 *     hidden={{ id: warehouse.id }}
 *     label="Delete warehouse"
 *     confirmText="This deletes the warehouse and all of its catalogs."
 *     typedConfirmation={warehouse.name}
 *   />
 *
 * If the action resolves to `{ ok: false, error }` the error is shown inside
 * the dialog; otherwise the dialog closes and a toast says what was done (the
 * action's message, or the dialog's title).
 *
 * Focus: opening moves it into the dialog (the text to type, or Cancel: the
 * safe choice); closing returns it to the button that opened the dialog, or,
 * when the action removed that button, to the page's main content.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import { useToast } from './toast';
import { buttonClasses, type ButtonSize, type ButtonVariant } from './ui';

function messageOf(value: unknown): string | undefined {
  const m = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m ? m : undefined;
}

function isFailure(value: unknown): value is { ok: false; error: string; requestId?: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { error?: unknown }).error === 'string'
  );
}

function ConfirmSubmit({ disabled, children }: { disabled: boolean; children: ReactNode }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={disabled || pending} className={buttonClasses('danger', 'md')}>
      {pending ? 'Working…' : children}
    </button>
  );
}

export function ConfirmButton({
  action,
  hidden,
  label,
  confirmText,
  typedConfirmation,
  confirmLabel = 'Confirm',
  variant = 'danger',
  size = 'sm',
  title,
}: {
  action: (formData: FormData) => Promise<unknown> | unknown;
  hidden?: Record<string, string>;
  /** Text of the trigger button (and default dialog title). */
  label: string;
  /** Explanation shown in the dialog. */
  confirmText: ReactNode;
  /** When set, this exact text must be typed to enable the confirm button. */
  typedConfirmation?: string;
  /** Text of the confirm button inside the dialog. */
  confirmLabel?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Dialog heading; defaults to `label`. */
  title?: string;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const typedRef = useRef<HTMLInputElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const toast = useToast();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<{ message: string; requestId?: string } | null>(null);
  // Remount the dialog body on every open so inputs start empty.
  const [openCount, setOpenCount] = useState(0);
  const uid = useId();
  const titleId = `${uid}-title`;
  const descId = `${uid}-desc`;
  const inputId = `${uid}-typed`;

  const open = () => {
    setTyped('');
    setError(null);
    setOpenCount((n) => n + 1);
    dialogRef.current?.showModal();
  };
  const close = () => dialogRef.current?.close();

  // Each opening remounts the form: then focus its first useful control.
  useEffect(() => {
    if (openCount > 0) (typedRef.current ?? cancelRef.current)?.focus();
  }, [openCount]);

  // However the dialog closes (Cancel, Escape, success), focus goes back where it came from.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const onClose = () => {
      const back = triggerRef.current?.isConnected ? triggerRef.current : document.getElementById('content');
      back?.focus();
    };
    dialog.addEventListener('close', onClose);
    return () => dialog.removeEventListener('close', onClose);
  }, []);

  // When the action's success removes this button (Reset two-factor, Clear locks) while it holds focus, focus would
  // fall to the document: hand it to the main content instead.
  useLayoutEffect(() => {
    const trigger = triggerRef.current;
    return () => {
      if (trigger && document.activeElement === trigger) {
        setTimeout(() => document.getElementById('content')?.focus(), 0);
      }
    };
  }, []);

  const submit = async (formData: FormData) => {
    setError(null);
    const result = await action(formData);
    if (isFailure(result)) {
      setError({ message: result.error, requestId: result.requestId });
      return;
    }
    close();
    toast(messageOf(result) ?? `${title ?? label}: done.`);
  };

  const matches = typedConfirmation === undefined || typed === typedConfirmation;

  return (
    <>
      <button ref={triggerRef} type="button" onClick={open} className={buttonClasses(variant, size)}>
        {label}
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        aria-describedby={descId}
        className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <form key={openCount} action={submit} className="space-y-4 p-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title ?? label}
          </h2>
          <div id={descId} className="text-sm text-zinc-600 dark:text-zinc-400">
            {confirmText}
          </div>

          {hidden
            ? Object.entries(hidden).map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))
            : null}

          {typedConfirmation !== undefined ? (
            <div className="space-y-1">
              <label htmlFor={inputId} className="block text-sm text-zinc-800 dark:text-zinc-200">
                Type{' '}
                <code className="rounded bg-zinc-100 px-1 py-0.5 font-semibold dark:bg-zinc-800">
                  {typedConfirmation}
                </code>{' '}
                to confirm
              </label>
              <input
                ref={typedRef}
                id={inputId}
                name="confirmation"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900"
              />
            </div>
          ) : null}

          {error ? (
            <div
              role="alert"
              className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
            >
              <p>{error.message}</p>
              {error.requestId ? (
                <p className="mt-1 text-xs opacity-80">
                  Request ID: <code className="select-all">{error.requestId}</code>
                </p>
              ) : null}
            </div>
          ) : null}

          <div className="flex justify-end gap-2">
            <button ref={cancelRef} type="button" onClick={close} className={buttonClasses('secondary', 'md')}>
              Cancel
            </button>
            <ConfirmSubmit disabled={!matches}>{confirmLabel}</ConfirmSubmit>
          </div>
        </form>
      </dialog>
    </>
  );
}
