import 'server-only';
import type { ActionResult } from '@/lib/action-result';
import { formObject, formValues } from '@/lib/action';
import { parsePropertyLines } from '@/lib/catalog/names';

/**
 * The form as mutation input, with "key=value" textareas turned into property objects. A malformed line
 * is answered beside its field, before anything runs.
 */
export function formInput(
  formData: FormData,
  propertyFields: string[] = [],
): { ok: true; input: Record<string, unknown> } | { ok: false; result: ActionResult<never> } {
  const input = formObject(formData);
  for (const field of propertyFields) {
    try {
      input[field] = parsePropertyLines(typeof input[field] === 'string' ? (input[field] as string) : '');
    } catch (err) {
      const message = (err as Error).message;
      return {
        ok: false,
        result: { ok: false, error: message, fieldErrors: { [field]: [message] }, values: formValues(formData) },
      };
    }
  }
  return { ok: true, input };
}
