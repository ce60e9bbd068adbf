// A typed client for /api/v1. Mutating requests carry `Authorization: Bearer <token>` when a token
// is known; errors become ApiError with the server's code and message.
import type {
  Dataset,
  DatasetFilter,
  DownloadFormat,
  Job,
  JobRequest,
  Model,
  ModelList,
  RowPage,
  Upload,
  UploadRequest,
} from './types';
import { getToken } from '../lib/storage';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  fetch?: FetchLike;
  token?: () => string | null;
  base?: string;
}

// Turns an error response into an ApiError, falling back to the status text for non-JSON bodies.
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status text
  }
  if (res.status === 401 && !message.includes('#token')) {
    message += ' — open the link that `hyv serve` printed (it ends in #token=…) to sign in.';
  }
  return new ApiError(res.status, code, message);
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ApiClient {
  private readonly fetchFn: FetchLike;
  private readonly token: () => string | null;
  readonly base: string;

  constructor(opts: ClientOptions = {}) {
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.token = opts.token ?? (() => getToken());
    this.base = opts.base ?? API_BASE;
  }

  url(path: string): string {
    return this.base + path;
  }

  async request(method: string, path: string, body?: BodyInit | object, signal?: AbortSignal) {
    const headers: Record<string, string> = {};
    let payload: BodyInit | undefined;
    if (body instanceof ArrayBuffer || body instanceof Uint8Array || body instanceof Blob) {
      headers['Content-Type'] = 'application/octet-stream';
      payload = body as BodyInit;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const token = this.token();
      if (token) headers['Authorization'] = `Bearer ${token}`;
    }
    const res = await this.fetchFn(this.url(path), { method, headers, body: payload, signal });
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  async json<T>(method: string, path: string, body?: BodyInit | object, signal?: AbortSignal) {
    const res = await this.request(method, path, body, signal);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  health() {
    return this.json<{ status: string; version: string }>('GET', '/health');
  }

  models() {
    return this.json<ModelList>('GET', '/models');
  }
  deleteModel(id: string) {
    return this.json<void>('DELETE', `/models/${encodeURIComponent(id)}`);
  }
  setDefault(type: 'text' | 'code', model: string) {
    return this.json<{ defaults: ModelList['defaults'] }>('PUT', `/defaults/${type}`, { model });
  }

  createUpload(req: UploadRequest) {
    return this.json<Upload>('POST', '/uploads', req);
  }
  getUpload(id: string) {
    return this.json<Upload>('GET', `/uploads/${encodeURIComponent(id)}`);
  }
  putChunk(id: string, file: string, offset: number, bytes: Uint8Array, signal?: AbortSignal) {
    const path = `/uploads/${encodeURIComponent(id)}/files/${encodeURIComponent(file)}${query({ offset })}`;
    return this.json<Upload>('PUT', path, bytes, signal);
  }
  finishUpload(id: string) {
    return this.json<Model>('POST', `/uploads/${encodeURIComponent(id)}/finish`);
  }
  deleteUpload(id: string) {
    return this.json<void>('DELETE', `/uploads/${encodeURIComponent(id)}`);
  }

  createJob(req: JobRequest) {
    return this.json<Job>('POST', '/jobs', req);
  }
  jobs() {
    return this.json<{ jobs: Job[] }>('GET', '/jobs');
  }
  job(id: string) {
    return this.json<Job>('GET', `/jobs/${encodeURIComponent(id)}`);
  }
  cancelJob(id: string) {
    return this.json<Job>('POST', `/jobs/${encodeURIComponent(id)}/cancel`);
  }
  retryJob(id: string) {
    return this.json<Job>('POST', `/jobs/${encodeURIComponent(id)}/retry`);
  }
  jobEventsUrl(id: string) {
    return this.url(`/jobs/${encodeURIComponent(id)}/events`);
  }

  datasets(filter: DatasetFilter = {}, signal?: AbortSignal) {
    const q = query({
      type: filter.type,
      model: filter.model,
      tag: filter.tag,
      min_quality: filter.min_quality ?? undefined,
      q: filter.q,
    });
    return this.json<{ datasets: Dataset[] }>('GET', `/datasets${q}`, undefined, signal);
  }
  dataset(id: string) {
    return this.json<Dataset>('GET', `/datasets/${encodeURIComponent(id)}`);
  }
  deleteDataset(id: string) {
    return this.json<void>('DELETE', `/datasets/${encodeURIComponent(id)}`);
  }
  rows(id: string, table: string, offset: number, limit: number, signal?: AbortSignal) {
    const q = query({ table, offset, limit });
    return this.json<RowPage>(
      'GET',
      `/datasets/${encodeURIComponent(id)}/rows${q}`,
      undefined,
      signal,
    );
  }
  downloadUrl(id: string, format: DownloadFormat, table?: string) {
    return this.url(`/datasets/${encodeURIComponent(id)}/download${query({ format, table })}`);
  }
  rate(id: string, user: string, stars: number) {
    return this.json<Dataset>('PUT', `/datasets/${encodeURIComponent(id)}/rating`, { user, stars });
  }
  myRating(id: string, user: string) {
    return this.json<{ stars: number | null }>(
      'GET',
      `/datasets/${encodeURIComponent(id)}/rating${query({ user })}`,
    );
  }
  regenerate(id: string) {
    return this.json<Job>('POST', `/datasets/${encodeURIComponent(id)}/regenerate`);
  }
}

export const api = new ApiClient();
