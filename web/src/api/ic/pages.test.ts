import { describe, expect, it } from 'vitest';
import type { Page } from '../../bindings/hyv_generator';
import { cellsOfJsonLine, downloadBlob, JsonlRows, readAllPages, TableRows } from './pages';

const enc = new TextEncoder();

// A fake dataset_page over `bytes`, in pages of `size` bytes, counting calls.
function pager(bytes: Uint8Array, size: number) {
  const offsets: bigint[] = [];
  const fetchPage = async (offset: bigint): Promise<Page> => {
    offsets.push(offset);
    const at = Number(offset);
    const end = Math.min(bytes.length, at + size);
    return {
      data: bytes.slice(at, end),
      offset,
      done: end >= bytes.length,
      total_bytes: BigInt(bytes.length),
    };
  };
  return { fetchPage, offsets };
}

describe('dataset pages', () => {
  it('concatenates the pages of a download into the same bytes', async () => {
    const text = 'a,b\r\n1,"x, y"\r\n2,é€😀\r\n';
    const bytes = enc.encode(text);
    const { fetchPage, offsets } = pager(bytes, 5);
    const blob = await downloadBlob(fetchPage, 'csv');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
    expect(await blob.text()).toBe(text);
    expect(blob.type).toBe('text/csv; charset=utf-8');
    expect(offsets).toEqual(
      Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => BigInt(i * 5)),
    );
  });

  it('refuses a page at another offset, or an empty page before the end', async () => {
    await expect(
      readAllPages(async () => ({ data: new Uint8Array(1), offset: 3n, done: true })),
    ).rejects.toThrow('offset 3 for offset 0');
    await expect(
      readAllPages(async (offset) => ({ data: new Uint8Array(0), offset, done: false })),
    ).rejects.toThrow('no bytes');
  });

  it('parses JSONL lines into cells in column order, null for missing keys', () => {
    expect(
      cellsOfJsonLine('{"b":2,"a":"x","c":null,"d":true}', ['a', 'b', 'c', 'd', 'e'], 1),
    ).toEqual(['x', 2, null, true, null]);
    expect(() => cellsOfJsonLine('{"a":', ['a'], 7)).toThrow('row 7: not valid JSON');
    expect(() => cellsOfJsonLine('[1]', ['a'], 2)).toThrow('row 2: not a JSON object');
  });

  it('splits rows across pages that end inside a line or a UTF-8 sequence', () => {
    const lines = ['{"t":"héllo 😀"}', '{"t":"zwei"}', '{"t":"drei\\n"}'];
    const bytes = enc.encode(lines.join('\n') + '\n');
    for (const size of [1, 2, 3, 7, 64]) {
      const p = new JsonlRows(['t']);
      const rows = [];
      for (let at = 0; at < bytes.length; at += size) {
        const end = Math.min(bytes.length, at + size);
        rows.push(...p.feed(bytes.slice(at, end), end >= bytes.length));
      }
      expect(rows).toEqual([['héllo 😀'], ['zwei'], ['drei\n']]);
    }
    // A last line without '\n' (and CRLF ends) count too.
    const p = new JsonlRows(['n']);
    expect(p.feed(enc.encode('{"n":1}\r\n{"n":2}'), true)).toEqual([[1], [2]]);
  });

  it('reads a table only as far as asked, once, for concurrent requests', async () => {
    const n = 50;
    const bytes = enc.encode(
      Array.from({ length: n }, (_, i) => JSON.stringify({ i, s: `r${i}` })).join('\n') + '\n',
    );
    const { fetchPage, offsets } = pager(bytes, 100);
    const t = new TableRows(fetchPage, ['s', 'i']);
    expect(await t.get(0, 2)).toEqual([
      ['r0', 0],
      ['r1', 1],
    ]);
    const early = offsets.length;
    expect(early).toBeLessThan(Math.ceil(bytes.length / 100));
    const [a, b] = await Promise.all([t.get(40, 5), t.get(10, 3)]);
    expect(a.map((r) => r[1])).toEqual([40, 41, 42, 43, 44]);
    expect(b.map((r) => r[1])).toEqual([10, 11, 12]);
    expect(await t.get(48, 10)).toEqual([
      ['r48', 48],
      ['r49', 49],
    ]);
    // Every page fetched exactly once, in order.
    expect(offsets).toEqual([...new Set(offsets)].sort((x, y) => (x < y ? -1 : 1)));
    expect(t.loaded).toBe(n);
    const before = offsets.length;
    await t.get(0, n);
    expect(offsets.length).toBe(before);
  });
});
