// Compares `hyv tokenize` with tiktoken r50k_base and gpt-3-encoder; see gpt2_parity_test.sh.
// Usage: node gpt2_parity.mjs HYV TOKENIZER_DIR CORPUS
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");
const gpt3 = require("gpt-3-encoder");

const [hyv, dir, corpusPath] = process.argv.slice(2);
const tiktoken = get_encoding("r50k_base");
let failures = 0;

function hyvEncode(text) {
  const out = execFileSync(hyv, ["tokenize", "--tokenizer", dir], { input: Buffer.from(text) });
  return JSON.parse(out.toString());
}
function hyvDecode(ids) {
  return execFileSync(hyv, ["tokenize", "--tokenizer", dir, "--decode"], {
    input: JSON.stringify(ids),
  });
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function check(name, got, want, oracle, text) {
  if (got.length === want.length && got.every((v, i) => v === want[i])) return;
  failures++;
  const i = firstDifference(got, want);
  console.error(`FAIL ${name}: hyv differs from ${oracle} at token ${i}`);
  console.error(`  text: ${JSON.stringify(text.slice(0, 200))}`);
  console.error(`  hyv:  ${JSON.stringify(got.slice(Math.max(0, i - 3), i + 5))}`);
  console.error(`  want: ${JSON.stringify(want.slice(Math.max(0, i - 3), i + 5))}`);
}

function compare(name, text, { withGpt3 = true } = {}) {
  const ids = hyvEncode(text);
  check(name, ids, Array.from(tiktoken.encode(text)), "tiktoken r50k_base", text);
  if (withGpt3) check(name, ids, gpt3.encode(text), "gpt-3-encoder", text);
  const back = hyvDecode(ids);
  if (!back.equals(Buffer.from(text))) {
    failures++;
    console.error(`FAIL ${name}: --decode does not give the text back`);
  }
  return ids.length;
}

// 1. The corpus, whole and line by line.
const corpus = readFileSync(corpusPath, "utf8");
const total = compare("corpus", corpus);
const lines = corpus.split("\n");
lines.forEach((line, i) => compare(`corpus line ${i + 1}`, line));

// 2. Special tokens: matched literally, as tiktoken does when they are allowed.
{
  const text = "Hello<|endoftext|>world <|endoftext|>\n<|endoftext|><|endoftext|>";
  check("special tokens", hyvEncode(text), Array.from(tiktoken.encode(text, "all")),
        "tiktoken r50k_base", text);
}

// 3. Random strings from pieces that stress the pre-tokenizer, with a fixed seed. They are joined
// with <|endoftext|> so one hyv run encodes them all; each oracle encodes them one by one.
// U+0085 and U+FEFF are left out of gpt-3-encoder's share: JavaScript's \s differs from Unicode
// White_Space (which GPT-2's Python regex and tiktoken use) on exactly those two.
const pieces = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "a", "Z", "word", " the", "'s", "'t",
  "'re", "'ll", "'", "''", "1", "42", "3.5", "!", "?!", ",", ".", "...", "-", "é", "ñ", "日本", "中",
  "한", "я", "ع", "क्", "٣", "Ⅻ", "½", "😀", "👩\u200d💻", "👍🏽", "\u200d", "\u00a0", "\u3000",
  "\u2028", "\u2003", "ǅ", "e\u0301", "\u0085", "\ufeff", "\x0b", "\x0c", "(", "]", "#", "$", "_"];
let seed = 12345;
function next(n) {  // xorshift32: the same strings on every run
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed % n;
}
const strings = [];
for (let i = 0; i < 400; i++) {
  let s = "";
  const n = 1 + next(24);
  for (let j = 0; j < n; j++) s += pieces[next(pieces.length)];
  strings.push(s);
}
{
  const joined = strings.join("<|endoftext|>");
  const ids = hyvEncode(joined);
  const wantTiktoken = [];
  const wantGpt3 = [];
  strings.forEach((s, i) => {
    if (i > 0) {
      wantTiktoken.push(50256);
      wantGpt3.push(50256);
    }
    wantTiktoken.push(...tiktoken.encode(s));
    wantGpt3.push(...(/[\u0085\ufeff]/.test(s) ? tiktoken.encode(s) : gpt3.encode(s)));
  });
  check("random strings", ids, wantTiktoken, "tiktoken r50k_base", joined);
  check("random strings", ids, wantGpt3, "gpt-3-encoder", joined);
  if (!hyvDecode(ids).equals(Buffer.from(joined))) {
    failures++;
    console.error("FAIL random strings: --decode does not give the text back");
  }
}

tiktoken.free();
if (failures > 0) {
  console.error(`gpt2_parity: ${failures} failure(s)`);
  process.exit(1);
}
console.log(`gpt2_parity: identical ids from hyv, tiktoken r50k_base and gpt-3-encoder ` +
            `(corpus ${Buffer.byteLength(corpus)} bytes -> ${total} tokens, ${lines.length} lines, ` +
            `${strings.length} random strings)`);
