import { describe, expect, it } from 'vitest';
import {
  buildTableJob,
  buildTextJob,
  checkSeed,
  defaultTextValues,
  parseStopList,
  parseTags,
  previewCsv,
  type TextForm,
} from './params';

const textForm = (over: Partial<TextForm> = {}): TextForm => ({
  type: 'text',
  name: 'n',
  tags: '',
  model: '',
  prompts: 'The',
  values: defaultTextValues('text'),
  stop: '',
  seed: '',
  ...over,
});

describe('job parameters', () => {
  it('uses the request model defaults (docs/service.md) for text and code', () => {
    expect(defaultTextValues('text')).toMatchObject({
      samples: '5',
      max_tokens: '64',
      temperature: '0.8',
      top_k: '40',
      top_p: '0.95',
      min_p: '0.05',
      repetition_penalty: '1.1',
    });
    expect(defaultTextValues('code').max_tokens).toBe('128');
  });

  it('builds a text job with every parameter explicit', () => {
    const { request, errors } = buildTextJob(
      textForm({
        model: 'text-small',
        seed: '18446744073709551615',
        stop: '\\n\n###',
        tags: 'a, b, a',
      }),
    );
    expect(errors).toEqual({});
    expect(request).toEqual({
      type: 'text',
      name: 'n',
      tags: ['a', 'b'],
      params: {
        model: 'text-small',
        prompt: 'The',
        samples: 5,
        max_tokens: 64,
        temperature: 0.8,
        top_k: 40,
        top_p: 0.95,
        min_p: 0.05,
        repetition_penalty: 1.1,
        stop: ['\n', '###'],
        seed: '18446744073709551615',
      },
    });
  });

  it('sends several prompts as a list and no model when the default is wanted', () => {
    const { request } = buildTextJob(textForm({ type: 'code', prompts: 'def a\n\nclass B' }));
    expect(request?.params.prompts).toEqual(['def a', 'class B']);
    expect(request?.params).not.toHaveProperty('model');
    expect(request?.params).not.toHaveProperty('prompt');
  });

  it('names each field out of range', () => {
    const values = { ...defaultTextValues('text'), temperature: '3', samples: '2.5', top_k: '' };
    const { request, errors } = buildTextJob(textForm({ values, seed: '-1' }));
    expect(request).toBeUndefined();
    expect(errors).toEqual({
      temperature: 'from 0 to 2',
      samples: 'a whole number',
      top_k: 'required',
      seed: expect.stringContaining('whole number'),
    });
  });

  it('takes max_tokens up to 4096, the limit of every host', () => {
    const ok = buildTextJob(
      textForm({ values: { ...defaultTextValues('text'), max_tokens: '4096' } }),
    );
    expect(ok.request?.params.max_tokens).toBe(4096);
    const over = buildTextJob(
      textForm({ values: { ...defaultTextValues('text'), max_tokens: '4097' } }),
    );
    expect(over.errors).toEqual({ max_tokens: 'from 1 to 4096' });
  });

  it('limits stop strings to 16 of at most 256 bytes', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `s${i}`).join('\n');
    expect(buildTextJob(textForm({ stop: sixteen })).errors).toEqual({});
    expect(buildTextJob(textForm({ stop: sixteen + '\nx' })).errors).toEqual({
      stop: 'at most 16 stop strings',
    });
    expect(buildTextJob(textForm({ stop: 'é'.repeat(129) })).errors).toEqual({
      stop: 'stop string 1 is longer than 256 bytes',
    });
    expect(buildTextJob(textForm({ stop: 'é'.repeat(128) })).errors).toEqual({});
  });

  it('checks seeds as uint64 without losing precision', () => {
    expect(checkSeed('')).toBeNull();
    expect(checkSeed('9007199254740993')).toBeNull();
    expect(checkSeed('18446744073709551616')).toBe('at most 18446744073709551615');
    expect(checkSeed('1e3')).not.toBeNull();
  });

  it('builds table jobs in both modes', () => {
    const schema = { tables: [{ name: 't', columns: [{ name: 'id', type: 'id' }] }] };
    expect(
      buildTableJob({
        name: 't',
        tags: '',
        mode: 'schema',
        schemaValue: schema,
        sampleCsv: '',
        rows: '200',
        seed: '7',
      }).request,
    ).toEqual({
      type: 'table',
      name: 't',
      tags: [],
      params: { mode: 'schema', schema, rows: 200, seed: '7' },
    });
    expect(
      buildTableJob({
        name: 't',
        tags: '',
        mode: 'schema',
        schemaValue: null,
        sampleCsv: '',
        rows: '0',
        seed: '',
      }).errors,
    ).toEqual({
      rows: 'from 1 to 1000000',
      schema: 'fix the schema first',
    });
    const csv = 'a,b\n1,x\n2,y\n';
    expect(
      buildTableJob({
        name: '',
        tags: '',
        mode: 'learned',
        schemaValue: null,
        sampleCsv: csv,
        rows: '10',
        seed: '',
      }).request?.params,
    ).toEqual({ mode: 'learned', sample_csv: csv, rows: 10 });
    expect(
      buildTableJob({
        name: '',
        tags: '',
        mode: 'learned',
        schemaValue: null,
        sampleCsv: 'a,b\n1,2',
        rows: '10',
        seed: '',
      }).errors.sample_csv,
    ).toBeDefined();
  });

  it('parses stop strings and tags', () => {
    expect(parseStopList('a, b\n\n\\t')).toEqual(['a, b', '\t']);
    expect(parseTags(' x , ,y,x')).toEqual(['x', 'y']);
  });

  it('previews CSV with RFC 4180 quoting', () => {
    const p = previewCsv('name,note\r\n"Doe, J","said ""hi""\nthen left"\r\nA,\r\n', 5);
    expect(p.header).toEqual(['name', 'note']);
    expect(p.rows).toEqual([
      ['Doe, J', 'said "hi"\nthen left'],
      ['A', ''],
    ]);
    expect(p.total).toBe(2);
    expect(previewCsv('h\n1\n2\n3\n4', 2)).toEqual({
      header: ['h'],
      rows: [['1'], ['2']],
      total: 4,
    });
  });
});
