import { buttonClasses } from '@/components/ui';

const INPUT =
  'block w-56 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900';

/**
 * A plain GET form choosing refs (branch, tag or commit id), with the catalog's branches and tags offered;
 * the state lives in the URL, so results can be linked and reloaded.
 */
export function RefForm({
  action,
  catalog,
  fields,
  choices,
  submitLabel,
  extra,
}: {
  action: string;
  catalog: string;
  fields: { name: string; label: string; value?: string }[];
  choices: { branches: { name: string }[]; tags: { name: string }[] };
  submitLabel: string;
  extra?: React.ReactNode;
}) {
  const listId = `refs-${fields.map((f) => f.name).join('-')}`;
  return (
    <form method="get" action={action} className="mb-5 flex flex-wrap items-end gap-3">
      <input type="hidden" name="catalog" value={catalog} />
      {fields.map((f) => (
        <div key={f.name} className="space-y-1">
          <label htmlFor={`ref-${f.name}`} className="block text-sm font-medium">
            {f.label}
          </label>
          <input
            id={`ref-${f.name}`}
            name={f.name}
            defaultValue={f.value}
            list={listId}
            required
            autoComplete="off"
            placeholder="branch, tag or commit id"
            className={INPUT}
          />
        </div>
      ))}
      {extra}
      <datalist id={listId}>
        {choices.branches.map((b) => (
          <option key={`b-${b.name}`} value={b.name}>
            branch
          </option>
        ))}
        {choices.tags.map((t) => (
          <option key={`t-${t.name}`} value={`tag:${t.name}`}>
            tag
          </option>
        ))}
      </datalist>
      <button type="submit" className={buttonClasses('primary', 'md')}>
        {submitLabel}
      </button>
    </form>
  );
}
