import 'server-only';
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { FLASH_COOKIE, type ActionResult } from '@/lib/action-result';
import { type Actor, pendingFirstStep } from './actor';
import { requireActor } from './auth/session';
import { AppError, toAppError } from './errors';
import { plural } from './format';
import { logger } from './logger';
import { executeMutation, type Mutation } from './mutation';

const SECRET_FIELD = /pass(word)?|secret|credential|key|token/i;

/** What the person typed, minus secrets, so a failed form can be shown again without losing anything. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of formData.entries()) {
    if (typeof v === 'string' && !k.startsWith('$ACTION') && !SECRET_FIELD.test(k)) values[k] = v;
  }
  return values;
}

/** Plain object from a form: repeated names become arrays, empty strings become undefined. */
export function formObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
    out[key] = all.length > 1 ? all : all[0] === '' ? undefined : all[0];
  }
  return out;
}

/**
 * The banner above a form: a sentence, never a raw field key ("password: …"). With field errors (shown beside their
 * fields), the first one's message and how many more fields need attention.
 */
function formMessage(e: AppError): string {
  const fields = Object.entries(e.fieldErrors ?? {}).filter(([, messages]) => messages.length);
  if (!fields.length) return e.message;
  const first = fields[0][1][0];
  return fields.length === 1 ? first : `${first} (and ${plural(fields.length - 1, 'more field')} below)`;
}

function failure(err: unknown, actor: Actor | null, values?: Record<string, string>): ActionResult<never> {
  const appError = toAppError(err);
  if (!appError) {
    const requestId = actor?.request.requestId;
    logger.error('server action failed unexpectedly', { requestId, err });
    return { ok: false, error: `Something went wrong (request ${requestId ?? 'unknown'})`, requestId, values };
  }
  return {
    ok: false,
    error: formMessage(appError),
    fieldErrors: appError.fieldErrors,
    requestId: appError.requestId,
    values,
  };
}

/**
 * All an account with a first step pending (lib/actor.ts) may do in the console: choose a new password, its profile,
 * set up two-factor sign-in, sign out.
 */
const WHILE_FIRST_STEP_PENDING = new Set([
  'user.change_password',
  'user.update_profile',
  'user.start_two_factor',
  'user.enable_two_factor',
  'auth.sign_out',
]);

/**
 * The body of every server action: authenticate, run the mutation (parse → authorize → transaction →
 * audit), revalidate, and answer an ActionResult the form can show.
 */
export async function runAction<S extends z.ZodType, O>(
  m: Mutation<S, O>,
  input: unknown,
  opts: { formData?: FormData; message?: (data: O) => string } = {},
): Promise<ActionResult<O>> {
  const actor = await requireActor({ firstStepOk: true });
  try {
    const firstStep = pendingFirstStep(actor);
    if (firstStep && !WHILE_FIRST_STEP_PENDING.has(m.action)) throw new AppError('forbidden', firstStep);
    const { data, paths } = await executeMutation(m, actor, input);
    for (const p of paths) revalidatePath(p);
    return { ok: true, data, message: opts.message?.(data) };
  } catch (err) {
    return failure(err, actor, opts.formData ? formValues(opts.formData) : undefined);
  }
}

/** For actions that are not a single mutation (sign-out, tenant switch). */
export async function guarded<T>(fn: (actor: Actor) => Promise<T>): Promise<ActionResult<T>> {
  const actor = await requireActor({ firstStepOk: true });
  const firstStep = pendingFirstStep(actor);
  if (firstStep) return { ok: false, error: firstStep };
  try {
    return { ok: true, data: await fn(actor) };
  } catch (err) {
    if (err instanceof AppError || toAppError(err)) return failure(err, actor);
    throw err;
  }
}

/**
 * Ends a successful action that leaves the page: its message rides a short-lived cookie to the next page, where the
 * console shows it as a toast (components/toast.tsx). Not a secret, so readable by the page's script.
 */
export async function flashThenRedirect(message: string, href: string): Promise<never> {
  // Next.js percent-encodes the value; the toast decodes it.
  (await cookies()).set(FLASH_COOKIE, message.slice(0, 300), {
    path: '/',
    maxAge: 60,
    sameSite: 'lax',
    httpOnly: false,
  });
  redirect(href);
}
