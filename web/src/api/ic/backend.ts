// The Backend on the Internet Computer: the hyv_generator canister (jobs, datasets, ratings,
// library, catalog, engine pool) and its hyv_ai_engine canisters (model files), through the
// generated bindings. Queries go out as whoever is signed in (anonymous before sign-in); the
// actions that need a signed caller ask for sign-in first.
import { downloadFileName, type Backend } from '../backend';
import type { JobEvent } from '../sse';
import type { Dataset, DatasetFilter, DownloadFormat, JobRequest, RowPage } from '../types';
import type { NamedFile, UploadMeta, UploadProgress } from '../../lib/upload';
import { IcSession, type Actors } from './agent';
import type { IcConfig } from './env';
import { pollJobEvents } from './events';
import {
  datasetFromIc,
  describeIcError,
  jobFromIc,
  jobRequestToIc,
  listRequest,
  LIST_PAGE,
  matchesQuery,
  modelListFromIc,
  unwrap,
  type EngineView,
} from './map';
import { downloadBlob, TableRows, type PageFetcher } from './pages';
import { uploadModelToIc } from './upload';

const MAX_LIBRARY = 5000; // datasets read for one library view (50 queries)
const CACHED_TABLES = 4;

export class NotOnIcError extends Error {
  constructor(what: string) {
    super(`${what} is not available on the Internet Computer.`);
    this.name = 'NotOnIcError';
  }
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export class IcBackend implements Backend {
  readonly kind = 'ic' as const;
  readonly capabilities = { deleteModel: false, setDefaultModel: false, deleteDataset: false };
  readonly auth: IcSession;
  private tables = new Map<string, TableRows>(); // most recently used last
  private datasetCache = new Map<string, Dataset>();

  constructor(readonly config: IcConfig) {
    this.auth = new IcSession(config);
  }

  private async query<T>(f: (a: Actors) => Promise<T>): Promise<T> {
    if (!this.config.generatorId) {
      throw new Error('The ic_env cookie names no PUBLIC_CANISTER_ID:hyv_generator.');
    }
    try {
      return await f(await this.auth.actors());
    } catch (err) {
      throw describeIcError(err);
    }
  }

  // An update that needs a signed caller: sign-in first when anonymous.
  private async update<T>(f: (a: Actors) => Promise<T>): Promise<T> {
    if (!this.config.generatorId) {
      throw new Error('The ic_env cookie names no PUBLIC_CANISTER_ID:hyv_generator.');
    }
    const actors = await this.auth.signedActors();
    try {
      return await f(actors);
    } catch (err) {
      throw describeIcError(err);
    }
  }

  async status() {
    await this.query((a) => a.generator.models_list());
    return 'Internet Computer';
  }

  models() {
    return this.query(async (a) => {
      const [catalog, pool] = await Promise.all([
        a.generator.models_list(),
        a.generator.engines_list(),
      ]);
      const views = await Promise.all(
        pool.map(async (e): Promise<EngineView> => {
          const engine = a.engine(e.engine.toText());
          const [files, loaded] = await Promise.all([
            engine.models_list().catch(() => []),
            engine.models_loaded().catch(() => []),
          ]);
          return { files, loaded };
        }),
      );
      return modelListFromIc(catalog, pool, views);
    });
  }
  async deleteModel(): Promise<void> {
    throw new NotOnIcError('Deleting a model');
  }
  async setDefaultModel(): Promise<void> {
    throw new NotOnIcError('Choosing the default model');
  }
  uploadModel(
    meta: UploadMeta,
    files: NamedFile[],
    onProgress: (p: UploadProgress) => void,
    signal?: AbortSignal,
  ) {
    return this.update(async (a) => {
      const pool = await a.generator.engines_list();
      const engines = pool.map((e) => ({ id: e.engine, actor: a.engine(e.engine.toText()) }));
      return uploadModelToIc(a.generator, engines, meta, files, onProgress, signal);
    });
  }

  createJob(req: JobRequest) {
    return this.update(async (a) => {
      const id = unwrap('job_submit', await a.generator.job_submit(jobRequestToIc(req)));
      return jobFromIc(unwrap('job_get', await a.generator.job_get(id)));
    });
  }
  jobs() {
    return this.query(async (a) => {
      const jobs = (await a.generator.jobs_mine()).map(jobFromIc);
      jobs.sort((x, y) => y.created_at_ms - x.created_at_ms);
      return { jobs };
    });
  }
  job(id: string) {
    return this.query(async (a) => jobFromIc(unwrap('job_get', await a.generator.job_get(id))));
  }
  cancelJob(id: string) {
    return this.update(async (a) =>
      jobFromIc(unwrap('job_cancel', await a.generator.job_cancel(id))),
    );
  }
  retryJob(id: string) {
    return this.update(async (a) =>
      jobFromIc(unwrap('job_retry', await a.generator.job_retry(id))),
    );
  }
  followJob(id: string, onEvent: (e: JobEvent) => void, signal: AbortSignal) {
    return this.query((a) => pollJobEvents(a.generator, id, onEvent, signal));
  }

  datasets(filter: DatasetFilter = {}, signal?: AbortSignal) {
    return this.query(async (a) => {
      const all: Dataset[] = [];
      for (let offset = 0n; offset < BigInt(MAX_LIBRARY); offset += LIST_PAGE) {
        signal?.throwIfAborted();
        const page = await a.generator.datasets_list(listRequest(filter, offset));
        for (const d of page.items) all.push(datasetFromIc(d));
        if (page.items.length === 0 || offset + BigInt(page.items.length) >= page.total) break;
      }
      return { datasets: all.filter((d) => matchesQuery(d, filter.q)) };
    });
  }
  dataset(id: string) {
    return this.query(async (a) => {
      const d = datasetFromIc(unwrap('dataset_get', await a.generator.dataset_get(id)));
      this.datasetCache.set(id, d);
      return d;
    });
  }
  private async knownDataset(id: string): Promise<Dataset> {
    return this.datasetCache.get(id) ?? this.dataset(id);
  }
  async deleteDataset(): Promise<void> {
    throw new NotOnIcError('Deleting a dataset');
  }

  private pages(id: string, table: string, format: DownloadFormat): PageFetcher {
    return (offset) =>
      this.query(async (a) =>
        unwrap('dataset_page', await a.generator.dataset_page({ id, table, format, offset })),
      );
  }

  async rows(id: string, table: string, offset: number, limit: number, signal?: AbortSignal) {
    const d = await this.knownDataset(id);
    const info = d.tables.find((t) => t.name === table);
    if (!info) throw new Error(`dataset ${id} has no table "${table}"`);
    const key = `${id}\u0000${table}`;
    let rows = this.tables.get(key);
    if (rows) {
      this.tables.delete(key);
    } else {
      rows = new TableRows(this.pages(id, table, 'jsonl'), info.columns);
    }
    this.tables.set(key, rows);
    while (this.tables.size > CACHED_TABLES) {
      this.tables.delete(this.tables.keys().next().value as string);
    }
    const page: RowPage = {
      table,
      columns: info.columns,
      rows: await rows.get(offset, limit, signal),
      offset,
      total: info.rows,
    };
    return page;
  }
  downloadUrl() {
    return null;
  }
  async download(id: string, format: DownloadFormat, table?: string) {
    const d = await this.knownDataset(id);
    const names = d.tables.map((t) => t.name);
    const name = table ?? names[0];
    if (name === undefined) throw new Error(`dataset ${id} has no tables`);
    const blob = await downloadBlob(this.pages(id, name, format), format);
    return { name: downloadFileName(id, format, name, names), blob };
  }

  private ratingKey(id: string): string | null {
    const p = this.auth.state().principal;
    return p ? `hyv.ic.rating.${p}.${id}` : null;
  }
  rate(id: string, stars: number) {
    return this.update(async (a) => {
      unwrap('dataset_rate', await a.generator.dataset_rate(id, stars));
      const key = this.ratingKey(id);
      if (key) storage()?.setItem(key, String(stars));
      return datasetFromIc(unwrap('dataset_get', await a.generator.dataset_get(id)));
    });
  }
  // The generator keeps one rating per principal but has no query for it: the user's own rating
  // is remembered in this browser.
  async myRating(id: string) {
    const key = this.ratingKey(id);
    const v = key ? Number(storage()?.getItem(key)) : NaN;
    return { stars: v >= 1 && v <= 5 ? v : null };
  }
  regenerate(id: string) {
    return this.update(async (a) => {
      const job = unwrap('dataset_regenerate', await a.generator.dataset_regenerate(id));
      return jobFromIc(unwrap('job_get', await a.generator.job_get(job)));
    });
  }
}
