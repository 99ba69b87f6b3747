'use server';

import { revalidatePath } from 'next/cache';
import type { ActionResult } from '@/lib/action-result';
import { formObject, formValues, guarded, runAction, flashThenRedirect } from '@/lib/action';
import { toAppError } from '@/lib/errors';
import { runTableMaintenance, tableMaintenanceForm } from '@/lib/iceberg/maintenance-ops';
import { setCatalogMaintenance } from '@/lib/iceberg/maintenance-schedule';
import { syncFederatedCatalog, testFederatedConnection } from '@/lib/catalog/federation';
import { createCatalog, deleteCatalog, updateCatalog } from '@/lib/catalog/catalogs';
import { createNamespace, deleteNamespace, updateNamespaceProperties } from '@/lib/catalog/namespaces';
import { deleteBusinessMetadata, setBusinessMetadata } from '@/lib/catalog/assets';
import { parsePropertyLines } from '@/lib/catalog/names';
import { formInput } from '../_ui/form-input';
import { previewAsset } from '@/lib/iceberg/preview-access';

const catalogHref = (name: string, ns?: string) =>
  `/catalogs/${encodeURIComponent(name)}${ns ? `?ns=${encodeURIComponent(ns)}` : ''}`;

export async function createCatalogAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData, ['properties']);
  if (!parsed.ok) return parsed.result;
  const result = await runAction(createCatalog, parsed.input, { formData });
  if (result.ok) await flashThenRedirect(`Catalog ${result.data.name} created.`, catalogHref(result.data.name));
  return result;
}

export async function updateCatalogAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData, ['properties']);
  if (!parsed.ok) return parsed.result;
  return runAction(updateCatalog, parsed.input, { formData, message: () => 'Saved.' });
}

export async function setCatalogMaintenanceAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  return runAction(setCatalogMaintenance, parsed.input, { formData, message: () => 'Schedule saved.' });
}

export async function deleteCatalogAction(formData: FormData) {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  const result = await runAction(deleteCatalog, parsed.input);
  if (result.ok) await flashThenRedirect('Catalog deleted.', '/catalogs');
  return result;
}

/** Creates a namespace under the one being browsed (`parent`), then opens it. */
export async function createNamespaceAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData, ['properties']);
  if (!parsed.ok) return parsed.result;
  const { parent, catalogName, name, ...rest } = parsed.input as Record<string, unknown>;
  const levels = [
    ...(typeof parent === 'string' && parent ? parent.split('.') : []),
    ...(typeof name === 'string' ? [name] : []),
  ];
  if (typeof name === 'string' && name.includes('.')) {
    return {
      ok: false,
      error: 'One level at a time: a name cannot contain "."',
      fieldErrors: { name: ['A namespace name cannot contain "."'] },
      values: { name },
    };
  }
  const result = await runAction(
    createNamespace,
    { ...rest, namespace: levels.length ? levels : undefined },
    { formData },
  );
  if (!result.ok && result.fieldErrors?.namespace) result.fieldErrors.name = result.fieldErrors.namespace;
  if (result.ok)
    await flashThenRedirect(
      `Namespace ${result.data.namespace.join('.')} created.`,
      catalogHref(String(catalogName), result.data.namespace.join('.')),
    );
  return result;
}

/** Replaces the properties with the textarea's lines: removed lines become removals. */
export async function updateNamespaceAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData, ['properties']);
  if (!parsed.ok) return parsed.result;
  const { catalog, namespace, properties, previous } = parsed.input as {
    catalog: string;
    namespace: string;
    properties: Record<string, string>;
    previous?: string;
  };
  let before: Record<string, string> = {};
  try {
    before = parsePropertyLines(previous);
  } catch {
    before = {};
  }
  const removals = Object.keys(before).filter((k) => !(k in properties));
  return runAction(
    updateNamespaceProperties,
    { catalog, namespace, updates: properties, removals },
    {
      formData,
      message: (d) => `Saved: ${d.updated.length} set, ${d.removed.length} removed.`,
    },
  );
}

