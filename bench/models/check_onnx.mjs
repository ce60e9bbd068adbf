// Runs the exported GPT-2 graph with onnxruntime-node the way ort_gpt2.mjs does (prefill, then
// decode steps feeding present back as past) and writes the logits for export_onnx.py to compare.
// Usage: node bench/models/check_onnx.mjs MODEL.onnx REFERENCE.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [onnxPath, refPath, outPath] = process.argv.slice(2);
const ref = JSON.parse(readFileSync(refPath, 'utf8'));
const session = await ort.InferenceSession.create(onnxPath, { graphOptimizationLevel: 'all' });
const pastNames = session.inputNames.filter((n) => n.startsWith('past.'));
const heads = 12;
const headDim = 64;

const ids = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
let feeds = { input_ids: ids(ref.tokens.slice(0, ref.prefill_tokens)) };
for (const n of pastNames) feeds[n] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);

const logits = [];
for (let pos = ref.prefill_tokens; ; ++pos) {
  const out = await session.run(feeds);
  logits.push(Array.from(out.logits.data));
  if (pos >= ref.tokens.length) break;
  feeds = { input_ids: ids([ref.tokens[pos]]) };
  for (const n of pastNames) feeds[n] = out[n.replace('past.', 'present.')];
}
writeFileSync(outPath, JSON.stringify({ logits }));
