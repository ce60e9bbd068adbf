// Generation parameters shown on the Generate page: their defaults and bounds (the request model
// every host shares, service/request_model.h and docs/service.md: keep them equal), a one-line
// explanation, and the job request built from what the user typed.
import type { DataType, JobRequest } from '../api/types';

export interface NumberParam {
  key: string;
  label: string;
  min: number;
  max: number;
  step: number;
  integer: boolean;
  defaults: { text: number; code: number };
  help: string;
}

export const TEXT_PARAMS: NumberParam[] = [
  {
    key: 'samples',
    label: 'Samples',
    min: 1,
    max: 1000,
    step: 1,
    integer: true,
    defaults: { text: 5, code: 5 },
    help: 'How many texts to write; each one starts again from the prompt.',
  },
  {
    key: 'max_tokens',
    label: 'Max tokens',
    min: 1,
    max: 4096,
    step: 1,
    integer: true,
    defaults: { text: 64, code: 128 },
    help: 'Length limit of each sample in model tokens (about ¾ of a word each).',
  },
  {
    key: 'temperature',
    label: 'Temperature',
    min: 0,
    max: 2,
    step: 0.05,
    integer: false,
    defaults: { text: 0.8, code: 0.8 },
    help: 'Randomness: 0 always picks the likeliest token, higher is more varied and less coherent.',
  },
  {
    key: 'top_k',
    label: 'Top-k',
    min: 0,
    max: 1000,
    step: 1,
    integer: true,
    defaults: { text: 40, code: 40 },
    help: 'Sample only among the k likeliest tokens (0: no limit).',
  },
  {
    key: 'top_p',
    label: 'Top-p',
    min: 0,
    max: 1,
    step: 0.01,
    integer: false,
    defaults: { text: 0.95, code: 0.95 },
    help: 'Sample among the fewest likeliest tokens whose probabilities add up to p (1: off).',
  },
  {
    key: 'min_p',
    label: 'Min-p',
    min: 0,
    max: 1,
    step: 0.01,
    integer: false,
    defaults: { text: 0.05, code: 0.05 },
    help: 'Drop tokens less likely than this share of the likeliest one (0: off).',
  },
  {
    key: 'repetition_penalty',
    label: 'Repetition penalty',
    min: 1,
    max: 2,
    step: 0.05,
    integer: false,
    defaults: { text: 1.1, code: 1.1 },
    help: 'Makes tokens already written less likely, against loops (1: off).',
  },
];

export const TABLE_ROWS = { min: 1, max: 1_000_000, default: 1000 };

// Stop strings: at most maxCount, each at most maxBytes of UTF-8.
export const STOP_LIMITS = { maxCount: 16, maxBytes: 256 };

export function checkStopList(stop: string[]): string | null {
  if (stop.length > STOP_LIMITS.maxCount) return `at most ${STOP_LIMITS.maxCount} stop strings`;
  const encoder = new TextEncoder();
  const long = stop.findIndex((s) => encoder.encode(s).length > STOP_LIMITS.maxBytes);
  if (long >= 0) return `stop string ${long + 1} is longer than ${STOP_LIMITS.maxBytes} bytes`;
  return null;
}

export type FieldErrors = Record<string, string>;

const UINT64_MAX = 18446744073709551615n;

// A seed is empty (the server picks one) or a decimal uint64, kept as a string because JavaScript
// numbers lose precision past 2^53.
export function checkSeed(seed: string): string | null {
  const s = seed.trim();
  if (s === '') return null;
  if (!/^\d+$/.test(s))
    return 'a whole number from 0 to 18446744073709551615, or empty for a random one';
  if (BigInt(s) > UINT64_MAX) return 'at most 18446744073709551615';
  return null;
}

export function checkNumber(
  p: Pick<NumberParam, 'min' | 'max' | 'integer'>,
  raw: string,
): string | null {
  if (raw.trim() === '') return 'required';
  const v = Number(raw);
  if (!Number.isFinite(v)) return 'a number';
  if (p.integer && !Number.isInteger(v)) return 'a whole number';
  if (v < p.min || v > p.max) return `from ${p.min} to ${p.max}`;
  return null;
}