export async function deleteNamespaceAction(formData: FormData) {
  const catalogName = String(formData.get('catalogName') ?? '');
  const namespace = String(formData.get('namespace') ?? '');
  const result = await runAction(deleteNamespace, { catalog: formData.get('catalog'), namespace });
  if (result.ok)
    await flashThenRedirect(
      `Namespace ${namespace} deleted.`,
      catalogHref(catalogName, namespace.split('.').slice(0, -1).join('.') || undefined),
    );
  return result;
}

export async function setBusinessMetadataAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  return runAction(
    setBusinessMetadata,
    { tags: '', ...parsed.input, discoverable: parsed.input.discoverable ?? false },
    { formData, message: () => 'Business metadata saved.' },
  );
}

export async function clearBusinessMetadataAction(formData: FormData) {
  return runAction(deleteBusinessMetadata, { assetId: formData.get('assetId') });
}

/** "Test connection": not a change, so no mutation; the answer is the result sentence. */
export async function testConnectionAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const result = await guarded((actor) => testFederatedConnection(actor, String(formData.get('catalog') ?? '')));
  if (!result.ok) return result;
  return result.data.ok
    ? { ok: true, data: result.data, message: result.data.message }
    : { ok: false, error: result.data.message };
}

export async function syncAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const result = await guarded((actor) => syncFederatedCatalog(actor, String(formData.get('catalog') ?? '')));
  revalidatePath('/catalogs', 'layout');
  if (!result.ok) return result;
  return result.data.ok
    ? { ok: true, data: result.data, message: result.data.message }
    : { ok: false, error: result.data.message };
}

/** The first rows of a table (an audited data access: lib/iceberg/preview-access.ts). */
export async function previewRowsAction(_prev: unknown, formData: FormData) {
  return guarded((actor) =>
    previewAsset(actor, {
      assetId: formData.get('assetId'),
      branch: formData.get('branch'),
      rows: formData.get('rows') || undefined,
      columns: String(formData.get('columns') ?? '') || undefined,
    }),
  );
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Table page, Maintenance: "Expire snapshots" / "Remove orphan files". A dry run (the form) shows what would go on the
 * same page (?maint=<run>); the real run (ConfirmButton) repeats the dry run's cut-off. Both call the function the
 * /v1 maintenance endpoint runs (lib/iceberg/maintenance-ops.ts): same permission checks, audited commit and job.
 */
export async function tableMaintenanceAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = tableMaintenanceForm.safeParse(formObject(formData));
  if (!parsed.success) {
    const e = toAppError(parsed.error)!;
    return { ok: false, error: e.message, fieldErrors: e.fieldErrors, values: formValues(formData) };
  }
  const f = parsed.data;
  const olderThanMs =
    f.olderThanMs ?? (f.olderThanDays === undefined ? undefined : Date.now() - f.olderThanDays * DAY_MS);
  const result = await guarded((actor) =>
    runTableMaintenance(
      actor,
      { catalogId: f.catalogId, namespace: f.namespace, name: f.name, branch: f.branch },
      {
        action: f.action,
        'dry-run': f.dryRun,
        ...(olderThanMs === undefined ? {} : { 'older-than-ms': Math.floor(olderThanMs) }),
        ...(f.action === 'expire-snapshots' && f.retainLast !== undefined ? { 'retain-last': f.retainLast } : {}),
      },
    ),
  );
  if (!result.ok) return result;
  const a = result.data;
  const what = a.action === 'expire-snapshots' ? 'Expire snapshots' : 'Remove orphan files';
  const n = a['files-to-remove'].length;
  if (a['dry-run']) {
    const q = new URLSearchParams({ ...(f.branch !== 'main' ? { branch: f.branch } : {}), maint: a['run-id'] });
    await flashThenRedirect(
      `${what}, dry run: ${n} file${n === 1 ? '' : 's'} would be removed.`,
      `/catalogs/${encodeURIComponent(f.catalogName)}/assets/${f.assetId}?${q.toString()}#maintenance`,
    );
  }
  revalidatePath('/catalogs', 'layout');
  return { ok: true, data: a, message: `${what} started: ${n} file${n === 1 ? '' : 's'} to remove.` };
}

export async function confirmTableMaintenanceAction(formData: FormData) {
  return tableMaintenanceAction(null, formData);
}
