// What the hyv_generator canister costs, and how much a pool of engines sustains, measured on the
// built wasm modules in the test network (tools/ic-local/ic_network.mjs, instructions counted with
// `ic-wasm instrument`):
//   node bench/generator.mjs [--dir build/canisters] [--model models/text-small] [--jobs 4]
// Prints one JSON line per pool size (1, 2 and 4 engines) with:
//   instructions per generator phase (job_submit; timer ticks; the callback of one engine reply;
//     the tick that scores and publishes a dataset), as medians over the run;
//   rounds: the run replayed as IC execution rounds: each canister runs its messages one after
//     another, up to 2B instructions per round (the IC's per-canister slice; a longer message
//     keeps its canister busy for as many rounds as it takes), different canisters side by side;
//     and tokens_per_round, what the pool sustains;
//   stable_bytes_per_dataset: the generator's stable memory growth per finished text dataset;
//   cycles_1000_tokens: a 1,000-token text job at the IC's published prices for a 13-node subnet
//     (execution 5M cycles per update message + 0.4 per instruction, inter-canister calls 260K
//     + 1K per byte each way, the ingress message 1.2M + 2K per byte), generator and engines.
// A table job of 10,000 rows is measured the same way (rows_per_round).
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IcNetwork } from '../tools/ic-local/ic_network.mjs';

const { values: opt } = parseArgs({ options: {
  dir: { type: 'string', default: 'build/canisters' },
  model: { type: 'string', default: 'models/text-small' },
  jobs: { type: 'string', default: '8' },
} });
const me = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
const sha = (b) => createHash('sha256').update(b).digest();
const Unit = IDL.Variant({ Ok: IDL.Null, Err: IDL.Text });
const TextResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
const JobState = IDL.Variant({ Ok: IDL.Record({ state: IDL.Text, tokens_done: IDL.Nat64,
                                                items_done: IDL.Nat64 }), Err: IDL.Text });
const Metrics = IDL.Record({ stable_bytes: IDL.Nat64 });

let net;
function call(name, method, types, args, ret) {
  const r = net.update(name, method, IDL.encode(types, args), me);
  if (r.reply === undefined) throw new Error(`${method}: ${JSON.stringify(r)}`);
  return IDL.decode([ret], r.reply)[0];
}
const ok = (r) => {
  if (!('Ok' in r)) throw new Error(JSON.stringify(r));
  return r.Ok;
};

function engine(name) {
  net.install(name, `${opt.dir}/hyv_ai_engine.wasm`, { controllers: [me] });
  const Begin = IDL.Record({ name: IDL.Text, total_bytes: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) });
  const Chunk = IDL.Record({ id: IDL.Nat64, offset: IDL.Nat64, bytes: IDL.Vec(IDL.Nat8) });
  for (const file of ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt']) {
    const data = readFileSync(`${opt.model}/${file}`);
    const id = ok(call(name, 'model_upload_begin', [Begin], [{ name: `m.${file}`,
      total_bytes: BigInt(data.length), sha256: [...sha(data)] }],
      IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })));
    for (let at = 0; at < data.length; at += 2_000_000) {
      ok(call(name, 'model_upload_chunk', [Chunk], [{ id, offset: BigInt(at),
        bytes: data.subarray(at, at + 2_000_000) }], IDL.Variant({ Ok: IDL.Nat64, Err: IDL.Text })));
    }
    ok(call(name, 'model_upload_finish', [IDL.Nat64], [id],
      IDL.Variant({ Ok: IDL.Reserved, Err: IDL.Text })));
  }
  const Load = IDL.Record({ name: IDL.Text, quantize: IDL.Opt(IDL.Text) });
  while (!('Ok' in call(name, 'model_load', [Load], [{ name: 'm', quantize: [] }],
    IDL.Variant({ Ok: IDL.Reserved, Pending: IDL.Reserved, Err: IDL.Text }))));
  ok(call(name, 'generators_add', [IDL.Principal], [Principal.fromUint8Array(net.id('g'))], Unit));
}

function pool(engines) {
  net = new IcNetwork();
  net.install('g', `${opt.dir}/hyv_generator.wasm`, { controllers: [me] });
  for (let i = 0; i < engines; i++) engine(`e${i}`);
  for (let i = 0; i < engines; i++) {
    ok(call('g', 'engine_add', [IDL.Principal], [Principal.fromUint8Array(net.id(`e${i}`))], Unit));
  }
  const weights = readFileSync(`${opt.model}/model.safetensors`);
  const Model = IDL.Record({ name: IDL.Text, data_type: IDL.Text, sha256: IDL.Text,
                             is_default: IDL.Bool });
  ok(call('g', 'model_register', [Model], [{ name: 'm', data_type: 'text',
    sha256: sha(weights).toString('hex'), is_default: true }], Unit));
}

const Submit = IDL.Record({ data_type: IDL.Text, params: IDL.Text, name: IDL.Opt(IDL.Text),
                            tags: IDL.Vec(IDL.Text) });
