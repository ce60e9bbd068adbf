import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJson } from './jsonText';
import { checkSchemaText } from './schemaCheck';
import { TEMPLATES, templateText } from './templates';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));

const messages = (text: string) =>
  checkSchemaText(text).issues.map((i) => `${i.path}: ${i.message}`);
const withColumn = (column: object) =>
  JSON.stringify({ tables: [{ name: 't', columns: [{ name: 'id', type: 'id' }, column] }] });

describe('schema check', () => {
  it('accepts every example schema of the repository', () => {
    expect(examples.length).toBeGreaterThan(3);
    for (const f of examples) {
      expect([f, messages(readFileSync(join(examplesDir, f), 'utf8'))]).toEqual([f, []]);
    }
  });

  it('accepts every template', () => {
    for (const t of TEMPLATES) expect([t.id, messages(templateText(t))]).toEqual([t.id, []]);
  });

  // The CLI is the independent judge of the templates: `hyv generate table` must take each one.
  // vitest_test.sh passes the built binary in HYV_BIN; without it (a plain `npx vitest`) this is
  // skipped.
  it.skipIf(!process.env.HYV_BIN)('templates generate with the real `hyv generate table`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyv-templates-'));
    for (const t of TEMPLATES) {
      const file = join(dir, `${t.id}.json`);
      writeFileSync(file, templateText(t));
      const out = execFileSync(
        process.env.HYV_BIN as string,
        [
          'generate',
          'table',
          '--schema',
          file,
          '--rows',
          '5',
          '--seed',
          '1',
          '-q',
          '-o',
          join(dir, `${t.id}/`),
        ],
        { encoding: 'utf8' },
      );
      expect(out).toBe('');
      const tables = readdirSync(join(dir, t.id)).sort();
      expect(tables).toEqual(
        checkSchemaText(templateText(t))
          .tables.map((n) => `${n}.csv`)
          .sort(),
      );
    }
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(messages('{\n  "tables": [\n    {"name": "t",}\n  ]\n}')).toEqual([
      "line 3, column 18: expected a property name in double quotes, found '}'",
    ]);
    expect(messages('')).toEqual(['(document): is empty: pick a template or paste a schema']);
  });

  it('names the column and the rule at fault', () => {
    expect(messages(withColumn({ name: 'x', type: 'integr' }))[0]).toMatch(
      /^tables\[0\]\.columns\[1\]\.type: unknown type "integr"; known: integer, float/,
    );
    expect(messages(withColumn({ name: 'x', type: 'pattern' }))).toEqual([
      'tables[0].columns[1].pattern: is required',
    ]);
    expect(
      messages(withColumn({ name: 'x', type: 'categorical', values: ['a'], mean: 3 }))[0],
    ).toMatch(
      /^tables\[0\]\.columns\[1\]\.mean: unknown key for a 'categorical' column; allowed: /,
    );
    expect(
      messages(withColumn({ name: 'x', type: 'float', min: 0, max: 1, null_rate: 1.5 })),
    ).toEqual(['tables[0].columns[1].null_rate: must be at most 1']);
    expect(
      messages(withColumn({ name: 'x', type: 'date', min: '2020-1-1', max: '2021-01-01' })),
    ).toEqual(['tables[0].columns[1].min: "2020-1-1" does not have the expected form']);
    expect(messages(withColumn({ name: 'x', type: 'id', step: 0 }))).toEqual([
      'tables[0].columns[1].step: must not be 0',
    ]);
    expect(
      messages(withColumn({ name: 'x', type: 'categorical', values: ['a', 'b'], weights: [1] })),
    ).toEqual(['tables[0].columns[1].weights: has 1 weights for 2 values']);
    expect(messages(JSON.stringify({ tables: [] }))).toEqual(['tables: needs at least 1 item']);
    expect(messages(JSON.stringify({ tables: [{ name: 't', columns: [] }], extra: 1 }))).toEqual([
      'tables[0].columns: needs at least 1 item',
      'extra: unknown key; allowed: $schema, description, locale, max_attempts, tables',
    ]);
  });

  it('checks names and references across tables', () => {
    const doc = {
      tables: [
        {
          name: 'a',
          columns: [
            { name: 'id', type: 'id' },
            { name: 'id', type: 'id' },
          ],
        },
        {
          name: 'b',
          parent: 'nope',
          rows_per_parent: { min: 1, max: 2 },
          columns: [{ name: 'fk', type: 'foreign_key', references: 'a.missing' }],
        },
        { name: 'a', columns: [{ name: 'z', type: 'lorem' }] },
      ],
    };
    expect(messages(JSON.stringify(doc))).toEqual([
      'tables[0].columns[1].name: column "id" appears twice in table "a"',
      'tables[2].name: table "a" is defined twice',
      'tables[1].parent: no table is named "nope"',
      'tables[1].columns[0].references: table "a" has no column "missing"',
    ]);
  });
});

describe('parseJson', () => {
  it('agrees with JSON.parse on valid documents', () => {
    const docs = [
      '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"b":{}}',
      '[]',
      ' 0 ',
      '"\\ud83d\\ude00"',
    ];
    for (const d of docs) expect(parseJson(d)).toEqual({ ok: true, value: JSON.parse(d) });
  });
  it('refuses what JSON.parse refuses, at the right offset', () => {
    const bad: [string, number][] = [
      ['{"a":1,}', 7],
      ['[1 2]', 3],
      ['{"a":01}', 6],
      ['"abc', 4],
      ['{"a":1} x', 8],
      ['{"a":1,"a":2}', 7],
      ['[tru]', 1],
    ];
    for (const [d, offset] of bad) {
      const r = parseJson(d);
      expect(r.ok).toBe(false);
      if (!r.ok) expect([d, r.error.offset]).toEqual([d, offset]);
    }
  });
});
