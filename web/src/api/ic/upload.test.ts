import { describe, expect, it } from 'vitest';
import { Principal } from '@icp-sdk/core/principal';
import { CHUNK_BYTES, type UploadProgress } from '../../lib/upload';
import { toHex } from './map';
import {
  checkEngineNames,
  chunkPlan,
  uploadModelToIc,
  type EngineUploader,
  type GeneratorAdmin,
} from './upload';

// A fake engine that stores uploads as the canister does: chunks may not leave a gap, finish
// checks the announced sha256.
function fakeEngine(opts: { refuse?: string } = {}) {
  const uploads = new Map<
    bigint,
    { name: string; total: number; sha: Uint8Array; data: number[] }
  >();
  const chunks: { name: string; offset: number; size: number }[] = [];
  let next = 1n;
  const actor: EngineUploader = {
    model_upload_begin: async (b) => {
      if (opts.refuse) return { __kind__: 'Err', Err: opts.refuse };
      const id = next++;
      uploads.set(id, { name: b.name, total: Number(b.total_bytes), sha: b.sha256, data: [] });
      return { __kind__: 'Ok', Ok: id };
    },
    model_upload_chunk: async (c) => {
      const u = uploads.get(c.id)!;
      if (c.bytes.length > CHUNK_BYTES) return { __kind__: 'Err', Err: 'chunk over 2 MiB' };
      if (Number(c.offset) > u.data.length) return { __kind__: 'Err', Err: 'gap' };
      c.bytes.forEach((b, i) => (u.data[Number(c.offset) + i] = b));
      chunks.push({ name: u.name, offset: Number(c.offset), size: c.bytes.length });
      return { __kind__: 'Ok', Ok: BigInt(u.data.length) };
    },
    model_upload_finish: async (id) => {
      const u = uploads.get(id)!;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(u.data)));
      if (toHex(digest) !== toHex(u.sha)) return { __kind__: 'Err', Err: 'sha256 mismatch' };
      return {
        __kind__: 'Ok',
        Ok: {
          name: u.name,
          id,
          total_bytes: BigInt(u.total),
          received: BigInt(u.total),
          complete: true,
          sha256: u.sha,
        },
      };
    },
  };
  return { actor, uploads, chunks };
}

function fakeGenerator(refuseLoad?: string) {
  const loads: { engine: string; model: string; quantize?: string }[] = [];
  const registered: unknown[] = [];
  const gen: GeneratorAdmin = {
    engine_load: async (r) => {
      if (refuseLoad) throw new Error(refuseLoad);
      loads.push({ engine: r.engine.toText(), model: r.model, quantize: r.quantize });
      return { __kind__: 'Ok', Ok: null };
    },
    model_register: async (m) => {
      registered.push(m);
      return { __kind__: 'Ok', Ok: null };
    },
  };
  return { gen, loads, registered };
}

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * seed) & 255);
const file = (name: string, data: Uint8Array) => new File([data as BlobPart], name);
const meta = {
  model_id: 'tiny',
  name: 'Tiny',
  data_type: 'code' as const,
  license: '',
  description: '',
};
const E1 = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const E2 = Principal.fromText('r7inp-6aaaa-aaaaa-aaabq-cai');

describe('model upload to the IC', () => {
  it('plans chunks of at most 2 MiB that cover the file without gaps', () => {
    expect(chunkPlan(0)).toEqual([]);
    expect(chunkPlan(5)).toEqual([[0, 5]]);
    expect(chunkPlan(2 * CHUNK_BYTES + 1)).toEqual([
      [0, CHUNK_BYTES],
      [CHUNK_BYTES, 2 * CHUNK_BYTES],
      [2 * CHUNK_BYTES, 2 * CHUNK_BYTES + 1],
    ]);
  });

  it('names files <model>.<file> within the engine limit of 64 characters', () => {
    expect(checkEngineNames('m'.repeat(46), [{ name: 'model.safetensors' }])).toBeNull();
    expect(checkEngineNames('m'.repeat(47), [{ name: 'model.safetensors' }])).toContain(
      'at most 46 characters',
    );
  });

  it('sends every engine file to every engine in chunks, then loads and registers', async () => {
    const weights = bytes(CHUNK_BYTES + 1000, 7);
    const files = [
      file('config.json', bytes(300, 3)),
      file('model.safetensors', weights),
      file('tokenizer.json', bytes(50, 5)),
      file('README.md', bytes(10, 1)), // not an engine file: not sent
    ];
    const e1 = fakeEngine();
    const e2 = fakeEngine();
    const g = fakeGenerator();
    const progress: UploadProgress[] = [];
    const model = await uploadModelToIc(
      g.gen,
      [
        { id: E1, actor: e1.actor },
        { id: E2, actor: e2.actor },
      ],
      meta,
      files,
      (p) => progress.push(p),
    );
    for (const e of [e1, e2]) {
      expect([...e.uploads.values()].map((u) => u.name)).toEqual([
        'tiny.config.json',
        'tiny.model.safetensors',
        'tiny.tokenizer.json',
      ]);
      expect(e.chunks.filter((c) => c.name === 'tiny.model.safetensors')).toEqual([
        { name: 'tiny.model.safetensors', offset: 0, size: CHUNK_BYTES },
        { name: 'tiny.model.safetensors', offset: CHUNK_BYTES, size: 1000 },
      ]);
    }
    const sha = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', weights)));
    expect(g.loads).toEqual([
      { engine: E1.toText(), model: 'tiny', quantize: 'q8' },
      { engine: E2.toText(), model: 'tiny', quantize: 'q8' },
    ]);
    expect(g.registered).toEqual([
      { name: 'tiny', data_type: 'code', sha256: sha, is_default: false },
    ]);
    expect(model).toMatchObject({ id: 'tiny', sha256: sha, size_bytes: weights.length + 350 });
    const total = 2 * (weights.length + 350);
    const uploading = progress.filter((p) => p.phase === 'uploading').map((p) => p.bytesDone);
    expect(uploading[uploading.length - 1]).toBe(total);
    expect(uploading).toEqual([...uploading].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toEqual({
      phase: 'done',
      bytesDone: total,
      bytesTotal: total,
    });
  });

  it("stops at an engine's Err and at a refused load, with their text", async () => {
    const files = [file('config.json', bytes(3, 1)), file('model.safetensors', bytes(3, 2))];
    await expect(
      uploadModelToIc(
        fakeGenerator().gen,
        [{ id: E1, actor: fakeEngine({ refuse: 'only controllers and uploaders' }).actor }],
        meta,
        files,
        () => undefined,
      ),
    ).rejects.toThrow('only controllers and uploaders');
    const g = fakeGenerator('only controllers may call engine_load');
    await expect(
      uploadModelToIc(g.gen, [{ id: E1, actor: fakeEngine().actor }], meta, files, () => undefined),
    ).rejects.toThrow('only controllers may call engine_load');
    expect(g.registered).toEqual([]);
    await expect(uploadModelToIc(g.gen, [], meta, files, () => undefined)).rejects.toThrow(
      'no engines',
    );
  });
});