export function defaultTextValues(type: 'text' | 'code'): Record<string, string> {
  return Object.fromEntries(TEXT_PARAMS.map((p) => [p.key, String(p.defaults[type])]));
}

// "a, b" / one per line -> ["a", "b"]; the stop field takes one string per line so commas can be
// part of a stop string. Escapes \n and \t are understood so a newline can be a stop string.
export function parseStopList(raw: string): string[] {
  return raw
    .split('\n')
    .map((s) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t'))
    .filter((s) => s.length > 0);
}

export interface TextForm {
  type: 'text' | 'code';
  name: string;
  tags: string;
  model: string;
  prompts: string; // one prompt per line; samples cycle through them
  values: Record<string, string>;
  stop: string;
  seed: string;
}

export function parseTags(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

export function buildTextJob(form: TextForm): { request?: JobRequest; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const params: Record<string, unknown> = {};
  if (form.model) params.model = form.model;
  const prompts = form.prompts.split('\n').filter((p) => p.trim() !== '');
  if (prompts.length > 1) params.prompts = prompts;
  else params.prompt = prompts[0] ?? '';
  for (const p of TEXT_PARAMS) {
    const raw = form.values[p.key] ?? '';
    const err = checkNumber(p, raw);
    if (err) errors[p.key] = err;
    else params[p.key] = Number(raw);
  }
  const stop = parseStopList(form.stop);
  const stopErr = checkStopList(stop);
  if (stopErr) errors.stop = stopErr;
  else if (stop.length) params.stop = stop;
  const seedErr = checkSeed(form.seed);
  if (seedErr) errors.seed = seedErr;
  else if (form.seed.trim()) params.seed = form.seed.trim();
  const name = form.name.trim() || defaultName(form.type);
  if (Object.keys(errors).length) return { errors };
  return { request: { type: form.type, name, tags: parseTags(form.tags), params }, errors };
}

export interface TableForm {
  name: string;
  tags: string;
  mode: 'schema' | 'learned';
  schemaValue: unknown | null; // the parsed schema, when valid
  sampleCsv: string;
  rows: string;
  seed: string;
}

export function buildTableJob(form: TableForm): { request?: JobRequest; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const params: Record<string, unknown> = { mode: form.mode };
  const rowsErr = checkNumber({ ...TABLE_ROWS, integer: true }, form.rows);
  if (rowsErr) errors.rows = rowsErr;
  else params.rows = Number(form.rows);
  if (form.mode === 'schema') {
    if (form.schemaValue === null) errors.schema = 'fix the schema first';
    else params.schema = form.schemaValue;
  } else {
    const lines = form.sampleCsv.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length < 3) errors.sample_csv = 'a CSV with a header row and at least two data rows';
    else params.sample_csv = form.sampleCsv;
  }
  const seedErr = checkSeed(form.seed);
  if (seedErr) errors.seed = seedErr;
  else if (form.seed.trim()) params.seed = form.seed.trim();
  if (Object.keys(errors).length) return { errors };
  const name = form.name.trim() || defaultName('table');
  return { request: { type: 'table', name, tags: parseTags(form.tags), params }, errors };
}

export function defaultName(type: DataType, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${type} ${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

// The header and first rows of a CSV sample, for a preview before learning from it (RFC 4180
// quoting; stops after maxRows rows).
export function previewCsv(
  text: string,
  maxRows = 5,
): { header: string[]; rows: string[][]; total: number } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let total = 0;
  const push = () => {
    record.push(field);
    field = '';
  };
  const end = () => {
    push();
    if (record.length > 1 || record[0] !== '') {
      total++;
      if (records.length <= maxRows) records.push(record);
    }
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') push();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
    } else field += c;
  }
  if (field !== '' || record.length > 0) end();
  const [header = [], ...rows] = records;
  return { header, rows, total: Math.max(0, total - 1) };
}
