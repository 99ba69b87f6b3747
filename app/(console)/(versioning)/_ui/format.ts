export const catalogQs = (catalog: string, extra: Record<string, string | undefined> = {}) => {
  const p = new URLSearchParams({ catalog });
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  return `?${p.toString()}`;
};

export const conflictLabels: Record<string, string> = {
  data_overlap: 'Both changed',
  deletion_conflict: 'Dropped on one side',
  create_conflict: 'Same name created',
  schema_change: 'Schema changed on both',
};

export const statusTone = (s: string): 'neutral' | 'green' | 'yellow' | 'red' | 'blue' =>
  s === 'completed'
    ? 'green'
    : s === 'aborted'
      ? 'neutral'
      : s === 'ready'
        ? 'blue'
        : s === 'conflicted'
          ? 'red'
          : 'yellow';

/** Where a changed table opens: its page on `branch` while the branch holds it (`after` exists there). */
export const tableHref = (catalog: string, assetId: string, branch: string | null) =>
  branch
    ? `/catalogs/${encodeURIComponent(catalog)}/assets/${assetId}?branch=${encodeURIComponent(branch)}`
    : undefined;

/** A table's page as it was at a commit (`?at=`: its metadata panels read the file it pointed at there). */
export const tableAtHref = (catalog: string, assetId: string, commitId: string) =>
  `/catalogs/${encodeURIComponent(catalog)}/assets/${assetId}?at=${commitId}`;
