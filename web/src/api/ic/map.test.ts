import { describe, expect, it } from 'vitest';
import { Principal } from '@icp-sdk/core/principal';
import { RejectError, UncertifiedRejectErrorCode } from '@icp-sdk/core/agent';
import type { Dataset as IcDataset, Job as IcJob } from '../../bindings/hyv_generator';
import {
  CanisterError,
  datasetFromIc,
  describeIcError,
  jobFromIc,
  jobRequestToIc,
  listRequest,
  matchesQuery,
  modelListFromIc,
  unwrap,
} from './map';

const owner = Principal.fromText('aaaaa-aa');

function icDataset(patch: Partial<IcDataset> = {}): IcDataset {
  return {
    id: 'ds-1',
    name: 'My Set',
    data_type: 'table',
    owner,
    model_id: 'schema',
    model_sha256: 'ab',
    params: '{"rows":5,"seed":"3"}',
    seed: '3',
    created_at_ms: 1_700_000_000_000n,
    finished_at_ms: 1_700_000_001_000n,
    size_bytes: 1234n,
    item_count: 5n,
    quality_score: 0.8,
    quality_report: '{"score":0.8,"charts":{"columns":[]}}',
    tags: ['a'],
    tables: [{ name: 'customers', columns: ['id', 'age'], rows: 5n, size_bytes: 99n }],
    rating_count: 0n,
    rating_mean: 0,
    rank: 0.5,
    ...patch,
  };
}

