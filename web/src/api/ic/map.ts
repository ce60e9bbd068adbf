// Candid values of the hyv_generator and hyv_ai_engine canisters (the generated bindings in
// src/bindings) mapped to the studio's shapes (../types), so the pages need not know which host
// they talk to. Counts and times are nat64/int64 (bigint) in Candid and numbers in the pages.
import type {
  CatalogModel,
  Dataset as IcDataset,
  Engine as IcEngine,
  Job as IcJob,
  JobRequest as IcJobRequest,
  ListRequest,
} from '../../bindings/hyv_generator';
import type { LoadedModel, ModelInfo } from '../../bindings/hyv_ai_engine';
import type {
  Dataset,
  DatasetFilter,
  DataType,
  Job,
  JobRequest,
  JobState,
  Model,
  ModelList,
} from '../types';

// An error a canister answered with (`Err` text), shown as it is.
export class CanisterError extends Error {
  constructor(
    readonly method: string,
    message: string,
  ) {
    super(message);
    this.name = 'CanisterError';
  }
}

type Result<T> = { __kind__: 'Ok'; Ok: T } | { __kind__: 'Err'; Err: string };

// The Ok value of a `variant { Ok : T; Err : text }`, or a CanisterError with the Err text.
export function unwrap<T>(method: string, r: Result<T>): T {
  if (r.__kind__ === 'Ok') return r.Ok;
  throw new CanisterError(method, r.Err);
}

// bigint -> number; exact up to 2^53, which no count, size or millisecond time here reaches.
export function num(v: bigint | number): number {
  return typeof v === 'number' ? v : Number(v);
}

function parseJson(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

export function jobFromIc(j: IcJob): Job {
  const state = (STATES as string[]).includes(j.state) ? (j.state as JobState) : 'failed';
  const created = num(j.created_at_ms);
  return {
    id: j.id,
    type: j.data_type as DataType,
    name: j.name,
    state,
    params: parseJson(j.params),
    attempts: j.attempts,
    created_at_ms: created,
    // The generator keeps no start time: a job that left the queue counts from its creation.
    started_at_ms: state === 'queued' ? 0 : created,
    updated_at_ms: num(j.updated_at_ms),
    finished_at_ms: num(j.finished_at_ms),
    progress: {
      items_done: num(j.items_done),
      items_total: num(j.items_total),
      tokens_done: num(j.tokens_done),
    },
    error: j.error ? j.error : null,
    dataset_id: j.dataset_id ?? null,
  };
}

export function jobRequestToIc(r: JobRequest): IcJobRequest {
  return {
    data_type: r.type,
    params: JSON.stringify(r.params),
    name: r.name ? r.name : undefined,
    tags: r.tags ?? [],
  };
}

export function datasetFromIc(d: IcDataset): Dataset {
  const count = num(d.rating_count);
  const score = d.quality_score;
  return {
    manifest: {
      id: d.id,
      name: d.name,
      type: d.data_type as DataType,
      model: { id: d.model_id, sha256: d.model_sha256 },
      params: parseJson(d.params),
      seed: d.seed,
      created_at_ms: num(d.created_at_ms),
      finished_at_ms: num(d.finished_at_ms),
      size_bytes: num(d.size_bytes),
      item_count: num(d.item_count),
      quality:
        score === undefined || score === null
          ? null
          : { score, report: parseJson(d.quality_report) },
      tags: d.tags,
    },
    ratings: { count, mean: count > 0 ? d.rating_mean : null },
    rank: d.rank,
    tables: d.tables.map((t) => ({ name: t.name, columns: t.columns, rows: num(t.rows) })),
  };
}

export const LIST_PAGE = 100n; // datasets_list's largest limit

export function listRequest(filter: DatasetFilter, offset: bigint): ListRequest {
  return {
    data_type: filter.type ? filter.type : undefined,
    model: filter.model ? filter.model : undefined,
    tag: filter.tag ? filter.tag : undefined,
    min_quality:
      filter.min_quality !== undefined && filter.min_quality !== null && filter.min_quality > 0
        ? filter.min_quality
        : undefined,
    offset,
    limit: LIST_PAGE,
  };
}

// The studio's `q`: the name contains it, case-insensitively (the generator has no text search).
export function matchesQuery(d: Dataset, q: string | undefined): boolean {
  const needle = (q ?? '').trim().toLowerCase();
  return !needle || d.manifest.name.toLowerCase().includes(needle);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not hex: ${hex}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// What the engines say about one model: their files (`<model>.<file>`) and the loaded copy.
export interface EngineView {
  files: ModelInfo[];
  loaded: LoadedModel[];
}

// The catalog (models_list) as the Models page's list: files, sizes and checksums from the first
// engine holding them, parameters and weights from an engine that loaded the model.
export function modelListFromIc(
  catalog: CatalogModel[],
  pool: IcEngine[],
  engines: EngineView[],
): ModelList {
  const defaults: ModelList['defaults'] = {};
  const models: Model[] = catalog.map((c) => {
    const type = c.data_type === 'code' ? 'code' : 'text';
    if (c.is_default) defaults[type] = c.name;
    const prefix = `${c.name}.`;
    const files =
      engines
        .map((e) =>
          e.files
            .filter((f) => f.complete && f.name.startsWith(prefix))
            .map((f) => ({
              name: f.name.slice(prefix.length),
              size: num(f.total_bytes),
              sha256: toHex(f.sha256),
            })),
        )
        .find((fs) => fs.length > 0) ?? [];
    const loaded = engines.flatMap((e) => e.loaded).find((l) => l.name === c.name);
    const serving = pool.filter((e) =>
      e.models.some((m) => m.name === c.name && m.sha256 === c.sha256),
    );
    const weights = loaded?.weights ?? serving[0]?.models.find((m) => m.name === c.name)?.weights;
    return {
      id: c.name,
      name: c.name,
      data_type: type,
      architecture: weights ? `gpt2 (${weights})` : 'gpt2',
      parameter_count: loaded ? num(loaded.parameters) : 0,
      license: '',
      description: `On ${serving.length} of ${pool.length} engine${pool.length === 1 ? '' : 's'}`,
      sha256: c.sha256,
      size_bytes: files.reduce((s, f) => s + f.size, 0),
      bundled: false,
      created_at_ms: 0,
      files,
    };
  });
  return { models, defaults };
}

// A reject or agent failure as a message for the page: a canister's reject text as it is (a
// non-controller's refusal, a trap), anything else with its own message.
export function describeIcError(err: unknown): Error {
  if (err instanceof CanisterError) return err;
  const code = (err as { cause?: { code?: { rejectMessage?: unknown; rejectCode?: unknown } } })
    ?.cause?.code;
  if (code && typeof code.rejectMessage === 'string') {
    const e = new Error(`The canister refused the call: ${code.rejectMessage}`);
    e.name = 'CanisterReject';
    return e;
  }
  if (err instanceof Error) return err;
  return new Error(String(err));
}
