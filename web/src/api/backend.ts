// The one interface the pages talk to. Two implementations: RestBackend (rest.ts: the native
// `hyv serve` API over fetch and SSE) and IcBackend (ic/backend.ts: the hyv_generator and
// hyv_ai_engine canisters over the agent). Which one a page gets is decided once, from where it
// was loaded (current.ts). What one of them cannot do is named in `capabilities`, and the pages
// hide those actions instead of failing.
import type { JobEvent } from './sse';
import type {
  Dataset,
  DatasetFilter,
  DownloadFormat,
  Job,
  JobRequest,
  Model,
  ModelList,
  RowPage,
} from './types';
import type { NamedFile, UploadMeta, UploadProgress } from '../lib/upload';

export interface Capabilities {
  deleteModel: boolean; // Models: Delete
  setDefaultModel: boolean; // Models: Make default
  deleteDataset: boolean; // Dataset: Delete
}

// Sign-in, where the backend has one of its own (the IC: Internet Identity). The studio's token
// comes from the URL it prints and needs no controls.
export interface AuthState {
  ready: boolean; // the stored session has been looked at
  principal: string | null; // null: anonymous
  busy: boolean; // a sign-in window is open
}

export interface Auth {
  state(): AuthState;
  subscribe(listener: () => void): () => void; // returns the unsubscribe function
  signIn(): Promise<void>;
  signOut(): Promise<void>;
}

// The file a download gives: a link the browser follows (REST), or bytes made in the page (IC).
export interface DownloadFile {
  name: string;
  blob: Blob;
}

export interface Backend {
  readonly kind: 'rest' | 'ic';
  readonly capabilities: Capabilities;
  readonly auth: Auth | null;

  // What the header shows: "hyv 1.2.3", "Internet Computer"; rejects when unreachable.
  status(): Promise<string>;

  models(): Promise<ModelList>;
  deleteModel(id: string): Promise<void>;
  setDefaultModel(type: 'text' | 'code', id: string): Promise<void>;
  uploadModel(
    meta: UploadMeta,
    files: NamedFile[],
    onProgress: (p: UploadProgress) => void,
    signal?: AbortSignal,
  ): Promise<Model>;

  createJob(req: JobRequest): Promise<Job>;
  jobs(): Promise<{ jobs: Job[] }>;
  job(id: string): Promise<Job>;
  cancelJob(id: string): Promise<Job>;
  retryJob(id: string): Promise<Job>;
  // Follows a job: each event goes to onEvent in order (a 'job' event at least whenever its state
  // or progress changes). Resolves once the job is final, or when `signal` aborts (not an error).
  followJob(id: string, onEvent: (e: JobEvent) => void, signal: AbortSignal): Promise<void>;

  datasets(filter?: DatasetFilter, signal?: AbortSignal): Promise<{ datasets: Dataset[] }>;
  dataset(id: string): Promise<Dataset>;
  deleteDataset(id: string): Promise<void>;
  rows(
    id: string,
    table: string,
    offset: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<RowPage>;
  // A URL the browser can download directly (REST); null when only download() can (IC).
  downloadUrl(id: string, format: DownloadFormat, table?: string): string | null;
  download(id: string, format: DownloadFormat, table?: string): Promise<DownloadFile>;
  rate(id: string, stars: number): Promise<Dataset>;
  myRating(id: string): Promise<{ stars: number | null }>;
  regenerate(id: string): Promise<Job>;
}

// The name `hyv serve` gives a download: `<id>.<ext>`, or `<id>-<table>.<ext>` for a table that
// is not the dataset's first (service::download_file_name).
export function downloadFileName(
  id: string,
  format: DownloadFormat,
  table: string | undefined,
  tables: string[],
): string {
  const first = !table || tables.length === 0 || tables[0] === table;
  return `${id}${first ? '' : `-${table}`}.${format}`;
}
