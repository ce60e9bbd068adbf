// Prints bench/engine.sh's JSON lines (gpt2_bench and ort_gpt2.mjs, several rounds) as markdown
// tables: the median of each figure over the rounds, ours beside ONNX Runtime and the bound.
//   node bench/engine_table.mjs RESULTS.jsonl
//
// The bound is the fastest a decode step can be if it only streams what it must read (every weight
// matrix once, plus the keys and values of the context) at the best read bandwidth measured with
// the same thread count: bound_ms = (weight MB + KV MB) / (GB/s).
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const meta = Object.assign({}, ...lines.filter((l) => !('metric' in l) && !('skipped' in l)));
for (const l of lines.filter((l) => 'skipped' in l)) console.error(`skipped: ${l.skipped}`);

const runs = new Map();
for (const l of lines.filter((l) => 'metric' in l)) {
  const key = `${l.engine}|${l.weights}|${l.threads}|${l.metric}`;
  if (!runs.has(key)) runs.set(key, []);
  runs.get(key).push(l.value);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const get = (engine, weights, threads, metric) => {
  const xs = runs.get(`${engine}|${weights}|${threads}|${metric}`);
  return xs ? median(xs) : undefined;
};
const fmt = (x, digits = 3) =>
  x === undefined || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toPrecision(digits);
const rounds = Math.max(...[...runs.values()].map((xs) => xs.length));
const threadCounts = [...new Set(lines.filter((l) => 'threads' in l).map((l) => l.threads))].sort();

const bandwidth = (t) =>
  Math.max(get('hyv', '-', t, 'read_gb_s') ?? 0, get('hyv', '-', t, 'read_avx512_gb_s') ?? 0);
const bound = (weights, t, ctx) =>
  (get('hyv', weights, t, 'weight_mb_per_token') + get('hyv', weights, t, `kv_mb_ctx${ctx}`)) /
  bandwidth(t);

console.log(`Machine: ${meta.machine ?? '?'}, ${meta.cores ?? '?'} cores; load average before ` +
  `${meta.load_before ?? '?'}, after ${meta.load_after ?? '?'}; other processes used ` +
  `${meta.others_cores ?? '?'} cores on average during the run; median of ${rounds} rounds.\n`);
console.log('| figure | threads | hyv fp32 | hyv q8 | ORT fp32 | bound fp32 | bound q8 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const rows = [
  ['load (ms)', 'load_ms'],
  ['prefill, 128-token prompt (tokens/s)', 'prefill_tok_s'],
  ['decode at context 128 (ms/token)', 'decode_ms_ctx128', 128],
  ['decode at context 512 (ms/token)', 'decode_ms_ctx512', 512],
  ['peak RSS (MB)', 'peak_rss_mb'],
];
for (const t of threadCounts) {
  for (const [label, metric, ctx] of rows) {
    const cells = [get('hyv', 'f32', t, metric), get('hyv', 'q8', t, metric), get('ort', 'f32', t, metric)];
    const bounds = ctx ? [bound('f32', t, ctx), bound('q8', t, ctx)] : [undefined, undefined];
    console.log(`| ${label} | ${t} | ${[...cells, ...bounds].map((x) => fmt(x)).join(' | ')} |`);
  }
}

console.log('\n| decode | threads | hyv fp32 % of bound | ORT fp32 % of bound | hyv q8 % of bound | ' +
  'hyv fp32 speed vs ORT | hyv q8 speed vs ORT fp32 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const t of threadCounts) {
  for (const ctx of [128, 512]) {
    const m = `decode_ms_ctx${ctx}`;
    const [f, q, o] = [get('hyv', 'f32', t, m), get('hyv', 'q8', t, m), get('ort', 'f32', t, m)];
    const pct = (bnd, x) => (x ? `${fmt((100 * bnd) / x)}%` : '—');
    const speed = (x) => (x && o ? `${fmt(o / x)}×` : '—');
    console.log(`| context ${ctx} | ${t} | ${pct(bound('f32', t, ctx), f)} | ` +
      `${pct(bound('f32', t, ctx), o)} | ${pct(bound('q8', t, ctx), q)} | ${speed(f)} | ${speed(q)} |`);
  }
}

console.log('\n| memory bandwidth (GB/s) | threads | read, AVX2 | read, AVX-512 | copy (read + write) |');
console.log('|---|---:|---:|---:|---:|');
for (const t of threadCounts) {
  const mb = lines.find((l) => l.metric === 'read_gb_s' && l.threads === t)?.buffer_mb;
  const cells = ['read_gb_s', 'read_avx512_gb_s', 'copy_gb_s'].map((m) => fmt(get('hyv', '-', t, m)));
  console.log(`| ${mb ?? '?'} MiB buffer | ${t} | ${cells.join(' | ')} |`);
}

const parity = lines.filter((l) => l.metric === 'torch_max_abs_diff');
for (const w of ['f32', 'q8']) {
  const ls = parity.filter((l) => l.weights === w);
  if (ls.length === 0) continue;
  const worst = Math.max(...ls.map((l) => l.value));
  const { same_argmax: same, steps, min_top2_gap: gap } = ls.find((l) => l.value === worst);
  console.log(`\nhyv ${w} against the torch module on these weights (a prefill, then decode steps): ` +
    `max abs logit difference ${worst.toExponential(2)}; same top token in ${same} of ${steps} ` +
    `(torch's smallest top-1 - top-2 gap: ${gap}).`);
}