const stableBytes = () =>
  IDL.decode([Metrics], net.query('g', 'metrics', IDL.encode([], []), me).reply)[0].stable_bytes;

// Submits the jobs, then runs the network in rounds until every job has ended.
function measure(type, params, jobs) {
  const first = net.history.length;
  const stableBefore = stableBytes();
  const ids = [];
  for (let i = 0; i < jobs; i++) {
    const h = net.submit('g', 'job_submit', IDL.encode([Submit], [{ data_type: type,
      params: params(i), name: [], tags: [] }]), me);
    ids.push(h);
  }
  let rounds = 0;
  const busyUntil = new Map(); // canister -> the first round it is free again
  const done = () => ids.every((h) => {
    if (h.result === null) return false;
    const id = ok(IDL.decode([TextResult], h.result.reply)[0]);
    const j = IDL.decode([JobState], net.query('g', 'job_get', IDL.encode([IDL.Text], [id]), me)
      .reply)[0].Ok;
    return !['queued', 'running'].includes(j.state);
  });
  while (!done()) {
    net.advance(1_000_000n);
    const used = new Map(); // canister -> instructions run this round
    for (const m of net.pending()) {
      if (m.held || (busyUntil.get(m.to) ?? 0) > rounds || (used.get(m.to) ?? 0n) >= SLICE) {
        continue;
      }
      try {
        net.deliver(m.id);
      } catch { continue; /* a request behind an older one between the same canisters */ }
      const spent = (used.get(m.to) ?? 0n) + net.history.at(-1).instructions;
      used.set(m.to, spent);
      if (spent > SLICE) busyUntil.set(m.to, rounds + Number((spent + SLICE - 1n) / SLICE));
    }
    rounds++;
    if (rounds > 100000) throw new Error('no progress');
  }
  let tokens = 0n;
  let items = 0n;
  for (const h of ids) {
    const id = ok(IDL.decode([TextResult], h.result.reply)[0]);
    const j = IDL.decode([JobState], net.query('g', 'job_get', IDL.encode([IDL.Text], [id]), me)
      .reply)[0].Ok;
    tokens += j.tokens_done;
    items += j.items_done;
  }
  return { rounds, tokens, items, history: net.history.slice(first),
           stable: stableBytes() - stableBefore };
}

const SLICE = 2_000_000_000n;
const median = (xs) => {
  const s = [...xs].sort((a, b) => (a < b ? -1 : 1));
  return s.length ? s[Math.floor(s.length / 2)] : 0n;
};
const jobs = Number(opt.jobs);
const textParams = (i) => JSON.stringify({ prompts: ['The', ''], samples: 4, max_tokens: 32,
                                           seed: String(i + 1) });
for (const engines of [1, 2, 4]) {
  pool(engines);
  const t = measure('text', textParams, jobs);
  const g = t.history.filter((m) => m.canister === 'g');
  const e = t.history.filter((m) => m.canister !== 'g' && m.canister !== undefined);
  const byKind = (k) => g.filter((m) => m.kind === k).map((m) => m.instructions);
  const engineInstr = e.reduce((n, m) => n + m.instructions, 0n);
  const genInstr = g.reduce((n, m) => n + m.instructions, 0n);
  const engineCalls = e.filter((m) => m.kind === 'update' && m.method.startsWith('generate_'));
  const calls = engineCalls.length;
  const perToken = (Number(engineInstr + genInstr) / Number(t.tokens));
  // 1,000 tokens: instructions scale with tokens; one update call per engine call and its reply.
  const callsPer1000 = (calls / Number(t.tokens)) * 1000;
  const cycles = 1000 * perToken * 0.4 + callsPer1000 * (2 * 5_000_000 + 2 * 260_000 + 2 * 400 * 1000) +
    1_200_000 + 2000 * 200;
  const table = measure('table', () => JSON.stringify({ mode: 'schema', rows: 10000, seed: '1',
    schema: { tables: [{ name: 't', columns: [{ name: 'id', type: 'id' },
      { name: 'x', type: 'integer', min: 1, max: 99 }, { name: 'who', type: 'first_name' }] }] } }), 1);
  console.log(JSON.stringify({
    engines, jobs, tokens: Number(t.tokens), rounds: t.rounds,
    tokens_per_round: Number(t.tokens) / t.rounds,
    submit_instructions: Number(median(g.filter((m) => m.method === 'job_submit')
      .map((m) => m.instructions))),
    timer_instructions: Number(median(byKind('timer'))),
    reply_callback_instructions: Number(median(byKind('reply'))),
    engine_call_instructions: Number(median(engineCalls.map((m) => m.instructions))),
    engine_calls: calls,
    stable_bytes_per_dataset: Number(t.stable) / jobs,
    cycles_1000_tokens: Math.round(cycles),
    table_rows: Number(table.items), table_rounds: table.rounds,
    rows_per_round: Number(table.items) / table.rounds,
    table_max_tick_instructions: Number(table.history.filter((m) => m.kind === 'timer')
      .reduce((a, m) => (m.instructions > a ? m.instructions : a), 0n)),
  }));
}
