// Uploading a Hugging Face model folder through the resumable chunked upload API: files are hashed
// in the browser, declared, sent in chunks of at most 2 MiB from the offset the server has, and the
// upload is finished (the server checks every sha256 and loads the model).
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/client';
import type { Model, Upload, UploadRequest } from '../api/types';
import { sha256File, type ByteSource } from './sha256';

export const CHUNK_BYTES = 2 * 1024 * 1024;

export const ALLOWED_FILES = [
  'config.json',
  'model.safetensors',
  'vocab.json',
  'merges.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'generation_config.json',
  'README.md',
];

export interface NamedFile extends ByteSource {
  name: string;
}

export interface FileSelection<F extends { name: string }> {
  accepted: F[];
  ignored: string[]; // names the server would refuse
  missing: string[]; // what a model folder must still have
}

// Splits the files a user picked (a folder may hold more) into the ones the server takes and the
// rest, and names the required files that are missing.
export function selectModelFiles<F extends { name: string }>(files: F[]): FileSelection<F> {
  const accepted: F[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if (ALLOWED_FILES.includes(f.name) && !seen.has(f.name)) {
      accepted.push(f);
      seen.add(f.name);
    } else {
      ignored.push(f.name);
    }
  }
  const missing: string[] = [];
  if (!seen.has('config.json')) missing.push('config.json');
  if (!seen.has('model.safetensors')) missing.push('model.safetensors');
  if (!seen.has('tokenizer.json') && !(seen.has('vocab.json') && seen.has('merges.txt'))) {
    missing.push('tokenizer.json (or vocab.json + merges.txt)');
  }
  return { accepted, ignored, missing };
}

// The next chunk [start, end) of a file of `size` bytes when the server has `received`; null when
// the file is complete.
export function nextChunk(
  size: number,
  received: number,
  chunk = CHUNK_BYTES,
): [number, number] | null {
  if (received >= size) return null;
  return [received, Math.min(size, received + chunk)];
}

// Bytes still to send over all files of an upload.
export function bytesLeft(upload: Pick<Upload, 'files'>): number {
  return upload.files.reduce((sum, f) => sum + Math.max(0, f.size - f.received), 0);
}

export interface UploadProgress {
  phase: 'hashing' | 'uploading' | 'finishing' | 'done';
  bytesDone: number;
  bytesTotal: number;
  file?: string;
}

export interface UploadMeta extends Omit<UploadRequest, 'files'> {}

const RETRIES = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function transient(err: unknown): boolean {
  if (err instanceof ApiError) return err.status >= 500 || err.status === 409 || err.status === 429;
  return !(err instanceof DOMException && err.name === 'AbortError');
}

export async function uploadModel(
  client: ApiClient,
  meta: UploadMeta,
  files: NamedFile[],
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Model> {
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  const declared: UploadRequest['files'] = [];
  let hashed = 0;
  for (const f of files) {
    const sha256 = await sha256File(f, (b) =>
      onProgress({ phase: 'hashing', bytesDone: hashed + b, bytesTotal, file: f.name }),
    );
    hashed += f.size;
    declared.push({ name: f.name, size: f.size, sha256 });
  }
  let upload = await client.createUpload({ ...meta, files: declared });
  const report = (file?: string) =>
    onProgress({ phase: 'uploading', bytesDone: bytesTotal - bytesLeft(upload), bytesTotal, file });
  report();
  try {
    for (const f of files) {
      let failures = 0;
      for (;;) {
        signal?.throwIfAborted();
        const state = upload.files.find((x) => x.name === f.name);
        const range = nextChunk(f.size, state?.received ?? 0);
        if (!range) break;
        try {
          const bytes = new Uint8Array(await f.slice(range[0], range[1]).arrayBuffer());
          upload = await client.putChunk(upload.id, f.name, range[0], bytes, signal);
          failures = 0;
          report(f.name);
        } catch (err) {
          if (!transient(err) || ++failures > RETRIES) throw err;
          await sleep(250 * 2 ** failures);
          upload = await client.getUpload(upload.id); // resume from what the server has
        }
      }
    }
  } catch (err) {
    await client.deleteUpload(upload.id).catch(() => undefined); // drop the partial files
    throw err;
  }
  // A failed finish removes the upload on the server itself.
  onProgress({ phase: 'finishing', bytesDone: bytesTotal, bytesTotal });
  const model = await client.finishUpload(upload.id);
  onProgress({ phase: 'done', bytesDone: bytesTotal, bytesTotal });
  return model;
}
