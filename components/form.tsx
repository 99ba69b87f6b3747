'use client';

/**
 * Form helpers for server actions driven by React 19 `useActionState`.
 *
 *   <ActionForm action={createWarehouse} submitLabel="Create warehouse" resetOnSuccess>
 *     <Field name="name" label="Name" required maxLength={63} />
 *     <SelectField name="kind" label="Storage" options={[…]} />
 *   </ActionForm>
 *
 * Field components read the latest ActionResult from context: they show
 * `fieldErrors[name]` and, after a failed submit, restore `values[name]`.
 */
import { unstable_rethrow } from 'next/navigation';
import {
  createContext,
  startTransition,
  useActionState,
  useContext,
  useEffect,
  useEffectEvent,
  useRef,
  type FormEvent,
  type ReactNode,
} from 'react';
import { useFormStatus } from 'react-dom';
import type { ActionResult } from '../lib/action-result';
import { buttonClasses, type ButtonSize, type ButtonVariant } from './ui';

export type { ActionResult } from '../lib/action-result';

type AnyResult = ActionResult<unknown>;

interface ActionFormContextValue {
  state: AnyResult | null;
  /** Changes whenever a failed result with `values` arrives; used as the fields' `key`. */
  fieldsKey: number;
  pending: boolean;
}

const ActionFormContext = createContext<ActionFormContextValue | null>(null);

/** Latest action state of the surrounding ActionForm (null outside one). */
export function useActionFormState(): ActionFormContextValue | null {
  return useContext(ActionFormContext);
}

interface WrappedState {
  result: AnyResult | null;
  seq: number;
  failSeq: number;
}

const INITIAL: WrappedState = { result: null, seq: 0, failSeq: 0 };

const UNEXPECTED_ERROR = 'The request failed unexpectedly. Check your connection and try again.';

export function ActionForm<T = unknown>({
  action,
  children,
  submitLabel,
  onSuccessMessage,
  className,
  resetOnSuccess = false,
  submitVariant = 'primary',
  onSuccess,
}: {
  /** `(prev: ActionResult<unknown> | null, formData) => Promise<ActionResult<unknown>>`, or typed per T. */
  action: (prev: ActionResult<T> | null, formData: FormData) => Promise<ActionResult<T>>;
  children: ReactNode;
  submitLabel: string;
  /** Fallback success text when the result carries no `message`. */
  onSuccessMessage?: string;
  className?: string;
  /** Clear the inputs after a successful submit (default: keep what was typed). */
  resetOnSuccess?: boolean;
  submitVariant?: ButtonVariant;
  /** Called once per successful submit with its data (to move a multi-step flow on). */
  onSuccess?: (data: T) => void;
}) {
  const [wrapped, formAction, pending] = useActionState<WrappedState, FormData>(async (prev, formData) => {
    let result: AnyResult;
    try {
      result = await action(prev.result as ActionResult<T> | null, formData);
    } catch (err) {
      // Let Next.js redirect()/notFound() etc. through.
      unstable_rethrow(err);
      result = { ok: false, error: UNEXPECTED_ERROR };
    }
    const seq = prev.seq + 1;
    // Remount fields only when the server echoed values to restore.
    return { result, seq, failSeq: !result.ok && result.values ? seq : prev.failSeq };
  }, INITIAL);

  const state = wrapped.result;

  // After a refused submit, focus goes to the first field the server marked invalid, so a keyboard or screen-reader
  // user lands on what to fix (its message is wired to it with aria-describedby).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state || state.ok || !state.fieldErrors) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [wrapped.seq, state]);

  const succeeded = useEffectEvent((data: T) => onSuccess?.(data));
  useEffect(() => {
    if (state?.ok) succeeded(state.data as T);
  }, [wrapped.seq, state]);

  // React resets uncontrolled fields after a <form action> completes. To keep
  // typed values we submit through onSubmit + startTransition instead, which
  // skips the automatic reset (useFormStatus still reports pending).
  const onSubmit = resetOnSuccess
    ? undefined
    : (event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        const submitter = (event.nativeEvent as SubmitEvent).submitter;
        const formData = new FormData(event.currentTarget, submitter);
        startTransition(() => formAction(formData));
      };

  const successText = state?.ok ? (state.message ?? onSuccessMessage) : undefined;

  return (
    <ActionFormContext.Provider value={{ state, fieldsKey: wrapped.failSeq, pending }}>
      <form ref={formRef} action={formAction} onSubmit={onSubmit} className={className ?? 'space-y-4'}>
        {state && !state.ok ? (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
          >
            <p>{state.error}</p>
            {state.requestId ? (
              <p className="mt-1 text-xs opacity-80">
                Request ID: <code className="select-all">{state.requestId}</code>
              </p>
            ) : null}
          </div>
        ) : null}
        {successText ? (
          <div
            role="status"
            className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800 dark:border-green-500/30 dark:bg-green-500/10 dark:text-green-300"
          >
            {successText}
          </div>
        ) : null}

        {children}

        <div className="flex items-center gap-2">
          <SubmitButton variant={submitVariant} pending={pending}>
            {submitLabel}
          </SubmitButton>
        </div>
      </form>
    </ActionFormContext.Provider>
  );
}

