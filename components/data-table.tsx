'use client';

/**
 * DataTable — THE shared list table (TanStack Table v8, fully manual).
 *
 * The server does sorting, filtering and keyset pagination; this component
 * only renders the page it is given and keeps its state in the URL:
 *   ?sort=<column id>&dir=asc|desc&cursor=<opaque>&<filter id>=<value>…
 * Changing sort or a filter drops `cursor` (back to the first page).
 *
 * Usage: column definitions contain functions (cell renderers), which cannot
 * be passed from a Server Component to a Client Component. So each page gets
 * a small route-local client wrapper that owns its columns, e.g.
 *
 *   // app/(console)/catalogs/catalogs-table.tsx
 *   'use client';
 *   import type { ColumnDef } from '@tanstack/react-table';
 *   import { DataTable } from '@/components/data-table';
 *   type Row = { id: string; name: string; createdAt: string };
 *   const columns: Columns<Row> = [
 *     { accessorKey: 'name', header: 'Name' },
 *     { accessorKey: 'createdAt', header: 'Created', cell: (c) => new Date(c.getValue<string>()).toLocaleDateString('en-US') },
 *   ];
 *   export function CatalogsTable(props: Omit<DataTableProps<Row>, 'columns'>) {
 *     return <DataTable columns={columns} sortableColumns={['name', 'createdAt']} {...props} />;
 *   }
 *
 *   // app/(console)/catalogs/page.tsx (server) reads searchParams, queries the
 *   // DB and renders <CatalogsTable rows={…} total={…} nextCursor={…} sort={…} />.
 *
 * Only serialisable props (rows, total, cursors, sort, filters) cross the
 * server → client boundary. The component calls useSearchParams(), so render
 * it from a dynamic page (or inside <Suspense> on a prerendered one).
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useTransition, type MouseEvent, type ReactNode } from 'react';
import { EmptyState } from './ui';

export type FilterDef = {
  id: string;
  label: string;
  type: 'text' | 'select';
  options?: { value: string; label: string }[];
};

/** A table's columns: each has its own value type, so a list of them can only say `any` for it (TanStack's own advice). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the value type differs per column
export type Columns<TRow> = ColumnDef<TRow, any>[];

export type DataTableProps<TRow> = {
  columns: Columns<TRow>;
  rows: TRow[];
  total: number;
  nextCursor: string | null;
  prevCursor?: string | null;
  sort?: { id: string; desc: boolean };
  sortableColumns?: string[];
  filters?: FilterDef[];
  emptyTitle?: string;
  emptyDescription?: string;
  getRowId?: (row: TRow) => string;
};

/** Reserved URL params; filter ids must not use these. */
const SORT_PARAM = 'sort';
const DIR_PARAM = 'dir';
const CURSOR_PARAM = 'cursor';

const TEXT_DEBOUNCE_MS = 300;

type ColumnMetaLike = { className?: string; headerClassName?: string } | undefined;