describe('Candid results and records', () => {
  it('unwraps Ok and turns Err into a CanisterError with its text', () => {
    expect(unwrap('x', { __kind__: 'Ok', Ok: 5 })).toBe(5);
    let err: unknown;
    try {
      unwrap('job_submit', { __kind__: 'Err', Err: 'params.max_tokens must be 1..4096 (got 0)' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CanisterError);
    expect((err as CanisterError).message).toBe('params.max_tokens must be 1..4096 (got 0)');
    expect((err as CanisterError).method).toBe('job_submit');
  });

  it("shows a reject's text, such as a non-controller's refusal", () => {
    const code = new UncertifiedRejectErrorCode(
      new Uint8Array(32) as never,
      5 as never,
      'engine_load: only controllers may call this',
      'IC0406',
      undefined,
    );
    const e = describeIcError(RejectError.fromCode(code));
    expect(e.message).toBe(
      'The canister refused the call: engine_load: only controllers may call this',
    );
    const plain = new Error('fetch failed');
    expect(describeIcError(plain)).toBe(plain);
    expect(describeIcError('x').message).toBe('x');
  });

  it('maps a job, its optional dataset id and its empty error', () => {
    const j: IcJob = {
      id: 'j1',
      data_type: 'code',
      state: 'succeeded',
      params: 'not json',
      owner,
      name: 'n',
      attempts: 2,
      created_at_ms: 10n,
      updated_at_ms: 20n,
      finished_at_ms: 30n,
      items_done: 4n,
      items_total: 4n,
      tokens_done: 400n,
      error: '',
      dataset_id: 'ds-1',
    };
    expect(jobFromIc(j)).toEqual({
      id: 'j1',
      type: 'code',
      name: 'n',
      state: 'succeeded',
      params: {},
      attempts: 2,
      created_at_ms: 10,
      started_at_ms: 10,
      updated_at_ms: 20,
      finished_at_ms: 30,
      progress: { items_done: 4, items_total: 4, tokens_done: 400 },
      error: null,
      dataset_id: 'ds-1',
    });
    const queued = jobFromIc({ ...j, state: 'queued', error: 'x', dataset_id: undefined });
    expect(queued.started_at_ms).toBe(0);
    expect(queued.error).toBe('x');
    expect(queued.dataset_id).toBeNull();
  });

  it('sends the studio params verbatim as JSON text, and no name as none', () => {
    const params = { prompts: ['Hello'], samples: 4, max_tokens: 10, seed: '9' };
    const r = jobRequestToIc({ type: 'text', name: '', params });
    expect(r.data_type).toBe('text');
    expect(JSON.parse(r.params)).toEqual(params);
    expect(r.name).toBeUndefined();
    expect(r.tags).toEqual([]);
    expect(jobRequestToIc({ type: 'table', name: 'x', tags: ['t'], params }).name).toBe('x');
  });

  it('maps a dataset to the manifest shape the pages use', () => {
    const d = datasetFromIc(icDataset());
    expect(d.manifest).toMatchObject({
      id: 'ds-1',
      type: 'table',
      model: { id: 'schema', sha256: 'ab' },
      params: { rows: 5, seed: '3' },
      item_count: 5,
      size_bytes: 1234,
      quality: { score: 0.8, report: { score: 0.8, charts: { columns: [] } } },
    });
    expect(d.ratings).toEqual({ count: 0, mean: null });
    expect(d.tables).toEqual([{ name: 'customers', columns: ['id', 'age'], rows: 5 }]);
    const rated = datasetFromIc(
      icDataset({ rating_count: 2n, rating_mean: 4.5, quality_score: undefined }),
    );
    expect(rated.ratings).toEqual({ count: 2, mean: 4.5 });
    expect(rated.manifest.quality).toBeNull();
  });

  it('maps library filters to a ListRequest, and q to a name search', () => {
    expect(listRequest({ type: 'text', model: '', min_quality: null }, 200n)).toEqual({
      data_type: 'text',
      model: undefined,
      tag: undefined,
      min_quality: undefined,
      offset: 200n,
      limit: 100n,
    });
    expect(listRequest({ min_quality: 0.7, model: 'm', tag: 't' }, 0n)).toMatchObject({
      min_quality: 0.7,
      model: 'm',
      tag: 't',
    });
    const d = datasetFromIc(icDataset());
    expect(matchesQuery(d, 'y se')).toBe(true);
    expect(matchesQuery(d, ' MY ')).toBe(true);
    expect(matchesQuery(d, 'other')).toBe(false);
    expect(matchesQuery(d, '')).toBe(true);
  });

  it('builds the model list from the catalog, the pool and the engines', () => {
    const e1 = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const e2 = Principal.fromText('r7inp-6aaaa-aaaaa-aaabq-cai');
    const list = modelListFromIc(
      [
        { name: 'text-small', data_type: 'text', sha256: 'aa', is_default: true },
        { name: 'code-small', data_type: 'code', sha256: 'bb', is_default: false },
      ],
      [
        {
          engine: e1,
          models: [{ name: 'text-small', sha256: 'aa', weights: 'q8' }],
          in_flight: 0,
          calls: 0n,
          failures: 0n,
          last_error: '',
        },
        {
          engine: e2,
          models: [{ name: 'text-small', sha256: 'zz', weights: 'q8' }],
          in_flight: 0,
          calls: 0n,
          failures: 0n,
          last_error: '',
        },
      ],
      [
        {
          files: [
            {
              name: 'text-small.config.json',
              id: 1n,
              total_bytes: 10n,
              received: 10n,
              complete: true,
              sha256: new Uint8Array([1, 255]),
            },
            {
              name: 'text-small.model.safetensors',
              id: 2n,
              total_bytes: 90n,
              received: 90n,
              complete: true,
              sha256: new Uint8Array([2]),
            },
            {
              name: 'code-small.config.json',
              id: 3n,
              total_bytes: 5n,
              received: 2n,
              complete: false,
              sha256: new Uint8Array([3]),
            },
          ],
          loaded: [{ name: 'text-small', sha256: 'aa', weights: 'q8', parameters: 124_000_000n }],
        },
        { files: [], loaded: [] },
      ],
    );
    expect(list.defaults).toEqual({ text: 'text-small' });
    const [t, c] = list.models;
    expect(t).toMatchObject({
      id: 'text-small',
      data_type: 'text',
      parameter_count: 124_000_000,
      size_bytes: 100,
      architecture: 'gpt2 (q8)',
      description: 'On 1 of 2 engines',
      files: [
        { name: 'config.json', size: 10, sha256: '01ff' },
        { name: 'model.safetensors', size: 90, sha256: '02' },
      ],
    });
    expect(c).toMatchObject({ id: 'code-small', data_type: 'code', files: [], size_bytes: 0 });
  });
});