/**
 * Submit button that disables itself and reads "Working…" while the
 * surrounding form's action is pending. Works in any <form>.
 */
export function SubmitButton({
  children,
  variant = 'primary',
  size = 'md',
  className,
  pending: pendingProp,
  name,
  value,
  disabled,
}: {
  children: ReactNode;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  /** Override pending detection (ActionForm passes its own). */
  pending?: boolean;
  name?: string;
  value?: string;
  disabled?: boolean;
}) {
  const status = useFormStatus();
  const pending = pendingProp ?? status.pending;
  return (
    <button
      type="submit"
      name={name}
      value={value}
      disabled={pending || disabled}
      className={buttonClasses(variant, size, className)}
    >
      {pending ? 'Working…' : children}
    </button>
  );
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

const INPUT_CLASSES =
  'block w-full rounded-md border bg-white px-3 py-1.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 ' +
  'focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none disabled:opacity-60 ' +
  'dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500';

function inputClasses(invalid: boolean) {
  return `${INPUT_CLASSES} ${invalid ? 'border-red-500 dark:border-red-500' : 'border-zinc-300 dark:border-zinc-700'}`;
}

/** Errors, restored value and aria wiring for one named field. */
function useFieldState(name: string, id: string, hasDescription: boolean, restoreValue = true) {
  const ctx = useActionFormState();
  const state = ctx?.state ?? null;
  const failed = state && !state.ok ? state : null;
  const errors = failed?.fieldErrors?.[name] ?? [];
  const restored = restoreValue ? failed?.values?.[name] : undefined;
  const errorId = `${id}-error`;
  const descriptionId = `${id}-description`;
  const describedBy = [hasDescription ? descriptionId : null, errors.length ? errorId : null].filter(Boolean).join(' ');
  return {
    key: ctx?.fieldsKey ?? 0,
    errors,
    restored,
    errorId,
    descriptionId,
    aria: {
      'aria-invalid': errors.length > 0 ? (true as const) : undefined,
      'aria-describedby': describedBy || undefined,
    },
  };
}

function FieldLabel({ htmlFor, label, required }: { htmlFor: string; label: ReactNode; required?: boolean }) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
      {label}
      {required ? (
        <span className="ml-0.5 text-red-600 dark:text-red-400" aria-hidden="true">
          *
        </span>
      ) : null}
    </label>
  );
}

