// Datasets on the IC come in pages: `dataset_page` gives bytes [offset, offset + ≤ 2 MiB) of the
// download the studio gives for the same table and format. Downloads concatenate the pages into
// a Blob; the data grid's rows are parsed from the JSONL pages (one JSON object per line, keys in
// column order), read once per table and kept, so every page of the grid after the first is
// served from memory.
import type { Page } from '../../bindings/hyv_generator';
import type { Cell, DownloadFormat } from '../types';
import { num } from './map';

export type PageFetcher = (offset: bigint) => Promise<Page>;

function checkPage(p: Page, offset: bigint): void {
  if (p.offset !== offset) {
    throw new Error(`dataset_page answered offset ${p.offset} for offset ${offset}`);
  }
  if (!p.done && p.data.length === 0) {
    throw new Error(`dataset_page gave no bytes at offset ${offset} before the end`);
  }
}

// Every page from offset 0 until `done`, in order.
export async function readAllPages(
  fetchPage: PageFetcher,
  onProgress?: (bytes: number, total: number | null) => void,
): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  let offset = 0n;
  for (;;) {
    const p = await fetchPage(offset);
    checkPage(p, offset);
    parts.push(p.data);
    offset += BigInt(p.data.length);
    onProgress?.(num(offset), p.total_bytes === undefined ? null : num(p.total_bytes));
    if (p.done) return parts;
  }
}

const CONTENT_TYPES: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  txt: 'text/plain; charset=utf-8',
};

export async function downloadBlob(fetchPage: PageFetcher, format: DownloadFormat) {
  const parts = await readAllPages(fetchPage);
  return new Blob(parts as BlobPart[], { type: CONTENT_TYPES[format] });
}

// One JSONL line as cells in column order (a key the row lacks gives null), as /rows gives them.
export function cellsOfJsonLine(line: string, columns: string[], lineNumber: number): Cell[] {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error(`row ${lineNumber}: not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Error(`row ${lineNumber}: not a JSON object`);
  }
  const o = v as Record<string, unknown>;
  return columns.map((c) => (c in o ? (o[c] as Cell) : null));
}

// Splits JSONL bytes that arrive in pages of any size (a page may end inside a line or inside a
// UTF-8 sequence) into rows.
export class JsonlRows {
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private partial = '';
  private lines = 0;

  constructor(private readonly columns: string[]) {}

  feed(bytes: Uint8Array, last: boolean): Cell[][] {
    const text = this.partial + this.decoder.decode(bytes, { stream: !last });
    const pieces = text.split('\n');
    this.partial = last ? '' : (pieces.pop() ?? '');
    const rows: Cell[][] = [];
    for (let piece of pieces) {
      if (piece.endsWith('\r')) piece = piece.slice(0, -1);
      if (piece === '') continue;
      rows.push(cellsOfJsonLine(piece, this.columns, ++this.lines));
    }
    return rows;
  }
}

// The rows of one table, read from its JSONL pages as far as requests need them. Concurrent
// requests share the reads; a failed read fails its requests and is tried again by the next.
export class TableRows {
  private rows: Cell[][] = [];
  private offset = 0n;
  private done = false;
  private reading: Promise<void> | null = null;
  private readonly parser: JsonlRows;

  constructor(
    private readonly fetchPage: PageFetcher,
    columns: string[],
  ) {
    this.parser = new JsonlRows(columns);
  }

  private readNext(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const p = await this.fetchPage(this.offset);
        checkPage(p, this.offset);
        this.offset += BigInt(p.data.length);
        for (const r of this.parser.feed(p.data, p.done)) this.rows.push(r);
        this.done = p.done;
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  // Rows [offset, offset + limit), fewer at the end of the table.
  async get(offset: number, limit: number, signal?: AbortSignal): Promise<Cell[][]> {
    while (this.rows.length < offset + limit && !this.done) {
      signal?.throwIfAborted();
      await this.readNext();
    }
    signal?.throwIfAborted();
    return this.rows.slice(offset, offset + limit);
  }

  get loaded(): number {
    return this.rows.length;
  }
}
