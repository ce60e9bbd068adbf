// The peer run for gpt2_bench: ONNX Runtime (npm onnxruntime-node, CPU execution provider) on the
// same DistilGPT-2-shaped weights, measured the same way, printed as JSON lines.
//
//   node bench/ort_gpt2.mjs [--model DIR] [--threads N] [--steps 32] [--prompt 128]
//
// DIR holds onnx/model.onnx from bench/models/export_onnx.py (default:
// build/bench-models/distilgpt2-random). One thread count per process, so that peak RSS is this
// session's alone. Metrics (one line each):
//   load_ms        InferenceSession.create (reads the file, optimises the graph, packs weights)
//   prefill_tok_s  prompt tokens per second for one --prompt-token forward (median of 5)
//   decode_ms_ctxC ms per decoded token with C tokens already in the cache: a prefill of C tokens
//                  fills the past, then --steps single-token runs each see that same past (so the
//                  context is exactly C), median
//   peak_rss_mb    process.resourceUsage().maxRSS (includes node itself, ~50 MB)
import { existsSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

function parseArgs(argv) {
  const a = { model: 'build/bench-models/distilgpt2-random', threads: 1, steps: 32, prompt: 128 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in a) || i + 1 >= argv.length) throw new Error(`unknown or incomplete flag ${argv[i]}`);
    a[key] = key === 'model' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const onnxPath = path.join(args.model, 'onnx', 'model.onnx');
const base = { engine: 'ort', weights: 'f32', threads: args.threads };
const emit = (metric, value, extra = {}) =>
  console.log(JSON.stringify({ ...base, metric, value: Number(value.toPrecision(6)), ...extra }));
if (!existsSync(onnxPath)) {
  console.log(JSON.stringify({ ...base, skipped: `${onnxPath} not found; run bench/engine.sh` }));
  process.exit(0);
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// The same token ids as gpt2_bench: any ids do for timing, but both sides see the same ones.
const promptIds = (n) => Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 50257);

const t0 = nowMs();
const session = await ort.InferenceSession.create(onnxPath, {
  executionProviders: ['cpu'],
  intraOpNumThreads: args.threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
emit('load_ms', nowMs() - t0);

const pastNames = session.inputNames.filter((n) => n.startsWith('past.'));
const ids = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
const emptyPast = () =>
  Object.fromEntries(
    pastNames.map((n) => [n, new ort.Tensor('float32', new Float32Array(0), [1, 12, 0, 64])]),
  );
const prefill = (n) => session.run({ input_ids: ids(promptIds(n)), ...emptyPast() });

// Prefill: one warm-up, then the median of 5.
await prefill(args.prompt);
const prefillMs = [];
for (let r = 0; r < 5; ++r) {
  const t = nowMs();
  await prefill(args.prompt);
  prefillMs.push(nowMs() - t);
}
emit('prefill_tok_s', (args.prompt * 1000) / median(prefillMs), { tokens: args.prompt });

for (const ctx of [128, 512]) {
  const out = await prefill(ctx);
  const past = Object.fromEntries(pastNames.map((n) => [n, out[n.replace('past.', 'present.')]]));
  const times = [];
  for (let s = -3; s < args.steps; ++s) {  // 3 warm-up steps
    const t = nowMs();
    await session.run({ input_ids: ids([(ctx + s * 31 + 3) % 50257]), ...past });
    if (s >= 0) times.push(nowMs() - t);
  }
  emit(`decode_ms_ctx${ctx}`, median(times), { steps: args.steps });
}
emit('peak_rss_mb', process.resourceUsage().maxRSS / 1024);