function FieldMessages({
  errors,
  errorId,
  description,
  descriptionId,
}: {
  errors: string[];
  errorId: string;
  description?: ReactNode;
  descriptionId: string;
}) {
  return (
    <>
      {description ? (
        <p id={descriptionId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {description}
        </p>
      ) : null}
      {errors.length ? (
        <div id={errorId} className="space-y-0.5 text-xs text-red-600 dark:text-red-400">
          {errors.map((e, i) => (
            <p key={i}>{e}</p>
          ))}
        </div>
      ) : null}
    </>
  );
}

export interface FieldProps {
  name: string;
  label: ReactNode;
  type?: string;
  defaultValue?: string | number;
  required?: boolean;
  placeholder?: string;
  description?: ReactNode;
  maxLength?: number;
  autoComplete?: string;
  /** Defaults to `name`. Override when the same name appears twice on a page. */
  id?: string;
  disabled?: boolean;
  readOnly?: boolean;
  pattern?: string;
  min?: number | string;
  max?: number | string;
}

export function Field({
  name,
  label,
  type = 'text',
  defaultValue,
  required,
  placeholder,
  description,
  maxLength,
  autoComplete,
  id = name,
  disabled,
  readOnly,
  pattern,
  min,
  max,
}: FieldProps) {
  // Never echo passwords back into the DOM.
  const f = useFieldState(name, id, Boolean(description), type !== 'password');
  return (
    <div className="space-y-1">
      <FieldLabel htmlFor={id} label={label} required={required} />
      <input
        key={f.key}
        id={id}
        name={name}
        type={type}
        defaultValue={f.restored ?? defaultValue}
        required={required}
        placeholder={placeholder}
        maxLength={maxLength}
        autoComplete={autoComplete}
        disabled={disabled}
        readOnly={readOnly}
        pattern={pattern}
        min={min}
        max={max}
        className={inputClasses(f.errors.length > 0)}
        {...f.aria}
      />
      <FieldMessages errors={f.errors} errorId={f.errorId} description={description} descriptionId={f.descriptionId} />
    </div>
  );
}

/**
 * A calendar day, typed as YYYY-MM-DD in UTC like every date the console shows (a browser's date input would show
 * its own locale's format, mm/dd/yyyy on many machines).
 */
export function DateField({ description, ...props }: Omit<FieldProps, 'type' | 'pattern' | 'placeholder'>) {
  return (
    <Field
      {...props}
      type="text"
      pattern="\d{4}-\d{2}-\d{2}"
      placeholder="YYYY-MM-DD"
      maxLength={10}
      autoComplete="off"
      description={<>{description ? <>{description} </> : null}A day in UTC, written YYYY-MM-DD.</>}
    />
  );
}

export function SelectField({
  name,
  label,
  options,
  defaultValue,
  required,
  description,
  id = name,
  disabled,
}: {
  name: string;
  label: ReactNode;
  options: { value: string; label: string }[];
  defaultValue?: string;
  required?: boolean;
  description?: ReactNode;
  id?: string;
  disabled?: boolean;
}) {
  const f = useFieldState(name, id, Boolean(description));
  return (
    <div className="space-y-1">
      <FieldLabel htmlFor={id} label={label} required={required} />
      <select
        key={f.key}
        id={id}
        name={name}
        defaultValue={f.restored ?? defaultValue}
        required={required}
        disabled={disabled}
        className={inputClasses(f.errors.length > 0)}
        {...f.aria}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages errors={f.errors} errorId={f.errorId} description={description} descriptionId={f.descriptionId} />
    </div>
  );
}

export function TextAreaField({
  name,
  label,
  defaultValue,
  required,
  placeholder,
  description,
  maxLength,
  rows = 4,
  id = name,
  disabled,
}: {
  name: string;
  label: ReactNode;
  defaultValue?: string;
  required?: boolean;
  placeholder?: string;
  description?: ReactNode;
  maxLength?: number;
  rows?: number;
  id?: string;
  disabled?: boolean;
}) {
  const f = useFieldState(name, id, Boolean(description));
  return (
    <div className="space-y-1">
      <FieldLabel htmlFor={id} label={label} required={required} />
      <textarea
        key={f.key}
        id={id}
        name={name}
        defaultValue={f.restored ?? defaultValue}
        required={required}
        placeholder={placeholder}
        maxLength={maxLength}
        rows={rows}
        disabled={disabled}
        className={inputClasses(f.errors.length > 0)}
        {...f.aria}
      />
      <FieldMessages errors={f.errors} errorId={f.errorId} description={description} descriptionId={f.descriptionId} />
    </div>
  );
}

/**
 * Checkbox; submits `value` (default "on") when checked, nothing otherwise.
 * After a failed submit it is checked iff `values[name]` was present.
 */
export function CheckboxField({
  name,
  label,
  defaultChecked,
  value = 'on',
  description,
  id = name,
  disabled,
}: {
  name: string;
  label: ReactNode;
  defaultChecked?: boolean;
  value?: string;
  description?: ReactNode;
  id?: string;
  disabled?: boolean;
}) {
  const f = useFieldState(name, id, Boolean(description));
  const ctx = useActionFormState();
  const failedValues = ctx?.state && !ctx.state.ok ? ctx.state.values : undefined;
  const checked = failedValues ? f.restored !== undefined && f.restored !== '' : defaultChecked;
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <input
          key={f.key}
          id={id}
          name={name}
          type="checkbox"
          value={value}
          defaultChecked={checked}
          disabled={disabled}
          className="h-4 w-4 rounded border-zinc-300 text-indigo-600 accent-indigo-600 dark:border-zinc-600"
          {...f.aria}
        />
        <label htmlFor={id} className="text-sm text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
      </div>
      <FieldMessages errors={f.errors} errorId={f.errorId} description={description} descriptionId={f.descriptionId} />
    </div>
  );
}
