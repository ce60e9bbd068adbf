// The learned-table core built for wasm32 (run in Node's WebAssembly runtime) fits the same model
// file and samples the same bytes as the native `hyv`: the cross-platform half of "same seed, same
// bytes". The module must import nothing (a canister can provide no imports).
//
//   node tests/synth/copula_wasm_parity.mjs HYV_BINARY WASM_MODULE TRAIN.csv TMP_DIR [PEOPLE.csv]
//
// PEOPLE.csv, when given, has semantic (PII) columns (names, e-mails, ...): their values are
// re-generated from the locale data while sampling, and must be the same bytes too.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { openModule } from './wasm/module_io.mjs';

const [hyv, wasmPath, trainCsv, tmp, peopleCsv] = process.argv.slice(2);
let failures = 0;
const fail = (m) => { console.error(`FAIL: ${m}`); failures += 1; };

const { wasm, copyIn, output } = openModule(wasmPath);

function wasmFit(csv) {
  const [p, n] = copyIn(csv);
  const rc = wasm.hyv_fit(p, n);
  wasm.hyv_free(p);
  if (rc < 0) throw new Error(`wasm fit: ${output().toString()}`);
  return output();
}

function wasmSample(model, rows, seed, where) {
  const [mp, mn] = copyIn(model);
  const [wp, wn] = copyIn(Buffer.from(where.join('\n')));
  const rc = wasm.hyv_sample(mp, mn, rows, BigInt(seed), wp, wn);
  wasm.hyv_free(mp);
  wasm.hyv_free(wp);
  if (rc < 0) throw new Error(`wasm sample: ${output().toString()}`);
  return output();
}

function compare(name, csvPath, cases, mustContain) {
  const modelPath = path.join(tmp, `${name}.model.json`);
  execFileSync(hyv, ['fit', csvPath, '-o', modelPath, '-q'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const nativeModel = readFileSync(modelPath);
  if (mustContain && !nativeModel.includes(mustContain)) fail(`${name}: the model lacks ${mustContain}`);
  const wasmModel = wasmFit(readFileSync(csvPath));
  if (!nativeModel.equals(wasmModel)) {
    let i = 0;
    while (i < nativeModel.length && nativeModel[i] === wasmModel[i]) i += 1;
    fail(`${name}: model files differ at byte ${i}: native ...${nativeModel.subarray(Math.max(0, i - 40), i + 40)}... ` +
         `wasm ...${wasmModel.subarray(Math.max(0, i - 40), i + 40)}...`);
  }
  for (const c of cases) {
    const out = path.join(tmp, `${name}-sample-${c.seed}.csv`);
    const args = ['sample', modelPath, '--rows', String(c.rows), '--seed', String(c.seed), '-o', out];
    for (const w of c.where) args.push('--where', w);
    execFileSync(hyv, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    const native = readFileSync(out);
    const fromWasm = wasmSample(nativeModel, c.rows, c.seed, c.where);
    if (!native.equals(fromWasm)) {
      let i = 0;
      while (i < native.length && native[i] === fromWasm[i]) i += 1;
      fail(`${name} seed ${c.seed} ${c.where.join(' ')}: samples differ at byte ${i} of ${native.length}`);
    } else {
      console.log(`${name} seed ${c.seed}${c.where.length ? ' where ' + c.where.join(', ') : ''}: ` +
                  `${c.rows} rows, ${native.length} bytes identical`);
    }
  }
}

compare('mixed', trainCsv, [
  { rows: 3000, seed: 42, where: [] },
  { rows: 500, seed: 7, where: ['segment=gold', 'age>=50'] },
  { rows: 300, seed: 9, where: ['credit_score=600'] },
]);
if (peopleCsv) {
  compare('people', peopleCsv, [
    { rows: 2000, seed: 5, where: [] },
    { rows: 300, seed: 6, where: ['age>=60'] },
  ], '"sdtype": "semantic"');
}
if (failures) process.exit(1);
console.log('copula wasm parity: model file and samples identical to the native build');
