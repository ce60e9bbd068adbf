// The shapes of the studio's HTTP API (/api/v1), as fixed in docs/api.yaml.

export type DataType = 'text' | 'code' | 'table';
export const DATA_TYPES: DataType[] = ['text', 'code', 'table'];

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export const FINAL_STATES: JobState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export interface ModelFile {
  name: string;
  size: number;
  sha256: string;
}

export interface Model {
  id: string;
  name: string;
  data_type: 'text' | 'code';
  architecture: string;
  parameter_count: number;
  license: string;
  description: string;
  sha256: string;
  size_bytes: number;
  bundled: boolean;
  created_at_ms: number;
  files: ModelFile[];
}

export interface ModelList {
  models: Model[];
  defaults: Partial<Record<'text' | 'code', string>>;
}

export interface Progress {
  items_done: number;
  items_total: number;
  tokens_done: number;
}

export interface Job {
  id: string;
  type: DataType;
  name: string;
  state: JobState;
  params: Record<string, unknown>;
  attempts: number;
  created_at_ms: number;
  started_at_ms: number;
  updated_at_ms: number;
  finished_at_ms: number;
  progress: Progress;
  error: string | null;
  dataset_id: string | null;
}

export interface JobRequest {
  type: DataType;
  name: string;
  tags?: string[];
  params: Record<string, unknown>;
}

export interface Manifest {
  id: string;
  name: string;
  type: DataType;
  model: { id: string; sha256: string };
  params: Record<string, unknown>;
  seed: string;
  created_at_ms: number;
  finished_at_ms: number;
  size_bytes: number;
  item_count: number;
  quality: { score: number; report: Record<string, unknown> } | null;
  tags: string[];
}

export interface TableInfo {
  name: string;
  columns: string[];
  rows: number;
}

export interface Dataset {
  manifest: Manifest;
  ratings: { count: number; mean: number | null };
  rank: number;
  tables: TableInfo[];
}

export interface DatasetFilter {
  type?: DataType | '';
  model?: string;
  tag?: string;
  min_quality?: number | null;
  q?: string;
}

export type Cell = string | number | boolean | null;

export interface RowPage {
  table: string;
  columns: string[];
  rows: Cell[][];
  offset: number;
  total: number;
}

export interface UploadFile {
  name: string;
  size: number;
  sha256: string;
  received: number;
}

export interface Upload {
  id: string;
  model_id: string;
  state: string;
  created_at_ms: number;
  updated_at_ms: number;
  files: UploadFile[];
}

export interface UploadRequest {
  model_id: string;
  name: string;
  data_type: 'text' | 'code';
  license: string;
  description: string;
  files: { name: string; size: number; sha256: string }[];
}

export type DownloadFormat = 'csv' | 'json' | 'jsonl' | 'txt';

// Charts the server adds to table quality reports (manifest.quality.report.charts).
export interface ColumnChart {
  name: string;
  kind: 'numeric' | 'categorical' | string;
  bins?: string[];
  categories?: string[];
  real?: number[];
  synthetic: number[];
}

export interface CorrelationChart {
  columns: string[];
  real?: number[][];
  synthetic: number[][];
}

export interface Charts {
  columns: ColumnChart[];
  correlation?: CorrelationChart;
}
