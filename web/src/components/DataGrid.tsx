// A table's rows in a sortable, paginated grid that only renders the rows in view
// (@tanstack/react-virtual), so pages of 100k rows scroll smoothly.
//
// Tables of up to FULL_LOAD_ROWS rows are fetched whole (in parallel chunks through /rows) and
// sorted over all rows; larger tables are fetched a page at a time and sorted within the page.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { backend } from '../api/current';
import type { Cell, TableInfo } from '../api/types';
import { formatCell, formatCount } from '../lib/format';
import { nextSort, pageCount, pageRange, sortedIndices, type SortSpec } from '../lib/sort';
import { ErrorBox } from './ErrorBox';
import { ProgressBar } from './ProgressBar';

export const FULL_LOAD_ROWS = 100_000;
const FETCH_ROWS = 25_000;
const FIRST_ROWS = 1000;
const ROW_PX = 30;
const PAGE_SIZES = [100, 1000, 10_000, 100_000];

interface Props {
  datasetId: string;
  table: TableInfo;
}

export function DataGrid({ datasetId, table }: Props) {
  const full = table.rows <= FULL_LOAD_ROWS;
  const [rows, setRows] = useState<Cell[][] | null>(null);
  const [columns, setColumns] = useState<string[]>(table.columns);
  const [loaded, setLoaded] = useState(0);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [pageSize, setPageSize] = useState(1000);
  const [page, setPage] = useState(0);
  const total = table.rows;

  // Full mode: every row once; paged mode: the current page.
  useEffect(() => {
    const ctl = new AbortController();
    setRows(null);
    setLoaded(0);
    setComplete(false);
    setError(null);
    const load = async () => {
      if (full) {
        // A first small page shows at once; the rest arrives in parallel chunks, and the rows
        // loaded so far (a contiguous prefix) are shown while it does.
        const ranges: [number, number][] = [[0, Math.min(FIRST_ROWS, total)]];
        for (let at = FIRST_ROWS; at < total; at += FETCH_ROWS)
          ranges.push([at, Math.min(total, at + FETCH_ROWS)]);
        const parts: (Cell[][] | undefined)[] = ranges.map(() => undefined);
        let shown = 0;
        let done = 0;
        const fetchPart = async (i: number) => {
          const [from, to] = ranges[i];
          const p = await backend.rows(
            datasetId,
            table.name,
            from,
            Math.max(1, to - from),
            ctl.signal,
          );
          if (p.columns?.length) setColumns(p.columns);
          parts[i] = p.rows;
          done += p.rows.length;
          setLoaded(done);
          let prefix = shown;
          while (prefix < parts.length && parts[prefix]) prefix++;
          if (prefix > shown) {
            shown = prefix;
            setRows((parts.slice(0, prefix) as Cell[][][]).flat());
            setComplete(prefix === parts.length);
          }
        };
        await fetchPart(0);
        await Promise.all(ranges.slice(1).map((_, i) => fetchPart(i + 1)));
      } else {
        const [start, end] = pageRange(page, pageSize, total);
        const p = await backend.rows(datasetId, table.name, start, end - start, ctl.signal);
        if (p.columns?.length) setColumns(p.columns);
        setRows(p.rows);
        setComplete(true);
      }
    };
    load().catch((e) => {
      if (!ctl.signal.aborted) setError(e);
    });
    return () => ctl.abort();
  }, [datasetId, table.name, total, full, full ? 0 : page, full ? 0 : pageSize]);

  const order = useMemo(
    () => (rows ? sortedIndices(rows, sort) : new Uint32Array(0)),
    [rows, sort],
  );
  const pages = pageCount(total, pageSize);
  const [start, end] = full ? pageRange(page, pageSize, order.length) : [0, order.length];
  const firstRowNumber = full ? start : page * pageSize;
  const count = Math.max(0, end - start);

  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });

  useEffect(() => {
    viewport.current?.scrollTo({ top: 0 });
  }, [page, pageSize, sort]);

  const template = `4.5rem repeat(${columns.length}, minmax(9rem, 1fr))`;
  const minWidth = `calc(4.5rem + ${columns.length} * 9rem)`;
  const changePageSize = (size: number) => {
    setPageSize(size);
    setPage(0);
  };

  return (
    <div className="datagrid">
      {error ? <ErrorBox error={error} /> : null}
      {!rows && !error && (
        <div style={{ padding: '0.75rem' }}>
          <p className="muted" aria-live="polite">
            Loading rows… {full ? `${formatCount(loaded)} of ${formatCount(total)}` : ''}
          </p>
          {full && <ProgressBar done={loaded} total={total} label="Rows loaded" />}
        </div>
      )}
      {rows && (
        <div
          className="viewport"
          ref={viewport}
          role="table"
          aria-label={`Table ${table.name}`}
          aria-rowcount={total + 1}
          aria-colcount={columns.length + 1}
          tabIndex={0}
        >
          <div
            className="hrow"
            role="row"
            aria-rowindex={1}
            style={{ gridTemplateColumns: template, minWidth }}
          >
            <div className="cell rownum" role="columnheader">
              #
            </div>
            {columns.map((c, i) => {
              const dir = sort?.column === i ? sort.dir : null;
              return (
                <div
                  key={c}
                  className="hcell"
                  role="columnheader"
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                >
                  <button
                    type="button"
                    onClick={() => setSort((s) => nextSort(s, i))}
                    title={`Sort by ${c}`}
                  >
                    <span>{c}</span>
                    <span aria-hidden="true">
                      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
          <div
            role="rowgroup"
            style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth }}
          >
            {virtualizer.getVirtualItems().map((v) => {
              const rowIndex = order[start + v.index];
              const row = rows[rowIndex] ?? [];
              return (
                <div
                  key={v.key}
                  className="drow"
                  role="row"
                  aria-rowindex={firstRowNumber + v.index + 2}
                  style={{
                    gridTemplateColumns: template,
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    height: ROW_PX,
                    transform: `translateY(${v.start}px)`,
                  }}
                >
                  <div className="cell rownum" role="cell">
                    {(full ? rowIndex : firstRowNumber + rowIndex) + 1}
                  </div>
                  {columns.map((c, j) => {
                    const value = row[j] ?? null;
                    const cls =
                      value === null
                        ? 'cell null'
                        : typeof value === 'number'
                          ? 'cell num'
                          : 'cell';
                    const text = value === null ? 'null' : formatCell(value);
                    return (
                      <div key={c} className={cls} role="cell" title={text}>
                        {text}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      )}
      <div className="footer">
        <span className="muted" aria-live="polite">
          {formatCount(total)} rows{!full && sort ? ' · sorted within this page' : ''}
          {full && !complete ? ` · loading ${formatCount(loaded)} of ${formatCount(total)}…` : ''}
        </span>
        <label>
          <span className="sr-only">Rows per page</span>
          <select
            value={pageSize}
            onChange={(e) => changePageSize(Number(e.target.value))}
            aria-label="Rows per page"
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {formatCount(s)} per page
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => setPage(0)}
          disabled={page === 0}
          aria-label="First page"
        >
          «
        </button>
        <button
          type="button"
          onClick={() => setPage((p) => p - 1)}
          disabled={page === 0}
          aria-label="Previous page"
        >
          ‹
        </button>
        <span aria-live="polite">
          Page {formatCount(page + 1)} of {formatCount(pages)}
        </span>
        <button
          type="button"
          onClick={() => setPage((p) => p + 1)}
          disabled={page >= pages - 1}
          aria-label="Next page"
        >
          ›
        </button>
        <button
          type="button"
          onClick={() => setPage(pages - 1)}
          disabled={page >= pages - 1}
          aria-label="Last page"
        >
          »
        </button>
      </div>
    </div>
  );
}
