// Uploading a Hugging Face model folder from the browser to the IC: every file, hashed here (as
// the studio's upload does), goes to every engine of the generator's pool as `<model>.<file>` in
// chunks of at most 2 MiB (model_upload_begin / chunk / finish; the engine checks the sha256);
// then the generator has each engine load the model (engine_load) and registers it in its
// catalog (model_register). Uploading needs a controller or an authorised uploader of the
// engines; loading and registering need a controller of the generator.
import type { Principal } from '@icp-sdk/core/principal';
import type { hyv_ai_engineInterface } from '../../bindings/hyv_ai_engine';
import type { hyv_generatorInterface } from '../../bindings/hyv_generator';
import type { Model } from '../types';
import { sha256File } from '../../lib/sha256';
import {
  CHUNK_BYTES,
  nextChunk,
  type NamedFile,
  type UploadMeta,
  type UploadProgress,
} from '../../lib/upload';
import { CanisterError, fromHex, unwrap } from './map';

// The files an engine uses (docs/canister.md); the rest of a folder is not sent.
export const ENGINE_FILES = [
  'config.json',
  'model.safetensors',
  'vocab.json',
  'merges.txt',
  'tokenizer.json',
];

// An engine's file names: 1-64 of [A-Za-z0-9._-].
export const ENGINE_NAME_MAX = 64;

export function engineFileName(model: string, file: string): string {
  return `${model}.${file}`;
}

// Why these files cannot go to an engine under this model id, or null.
export function checkEngineNames(model: string, files: { name: string }[]): string | null {
  for (const f of files) {
    const name = engineFileName(model, f.name);
    if (name.length > ENGINE_NAME_MAX) {
      const room = ENGINE_NAME_MAX - f.name.length - 1;
      return `On the IC a model's files are named <model id>.<file> (at most ${ENGINE_NAME_MAX} characters): use a model id of at most ${room} characters for ${f.name}.`;
    }
  }
  return null;
}

// The chunks [start, end) of a file of `size` bytes, in order.
export function chunkPlan(size: number, chunk = CHUNK_BYTES): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; ;) {
    const range = nextChunk(size, at, chunk);
    if (!range) return out;
    out.push(range);
    at = range[1];
  }
}

export type EngineUploader = Pick<
  hyv_ai_engineInterface,
  'model_upload_begin' | 'model_upload_chunk' | 'model_upload_finish'
>;

export interface PoolEngine {
  id: Principal;
  actor: EngineUploader;
}

export type GeneratorAdmin = Pick<hyv_generatorInterface, 'engine_load' | 'model_register'>;

// As tools/ic-deploy.sh and tools/ic-local load the bundled models: 8-bit weights, a quarter of
// the heap and of the instructions per token.
export const QUANTIZE = 'q8';

const RETRIES = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A call that failed without an answer (the network, a replica's hiccup) is sent again; an Err
// answer or a reject is final.
async function retrying<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let failures = 0; ;) {
    signal?.throwIfAborted();
    try {
      return await call();
    } catch (err) {
      const transient = err instanceof TypeError; // fetch failed
      if (!transient || ++failures > RETRIES) throw err;
      await sleep(250 * 2 ** failures);
    }
  }
}

export async function uploadModelToIc(
  generator: GeneratorAdmin,
  engines: PoolEngine[],
  meta: UploadMeta,
  picked: NamedFile[],
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
  quantize: string | undefined = QUANTIZE,
): Promise<Model> {
  if (engines.length === 0) {
    throw new Error('The generator has no engines to upload to (engine_add adds them).');
  }
  const files = picked.filter((f) => ENGINE_FILES.includes(f.name));
  const nameError = checkEngineNames(meta.model_id, files);
  if (nameError) throw new Error(nameError);
  const fileBytes = files.reduce((s, f) => s + f.size, 0);
  const hashes: string[] = [];
  let hashed = 0;
  for (const f of files) {
    signal?.throwIfAborted();
    hashes.push(
      await sha256File(f, (b) =>
        onProgress({
          phase: 'hashing',
          bytesDone: hashed + b,
          bytesTotal: fileBytes,
          file: f.name,
        }),
      ),
    );
    hashed += f.size;
  }
  const bytesTotal = fileBytes * engines.length;
  let sent = 0;
  onProgress({ phase: 'uploading', bytesDone: 0, bytesTotal });
  for (const engine of engines) {
    for (const [i, f] of files.entries()) {
      const name = engineFileName(meta.model_id, f.name);
      const where = `${name} on engine ${engine.id.toText()}`;
      const id = unwrap(
        'model_upload_begin',
        await retrying(
          () =>
            engine.actor.model_upload_begin({
              name,
              total_bytes: BigInt(f.size),
              sha256: fromHex(hashes[i]),
            }),
          signal,
        ),
      );
      for (const [start, end] of chunkPlan(f.size)) {
        const bytes = new Uint8Array(await f.slice(start, end).arrayBuffer());
        const received = unwrap(
          'model_upload_chunk',
          await retrying(
            () => engine.actor.model_upload_chunk({ id, offset: BigInt(start), bytes }),
            signal,
          ),
        );
        if (received < BigInt(end)) {
          throw new CanisterError(
            'model_upload_chunk',
            `${where}: the engine kept ${received} of ${end} bytes`,
          );
        }
        sent += end - start;
        onProgress({ phase: 'uploading', bytesDone: sent, bytesTotal, file: f.name });
      }
      const info = unwrap('model_upload_finish', await engine.actor.model_upload_finish(id));
      if (!info.complete) {
        throw new CanisterError('model_upload_finish', `${where}: the upload is not complete`);
      }
    }
  }
  onProgress({ phase: 'finishing', bytesDone: bytesTotal, bytesTotal });
  for (const engine of engines) {
    signal?.throwIfAborted();
    unwrap(
      'engine_load',
      await generator.engine_load({ engine: engine.id, model: meta.model_id, quantize }),
    );
  }
  const weights = hashes[files.findIndex((f) => f.name === 'model.safetensors')] ?? '';
  unwrap(
    'model_register',
    await generator.model_register({
      name: meta.model_id,
      data_type: meta.data_type,
      sha256: weights,
      is_default: false,
    }),
  );
  onProgress({ phase: 'done', bytesDone: bytesTotal, bytesTotal });
  return {
    id: meta.model_id,
    name: meta.model_id,
    data_type: meta.data_type,
    architecture: 'gpt2',
    parameter_count: 0,
    license: meta.license,
    description: meta.description,
    sha256: weights,
    size_bytes: fileBytes,
    bundled: false,
    created_at_ms: Date.now(),
    files: files.map((f, i) => ({ name: f.name, size: f.size, sha256: hashes[i] })),
  };
}
