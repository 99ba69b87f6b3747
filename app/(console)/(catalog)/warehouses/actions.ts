'use server';

import type { ActionResult } from '@/lib/action-result';
import { runAction, flashThenRedirect } from '@/lib/action';
import { createWarehouse, deleteWarehouse, updateWarehouse } from '@/lib/catalog/warehouses';
import { formInput } from '../_ui/form-input';

export async function createWarehouseAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  const result = await runAction(createWarehouse, parsed.input, { formData });
  if (result.ok)
    await flashThenRedirect(
      `Warehouse ${result.data.name} created.`,
      `/warehouses/${encodeURIComponent(result.data.name)}`,
    );
  return result;
}

export async function updateWarehouseAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  const { originalName, ...input } = parsed.input;
  const result = await runAction(updateWarehouse, input, { formData, message: () => 'Saved.' });
  if (result.ok && originalName !== result.data.name)
    await flashThenRedirect('Saved.', `/warehouses/${encodeURIComponent(result.data.name)}`);
  return result;
}

export async function deleteWarehouseAction(formData: FormData) {
  const result = await runAction(deleteWarehouse, { id: formData.get('id') });
  if (result.ok) await flashThenRedirect('Warehouse deleted.', '/warehouses');
  return result;
}
