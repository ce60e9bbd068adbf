import { describe, expect, it } from 'vitest';
import {
  columnScores,
  dateBinLabel,
  datetimeColumns,
  qualityCharts,
  qualityGauges,
  textStats,
} from './quality';

// Reports as `hyv score` writes them (trimmed).
const learned = {
  score: 0.83,
  report: {
    rows: { real: 200, synthetic: 200 },
    quality: {
      score: 0.83,
      properties: { 'Column Shapes': 0.92, 'Column Pair Trends': 0.74 },
      column_shapes: [
        { column: 'city', metric: 'TVComplement', score: 0.75 },
        { column: 'plan', metric: 'TVComplement', score: 0.99 },
        { column: 'age', metric: 'KSComplement', score: 0.6 },
      ],
    },
    charts: {
      columns: [
        {
          name: 'age',
          kind: 'numeric',
          bins: ['0-10', '10-20'],
          real: [0.4, 0.6],
          synthetic: [0.5, 0.5],
        },
        { name: 'broken', kind: 'numeric' },
      ],
      correlation: {
        columns: ['age', 'income'],
        real: [
          [1, 0.3],
          [0.3, 1],
        ],
        synthetic: [
          [1, null],
          [null, 1],
        ],
      },
    },
  },
};

describe('quality report reading', () => {
  it('draws the overall score and the SDMetrics properties for learned tables', () => {
    expect(qualityGauges('table', learned)).toEqual([
      { label: 'Overall quality', score: 0.83 },
      { label: 'Column Shapes', score: 0.92 },
      { label: 'Column Pair Trends', score: 0.74 },
    ]);
    expect(columnScores(learned).map((c) => c.column)).toEqual(['age', 'city', 'plan']);
  });

  it('keeps only well-formed charts', () => {
    const charts = qualityCharts(learned);
    expect(charts?.columns.map((c) => c.name)).toEqual(['age']);
    expect(charts?.correlation?.columns).toEqual(['age', 'income']);
    expect(qualityCharts(null)).toBeNull();
    expect(qualityCharts({ score: 1, report: {} })).toBeNull();
  });

  it('reads the validity report of schema tables', () => {
    const g = qualityGauges('table', {
      score: 0.98,
      report: { valid: false, violations: 1, rules: 50 },
    });
    expect(g).toEqual([
      { label: 'Overall quality', score: 0.98 },
      { label: 'Rules met', score: 0.98 },
    ]);
  });

  it('turns text rates into higher-is-better gauges', () => {
    const report = {
      samples: 5,
      chars: { mean: 100, min: 50, median: 90.44, max: 200 },
      distinct_1: 0.7,
      distinct_2: 0.9,
      duplicate_rate: 0.2,
      repeated_4gram_rate: 0.05,
      parse_rate: 0.6,
    };
    expect(qualityGauges('code', { score: 0.7, report })).toEqual([
      { label: 'Overall quality', score: 0.7 },
      { label: 'Distinct words', score: 0.7 },
      { label: 'Distinct word pairs', score: 0.9 },
      { label: 'Unique samples', score: 0.8 },
      { label: 'Free of loops', score: 0.95 },
      { label: 'Parses as Python', score: 0.6 },
    ]);
    expect(qualityGauges('text', { score: 0.7, report }).map((g) => g.label)).not.toContain(
      'Parses as Python',
    );
    expect(textStats({ score: 0.7, report })).toEqual([
      { label: 'Characters per sample', value: 'median 90.4 · mean 100 · 50–200' },
    ]);
    expect(qualityGauges('text', null)).toEqual([]);
  });
});

describe('chart labels', () => {
  it('finds datetime columns in schemas and learned reports', () => {
    const schema = {
      tables: [
        {
          name: 't',
          columns: [
            { name: 'born', type: 'date' },
            { name: 'seen', type: 'datetime' },
            { name: 'age', type: 'integer' },
          ],
        },
      ],
    };
    expect([...datetimeColumns({ params: { schema }, quality: null })]).toEqual(['born', 'seen']);
    expect([
      ...datetimeColumns({
        params: {},
        quality: { score: 1, report: { column_types: { at: 'datetime', n: 'numerical' } } },
      }),
    ]).toEqual(['at']);
  });
  it('writes epoch-second bins as dates', () => {
    expect(dateBinLabel('1.54716e+09-1.55657e+09')).toBe('2019-01-10 – 2019-04-29');
    expect(dateBinLabel('1546300800-1556668800')).toBe('2019-01-01 – 2019-05-01');
    expect(dateBinLabel('-86400-0')).toBe('1969-12-31 – 1970-01-01');
    expect(dateBinLabel('free')).toBe('free');
  });
});

describe('code reports', () => {
  it('reads the parse rate where `hyv score code` puts it', () => {
    const report = { distinct_1: 0.8, python: { parse_rate: 0.5, parsed: 1 } };
    expect(qualityGauges('code', { score: 0.85, report }).at(-1)).toEqual({
      label: 'Parses as Python',
      score: 0.5,
    });
  });
});
