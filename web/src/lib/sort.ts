// Sorting of table rows for the data grid: typed comparison (numbers as numbers, strings by code
// point so the order is the same in every browser locale, nulls last in both directions) and a
// stable sort of row indices, so 100k rows sort without copying rows.
import type { Cell } from '../api/types';

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  column: number;
  dir: SortDir;
}

const TYPE_ORDER: Record<string, number> = { boolean: 0, number: 1, string: 2 };

// Compares two non-null cells: numbers numerically, booleans false<true, strings by code units,
// mixed types by type.
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return (TYPE_ORDER[ta] ?? 3) - (TYPE_ORDER[tb] ?? 3);
  if (ta === 'number') {
    const x = a as number;
    const y = b as number;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === 'boolean') return a ? 1 : -1;
  return (a as string) < (b as string) ? -1 : 1;
}

// Row indices in sorted order; ties keep the original order; nulls stay last when descending too.
export function sortedIndices(rows: Cell[][], spec: SortSpec | null): Uint32Array {
  const idx = new Uint32Array(rows.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  if (!spec) return idx;
  const col = spec.column;
  const sign = spec.dir === 'asc' ? 1 : -1;
  const arr = Array.from(idx);
  arr.sort((i, j) => {
    const a = rows[i][col] ?? null;
    const b = rows[j][col] ?? null;
    if (a === null || b === null) {
      if (a === b) return i - j;
      return a === null ? 1 : -1;
    }
    return sign * compareCells(a, b) || i - j;
  });
  return Uint32Array.from(arr);
}

// Next sort state when a header is activated: ascending, descending, then unsorted.
export function nextSort(current: SortSpec | null, column: number): SortSpec | null {
  if (!current || current.column !== column) return { column, dir: 'asc' };
  if (current.dir === 'asc') return { column, dir: 'desc' };
  return null;
}

// Page arithmetic for the grid: pages are 0-based, the last one may be short.
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export function pageRange(page: number, pageSize: number, total: number): [number, number] {
  const start = Math.min(page * pageSize, total);
  return [start, Math.min(start + pageSize, total)];
}
