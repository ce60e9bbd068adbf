import { describe, expect, it } from 'vitest';
import type { Cell } from '../api/types';
import { compareCells, nextSort, pageCount, pageRange, sortedIndices } from './sort';

const col = (rows: Cell[][], idx: Uint32Array, c = 0) => Array.from(idx, (i) => rows[i][c]);

describe('sorting rows', () => {
  it('compares numbers numerically and strings by code point', () => {
    expect(compareCells(9, 10)).toBeLessThan(0);
    expect(compareCells('9', '10')).toBeGreaterThan(0);
    expect(compareCells('B', 'a')).toBeLessThan(0);
    expect(compareCells(false, true)).toBeLessThan(0);
    expect(compareCells(1, 'a')).toBeLessThan(0);
    expect(compareCells(null, 1)).toBeGreaterThan(0);
  });

  it('keeps nulls last in both directions and ties in their original order', () => {
    const rows: Cell[][] = [
      [2, 'a'],
      [null, 'b'],
      [1, 'c'],
      [2, 'd'],
      [null, 'e'],
      [-5, 'f'],
    ];
    const asc = sortedIndices(rows, { column: 0, dir: 'asc' });
    expect(col(rows, asc)).toEqual([-5, 1, 2, 2, null, null]);
    expect(col(rows, asc, 1)).toEqual(['f', 'c', 'a', 'd', 'b', 'e']);
    const desc = sortedIndices(rows, { column: 0, dir: 'desc' });
    expect(col(rows, desc)).toEqual([2, 2, 1, -5, null, null]);
    expect(col(rows, desc, 1)).toEqual(['a', 'd', 'c', 'f', 'b', 'e']);
    expect(Array.from(sortedIndices(rows, null))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('sorts 100k rows by an oracle order quickly', () => {
    let x = 12345;
    const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows: Cell[][] = Array.from({ length: 100_000 }, (_, i) => [
      Math.floor(rand() * 1e6) / 100,
      `s${i % 977}`,
    ]);
    const t0 = performance.now();
    const idx = sortedIndices(rows, { column: 0, dir: 'desc' });
    const ms = performance.now() - t0;
    const expected = rows.map((r) => r[0] as number).sort((a, b) => b - a);
    expect(col(rows, idx)).toEqual(expected);
    expect(ms).toBeLessThan(2000);
  });

  it('cycles header clicks through ascending, descending and unsorted', () => {
    expect(nextSort(null, 2)).toEqual({ column: 2, dir: 'asc' });
    expect(nextSort({ column: 2, dir: 'asc' }, 2)).toEqual({ column: 2, dir: 'desc' });
    expect(nextSort({ column: 2, dir: 'desc' }, 2)).toBeNull();
    expect(nextSort({ column: 2, dir: 'desc' }, 0)).toEqual({ column: 0, dir: 'asc' });
  });

  it('splits rows into pages', () => {
    expect(pageCount(0, 100)).toBe(1);
    expect(pageCount(1001, 100)).toBe(11);
    expect(pageRange(10, 100, 1001)).toEqual([1000, 1001]);
    expect(pageRange(20, 100, 1001)).toEqual([1001, 1001]);
  });
});
