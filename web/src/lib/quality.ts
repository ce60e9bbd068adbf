// Reads the quality report of a dataset manifest into what the Dataset page draws: score gauges,
// per-column distribution charts and correlation matrices. Reports differ by data type (studio.md,
// "Quality report"); anything missing is simply not drawn.
import type { Charts, DataType, Manifest } from '../api/types';

export interface Gauge {
  label: string;
  score: number | null;
}

export interface Stat {
  label: string;
  value: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const inverse = (v: number | null) => (v === null ? null : 1 - v);

export function qualityGauges(type: DataType, quality: Manifest['quality']): Gauge[] {
  if (!quality) return [];
  const report = isObj(quality.report) ? quality.report : {};
  const gauges: Gauge[] = [{ label: 'Overall quality', score: num(quality.score) }];
  if (type === 'table') {
    const q = isObj(report.quality) ? report.quality : null;
    const props = q && isObj(q.properties) ? q.properties : null;
    if (props) {
      for (const [k, v] of Object.entries(props)) gauges.push({ label: k, score: num(v) });
    }
    const d = isObj(report.diagnostic) ? report.diagnostic : null;
    if (d && num(d.score) !== null) gauges.push({ label: 'Diagnostic', score: num(d.score) });
    if (typeof report.valid === 'boolean' && num(report.rules) !== null) {
      const rules = num(report.rules) ?? 0;
      const bad = num(report.violations) ?? 0;
      gauges.push({ label: 'Rules met', score: rules > 0 ? Math.max(0, 1 - bad / rules) : null });
    }
    return gauges;
  }
  gauges.push({ label: 'Distinct words', score: num(report.distinct_1) });
  gauges.push({ label: 'Distinct word pairs', score: num(report.distinct_2) });
  gauges.push({ label: 'Unique samples', score: inverse(num(report.duplicate_rate)) });
  gauges.push({ label: 'Free of loops', score: inverse(num(report.repeated_4gram_rate)) });
  const python = isObj(report.python) ? report.python : {};
  const parseRate = num(report.parse_rate) ?? num(python.parse_rate);
  if (type === 'code' && parseRate !== null) {
    gauges.push({ label: 'Parses as Python', score: parseRate });
  }
  return gauges.filter((g, i) => i === 0 || g.score !== null);
}

export function textStats(quality: Manifest['quality']): Stat[] {
  const report = quality && isObj(quality.report) ? quality.report : null;
  if (!report) return [];
  const out: Stat[] = [];
  for (const key of ['chars', 'words'] as const) {
    const s = report[key];
    if (!isObj(s)) continue;
    const f = (v: unknown) =>
      num(v) === null ? '—' : String(Math.round((num(v) as number) * 10) / 10);
    out.push({
      label: `${key === 'chars' ? 'Characters' : 'Words'} per sample`,
      value: `median ${f(s.median)} · mean ${f(s.mean)} · ${f(s.min)}–${f(s.max)}`,
    });
  }
  return out;
}

export function qualityCharts(quality: Manifest['quality']): Charts | null {
  const report = quality && isObj(quality.report) ? quality.report : null;
  const charts = report && isObj(report.charts) ? report.charts : null;
  if (!charts || !Array.isArray(charts.columns)) return null;
  const columns = charts.columns.filter(
    (c): c is Charts['columns'][number] =>
      isObj(c) && typeof c.name === 'string' && Array.isArray(c.synthetic),
  );
  const corr = isObj(charts.correlation) ? charts.correlation : null;
  const correlation =
    corr && Array.isArray(corr.columns) && Array.isArray(corr.synthetic)
      ? (corr as unknown as Charts['correlation'])
      : undefined;
  return { columns, correlation };
}

// Per-column scores of a learned table's report (SDMetrics column shapes), lowest first, so the
// columns that need attention come first.
export function columnScores(
  quality: Manifest['quality'],
): { column: string; metric: string; score: number }[] {
  const report = quality && isObj(quality.report) ? quality.report : null;
  const q = report && isObj(report.quality) ? report.quality : null;
  const shapes = q && Array.isArray(q.column_shapes) ? q.column_shapes : [];
  return shapes
    .filter((s): s is Obj => isObj(s) && typeof s.column === 'string' && num(s.score) !== null)
    .map((s) => ({
      column: s.column as string,
      metric: String(s.metric ?? ''),
      score: s.score as number,
    }))
    .sort((a, b) => a.score - b.score);
}

// Columns whose chart bins are epoch seconds (table_charts.h): date and datetime columns of a
// schema, or columns a learned report typed as datetime.
export function datetimeColumns(m: Pick<Manifest, 'params' | 'quality'>): Set<string> {
  const out = new Set<string>();
  const schema = isObj(m.params?.schema) ? m.params.schema : null;
  const tables = schema && Array.isArray(schema.tables) ? schema.tables : [];
  for (const t of tables) {
    if (!isObj(t) || !Array.isArray(t.columns)) continue;
    for (const c of t.columns) {
      if (isObj(c) && (c.type === 'date' || c.type === 'datetime') && typeof c.name === 'string')
        out.add(c.name);
    }
  }
  const report = m.quality && isObj(m.quality.report) ? m.quality.report : null;
  const types = report && isObj(report.column_types) ? report.column_types : {};
  for (const [name, type] of Object.entries(types)) if (type === 'datetime') out.add(name);
  return out;
}

// "1546300800-1556668800" (epoch seconds) -> "2019-01-01 – 2019-05-01"; other labels unchanged.
export function dateBinLabel(label: string): string {
  const m = /^(-?[\d.]+(?:e[+-]?\d+)?)-(-?[\d.]+(?:e[+-]?\d+)?)$/i.exec(label);
  if (!m) return label;
  const day = (s: string) => {
    const d = new Date(Number(s) * 1000);
    return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 10);
  };
  return `${day(m[1])} – ${day(m[2])}`;
}