function hrefWith(pathname: string, params: URLSearchParams): string {
  const qs = params.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

export function DataTable<TRow>({
  columns,
  rows,
  total,
  nextCursor,
  prevCursor,
  sort,
  sortableColumns = [],
  filters = [],
  emptyTitle = 'Nothing here yet',
  emptyDescription,
  getRowId,
}: DataTableProps<TRow>) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();
  /** Bumped to remount filter inputs after "Clear filters". */
  const [filterResetKey, setFilterResetKey] = useState(0);

  const currentParams = () => new URLSearchParams(searchParams?.toString() ?? '');

  // Sort shown in the UI: what the server says it applied, else the URL.
  const activeSort = useMemo(() => {
    if (sort) return sort;
    const id = searchParams?.get(SORT_PARAM);
    return id ? { id, desc: searchParams?.get(DIR_PARAM) === 'desc' } : undefined;
  }, [sort, searchParams]);

  const sorting: SortingState = activeSort ? [{ id: activeSort.id, desc: activeSort.desc }] : [];
  const sortable = new Set(sortableColumns);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table is not memoizable; the compiler leaves this component alone, as it should
  const table = useReactTable<TRow>({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableSorting: false, // sorting UI is driven by the URL, not table state
    state: { sorting },
    getRowId: getRowId ? (row) => getRowId(row) : undefined,
  });

  /** Replace the URL (no history entry) with updated params; always drops cursor. */
  const replaceParams = (mutate: (p: URLSearchParams) => void) => {
    // Read the live URL so debounced updates don't clobber each other.
    const params = typeof window !== 'undefined' ? new URLSearchParams(window.location.search) : currentParams();
    mutate(params);
    params.delete(CURSOR_PARAM);
    startTransition(() => {
      router.replace(hrefWith(pathname, params), { scroll: false });
    });
  };

  const toggleSort = (columnId: string) => {
    const desc = activeSort?.id === columnId ? !activeSort.desc : false;
    replaceParams((p) => {
      p.set(SORT_PARAM, columnId);
      p.set(DIR_PARAM, desc ? 'desc' : 'asc');
    });
  };

  const setFilter = (id: string, value: string) => {
    replaceParams((p) => {
      if (value.trim() === '') p.delete(id);
      else p.set(id, value);
    });
  };

  const hasActiveFilters = filters.some((f) => (searchParams?.get(f.id) ?? '') !== '');

  const clearFilters = () => {
    setFilterResetKey((k) => k + 1);
    replaceParams((p) => {
      for (const f of filters) p.delete(f.id);
    });
  };

  // Pagination hrefs.
  const cursor = searchParams?.get(CURSOR_PARAM) ?? null;
  const firstHref = (() => {
    const p = currentParams();
    p.delete(CURSOR_PARAM);
    return hrefWith(pathname, p);
  })();
  const cursorHref = (value: string) => {
    const p = currentParams();
    p.set(CURSOR_PARAM, value);
    return hrefWith(pathname, p);
  };

  const navigate = (href: string) => {
    startTransition(() => {
      router.push(href);
    });
  };

  const headerGroups = table.getHeaderGroups();
  const rowModel = table.getRowModel();

  return (
    <div className="space-y-3">
      {filters.length > 0 ? (
        <form
          key={filterResetKey}
          role="search"
          aria-label="Filter results"
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => e.preventDefault()}
        >
          {filters.map((f) =>
            f.type === 'select' ? (
              <SelectFilter
                key={f.id}
                filter={f}
                initialValue={searchParams?.get(f.id) ?? ''}
                onChange={(v) => setFilter(f.id, v)}
              />
            ) : (
              <TextFilter
                key={f.id}
                filter={f}
                initialValue={searchParams?.get(f.id) ?? ''}
                onChange={(v) => setFilter(f.id, v)}
              />
            ),
          )}
          {hasActiveFilters ? (
            <button
              type="button"
              onClick={clearFilters}
              className="h-8 rounded-md px-2 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              Clear filters
            </button>
          ) : null}
        </form>
      ) : null}

      <div className="relative">
        {isPending ? (
          <div
            aria-hidden="true"
            className="absolute inset-x-0 top-0 z-10 h-0.5 animate-pulse rounded-full bg-indigo-500"
          />
        ) : null}

        {rows.length === 0 ? (
          <div aria-busy={isPending || undefined}>
            <EmptyState
              title={emptyTitle}
              description={emptyDescription ?? (hasActiveFilters ? 'No rows match the current filters.' : undefined)}
            />
          </div>
        ) : (
          <div className="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table
              aria-busy={isPending || undefined}
              className={`min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800 ${isPending ? 'opacity-60 transition-opacity' : ''}`}
            >
              <thead className="bg-zinc-50 dark:bg-zinc-900/60">
                {headerGroups.map((hg) => (
                  <tr key={hg.id}>
                    {hg.headers.map((header) => {
                      const id = header.column.id;
                      const canSort = !header.isPlaceholder && sortable.has(id);
                      const isSorted = activeSort?.id === id;
                      const meta = header.column.columnDef.meta as ColumnMetaLike;
                      const content = header.isPlaceholder
                        ? null
                        : flexRender(header.column.columnDef.header, header.getContext());
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          colSpan={header.colSpan > 1 ? header.colSpan : undefined}
                          aria-sort={
                            canSort ? (isSorted ? (activeSort.desc ? 'descending' : 'ascending') : 'none') : undefined
                          }
                          className={`px-3 py-2 text-left text-xs font-medium whitespace-nowrap text-zinc-600 dark:text-zinc-400 ${meta?.headerClassName ?? ''}`}
                        >
                          {canSort ? (
                            <button
                              type="button"
                              onClick={() => toggleSort(id)}
                              className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 hover:bg-zinc-200/60 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
                            >
                              {content}
                              <SortIcon state={isSorted ? (activeSort.desc ? 'desc' : 'asc') : 'none'} />
                            </button>
                          ) : (
                            content
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rowModel.rows.map((row) => (
                  <tr key={row.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                    {row.getVisibleCells().map((cell) => {
                      const meta = cell.column.columnDef.meta as ColumnMetaLike;
                      return (
                        <td
                          key={cell.id}
                          className={`px-3 py-2 align-middle text-zinc-900 dark:text-zinc-100 ${meta?.className ?? ''}`}
                        >
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-zinc-600 dark:text-zinc-400">
        <p>
          <span data-testid="table-total">{total.toLocaleString('en-US')} total</span>
          {isPending ? (
            <span role="status" className="ml-2 text-xs text-zinc-500">
              Updating…
            </span>
          ) : null}
        </p>
        <nav aria-label="Pagination" className="flex items-center gap-1">
          <PageLink href={cursor ? firstHref : null} onNavigate={navigate}>
            First page
          </PageLink>
          {prevCursor ? (
            <PageLink href={cursorHref(prevCursor)} onNavigate={navigate}>
              Previous
            </PageLink>
          ) : null}
          {nextCursor ? (
            <PageLink href={cursorHref(nextCursor)} onNavigate={navigate}>
              Next
            </PageLink>
          ) : null}
        </nav>
      </div>
    </div>
  );
}

function SortIcon({ state }: { state: 'asc' | 'desc' | 'none' }) {
  const cls = 'h-3.5 w-3.5 shrink-0';
  if (state === 'asc') return <ArrowUp className={cls} aria-hidden="true" />;
  if (state === 'desc') return <ArrowDown className={cls} aria-hidden="true" />;
  return <ArrowUpDown className={`${cls} opacity-40`} aria-hidden="true" />;
}

const PAGE_LINK_CLASSES =
  'inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-2.5 text-sm font-medium text-zinc-800 ' +
  'hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800';

/** A real <a href> (works with middle-click / new tab) that navigates inside a transition. */
function PageLink({
  href,
  onNavigate,
  children,
}: {
  href: string | null;
  onNavigate: (href: string) => void;
  children: ReactNode;
}) {
  if (href === null) {
    return (
      <span role="link" aria-disabled="true" className={`${PAGE_LINK_CLASSES} cursor-not-allowed opacity-50`}>
        {children}
      </span>
    );
  }
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onNavigate(href);
  };
  return (
    <a href={href} onClick={onClick} className={PAGE_LINK_CLASSES}>
      {children}
    </a>
  );
}

function filterInputId(id: string) {
  return `filter-${id}`;
}

const FILTER_INPUT_CLASSES =
  'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 ' +
  'focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none ' +
  'dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';

function TextFilter({
  filter,
  initialValue,
  onChange,
}: {
  filter: FilterDef;
  initialValue: string;
  onChange: (value: string) => void;
}) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const schedule = (value: string, delay: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current(value);
    }, delay);
  };

  const id = filterInputId(filter.id);
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {filter.label}
      </label>
      <input
        id={id}
        name={filter.id}
        type="text"
        defaultValue={initialValue}
        autoComplete="off"
        onChange={(e) => schedule(e.currentTarget.value, TEXT_DEBOUNCE_MS)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            schedule(e.currentTarget.value, 0);
          }
        }}
        className={`${FILTER_INPUT_CLASSES} w-48`}
      />
    </div>
  );
}

function SelectFilter({
  filter,
  initialValue,
  onChange,
}: {
  filter: FilterDef;
  initialValue: string;
  onChange: (value: string) => void;
}) {
  const id = filterInputId(filter.id);
  const options = filter.options ?? [];
  const hasEmpty = options.some((o) => o.value === '');
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {filter.label}
      </label>
      <select
        id={id}
        name={filter.id}
        defaultValue={initialValue}
        onChange={(e) => onChange(e.currentTarget.value)}
        className={FILTER_INPUT_CLASSES}
      >
        {hasEmpty ? null : <option value="">All</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
