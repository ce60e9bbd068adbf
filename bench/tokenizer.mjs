// Runs `hyv tokenize --bench-repeat` and npm tiktoken (r50k_base) on the same text in turn and
// prints MB/s side by side; see tokenizer.sh for the command and its settings.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const rounds = Number(args.rounds);
const repeat = Number(args.repeat);

// Cut at a line end so the bytes are valid UTF-8 that both encoders see identically.
let bytes = readFileSync(args.text);
const limit = Math.floor(Number(args.mb) * 1e6);
if (bytes.length > limit) bytes = bytes.subarray(0, bytes.lastIndexOf(10, limit) + 1);
const textPath = join(dirname(args.text), "bench.txt");
writeFileSync(textPath, bytes);
const text = bytes.toString("utf8");
const mb = bytes.length / 1e6;

function hyvRound() {
  const res = spawnSync(
      args.hyv, ["tokenize", "--tokenizer", args.tokenizer, "--bench-repeat", String(repeat)],
      { input: bytes, maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`hyv failed: ${res.stderr}`);
  const m = /= ([0-9.]+) MB\/s/.exec(res.stderr.toString());
  if (!m) throw new Error(`no MB/s in hyv's stderr: ${res.stderr}`);
  return { mbs: Number(m[1]), ids: JSON.parse(res.stdout.toString()) };
}

const enc = get_encoding("r50k_base");
function tiktokenRound() {
  let ids = enc.encode(text);  // warm-up, as hyv's load is not timed either
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) ids = enc.encode(text);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { mbs: (mb * repeat) / seconds, ids };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hyvRuns = [];
const tikRuns = [];
let hyvIds;
let tikIds;
for (let r = 0; r < rounds; r++) {
  const h = hyvRound();
  hyvRuns.push(h.mbs);
  hyvIds = h.ids;
  const t = tiktokenRound();
  tikRuns.push(t.mbs);
  tikIds = t.ids;
}
enc.free();
const same = hyvIds.length === tikIds.length && hyvIds.every((v, i) => v === tikIds[i]);
const h = median(hyvRuns);
const t = median(tikRuns);
const pad = (s, n) => String(s).padEnd(n);
console.log(`Tokenizer encode, GPT-2 vocabulary (r50k_base): ${mb.toFixed(2)} MB of ${args.source}, ` +
            `one thread, median of ${rounds} rounds x ${repeat} encodes`);
console.log(`| ${pad("encoder", 28)} | ${pad("MB/s", 7)} | tokens    |`);
console.log(`| ${"-".repeat(28)} | ${"-".repeat(7)} | --------- |`);
console.log(`| ${pad("hyv tokenize", 28)} | ${pad(h.toFixed(1), 7)} | ${pad(hyvIds.length, 9)} |`);
console.log(`| ${pad("tiktoken r50k_base (npm)", 28)} | ${pad(t.toFixed(1), 7)} | ${pad(tikIds.length, 9)} |`);
console.log(`hyv / tiktoken: ${(h / t).toFixed(1)}x; ids identical: ${same ? "yes" : "NO"}`);
console.log(`rounds (MB/s): hyv ${hyvRuns.map((x) => x.toFixed(1)).join(" ")}; ` +
            `tiktoken ${tikRuns.map((x) => x.toFixed(1)).join(" ")}`);
if (!same) process.exit(1);
