// The Backend of `hyv serve`: /api/v1 through ApiClient, a job's live events through its SSE
// stream (polling the job once the stream ends early or breaks), downloads as links.
import type { Backend } from './backend';
import { ApiClient, api as defaultClient, type FetchLike } from './client';
import { readJobEvents, type JobEvent } from './sse';
import type { DatasetFilter, DownloadFormat, JobRequest } from './types';
import { getUserId } from '../lib/storage';
import { isFinal } from '../lib/jobState';
import { uploadModel, type NamedFile, type UploadMeta, type UploadProgress } from '../lib/upload';

const POLL_MS = 1000;

export class RestBackend implements Backend {
  readonly kind = 'rest' as const;
  readonly capabilities = { deleteModel: true, setDefaultModel: true, deleteDataset: true };
  readonly auth = null;
  private userId: string | null = null;

  // streamFetch: what reads the event stream (tests); the browser's fetch by default.
  constructor(
    readonly client: ApiClient = defaultClient,
    private readonly streamFetch?: FetchLike,
  ) {}

  // The random id ratings are kept under (localStorage), made on first use.
  private user(): string {
    this.userId ??= getUserId();
    return this.userId;
  }

  async status() {
    const h = await this.client.health();
    return `hyv ${h.version}`;
  }

  models() {
    return this.client.models();
  }
  deleteModel(id: string) {
    return this.client.deleteModel(id);
  }
  async setDefaultModel(type: 'text' | 'code', id: string) {
    await this.client.setDefault(type, id);
  }
  uploadModel(
    meta: UploadMeta,
    files: NamedFile[],
    onProgress: (p: UploadProgress) => void,
    signal?: AbortSignal,
  ) {
    return uploadModel(this.client, meta, files, onProgress, signal);
  }

  createJob(req: JobRequest) {
    return this.client.createJob(req);
  }
  jobs() {
    return this.client.jobs();
  }
  job(id: string) {
    return this.client.job(id);
  }
  cancelJob(id: string) {
    return this.client.cancelJob(id);
  }
  retryJob(id: string) {
    return this.client.retryJob(id);
  }
  // The stream ends when the job stops; if it ended early or broke (a restarted server), the job
  // is polled until it stops.
  async followJob(id: string, onEvent: (e: JobEvent) => void, signal: AbortSignal) {
    await readJobEvents(this.client.jobEventsUrl(id), onEvent, signal, this.streamFetch).catch(
      () => undefined,
    );
    while (!signal.aborted) {
      const job = await this.client.job(id);
      if (signal.aborted) return;
      onEvent({ type: 'job', job });
      if (isFinal(job)) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  datasets(filter: DatasetFilter = {}, signal?: AbortSignal) {
    return this.client.datasets(filter, signal);
  }
  dataset(id: string) {
    return this.client.dataset(id);
  }
  deleteDataset(id: string) {
    return this.client.deleteDataset(id);
  }
  rows(id: string, table: string, offset: number, limit: number, signal?: AbortSignal) {
    return this.client.rows(id, table, offset, limit, signal);
  }
  downloadUrl(id: string, format: DownloadFormat, table?: string) {
    return this.client.downloadUrl(id, format, table);
  }
  async download(id: string, format: DownloadFormat, table?: string) {
    const res = await this.client.request(
      'GET',
      this.client.downloadUrl(id, format, table).slice(this.client.base.length),
    );
    const disposition = res.headers.get('Content-Disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${id}.${format}`;
    return { name, blob: await res.blob() };
  }
  rate(id: string, stars: number) {
    return this.client.rate(id, this.user(), stars);
  }
  myRating(id: string) {
    return this.client.myRating(id, this.user());
  }
  regenerate(id: string) {
    return this.client.regenerate(id);
  }
}
