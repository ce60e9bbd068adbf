// Deploys Hyv's models to installed canisters over the IC's HTTP interface with the JS agent, as
// tools/ic-deploy.sh does with icp-cli: uploads each bundled model to every engine in 2 MiB
// chunks, loads it, makes each engine trust the generator, adds the engines to the generator's
// pool and registers the models in its catalog. Works against the local IC endpoint
// (tools/ic-local/run.mjs) and, given a host and an identity with the rights, any IC network.
// The Candid interfaces come from the .did files through @icp-sdk/bindgen (bindings.mjs).
import { Actor } from '@icp-sdk/core/agent';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadIdlFactories } from './bindings.mjs';

export const CHUNK_BYTES = 2 * 1024 * 1024;
export const MODEL_FILES = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'];
export const BUNDLED_MODELS = [
  { name: 'text-small', dataType: 'text', dir: 'models/text-small' },
  { name: 'code-small', dataType: 'code', dir: 'models/code-small' },
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

function ok(result, what) {
  if (result && 'Ok' in result) return result.Ok;
  const why = result && 'Err' in result ? result.Err : JSON.stringify(result, bigints);
  throw new Error(`${what}: ${why}`);
}

function bigints(_, v) {
  return typeof v === 'bigint' ? v.toString() : v;
}

// Uploads one model folder to one engine, file by file, then loads it (model_load answers
// Pending while it converts; each call does a bounded slice of the work).
export async function uploadModel(engine, { name, dir }, { quantize = 'q8', log = () => {} } = {}) {
  for (const file of MODEL_FILES) {
    const data = readFileSync(`${dir}/${file}`);
    const begin = { name: `${name}.${file}`, total_bytes: BigInt(data.length),
                    sha256: sha256(data) };
    const id = ok(await engine.model_upload_begin(begin), `${name}.${file}: model_upload_begin`);
    for (let at = 0; at < data.length; at += CHUNK_BYTES) {
      const bytes = data.subarray(at, at + CHUNK_BYTES);
      ok(await engine.model_upload_chunk({ id, offset: BigInt(at), bytes }),
        `${name}.${file}: model_upload_chunk at ${at}`);
      log(`${name}.${file} ${Math.min(at + CHUNK_BYTES, data.length)}/${data.length} bytes`);
    }
    ok(await engine.model_upload_finish(id), `${name}.${file}: model_upload_finish`);
  }
  for (;;) {
    const r = await engine.model_load({ name, quantize: quantize === 'none' ? [] : [quantize] });
    if ('Ok' in r) return r.Ok;
    if (!('Pending' in r)) ok(r, `${name}: model_load`);
  }
}

// The whole deployment; agent must be signed by a controller of every canister.
export async function deployModels({ agent, generatorId, engineIds, models = BUNDLED_MODELS,
                                     quantize = 'q8', log = () => {} }) {
  const idl = await loadIdlFactories();
  const generator = Actor.createActor(idl.hyv_generator, { agent, canisterId: generatorId });
  for (const engineId of engineIds) {
    const engine = Actor.createActor(idl.hyv_ai_engine, { agent, canisterId: engineId });
    for (const model of models) {
      await uploadModel(engine, model, { quantize, log: (m) => log(`${engineId.toText()}: ${m}`) });
    }
    ok(await engine.generators_add(generatorId), 'generators_add');
    ok(await generator.engine_add(engineId), 'engine_add');
  }
  for (const m of models) {
    const sha = sha256(readFileSync(`${m.dir}/model.safetensors`)).toString('hex');
    ok(await generator.model_register({ name: m.name, data_type: m.dataType, sha256: sha,
                                        is_default: true }), `model_register ${m.name}`);
  }
  return generator.engines_list();
}
