// Instruction counting for the test host (ic_host.mjs), with `ic-wasm … instrument` (npm
// @icp-sdk/ic-wasm-linux-x64). instrument adds a global that every basic block increments by its
// cost (ic-wasm's approximation of the IC's metering, including memory.copy/fill by size) and a
// query `__get_cycles` that replies with it. We export that global under kCounterExport so the
// host can read it between two instructions of a message without re-entering the module.
//
// instrument also writes a profiling trace and, at upgrades, 24 bytes of its own state into
// stable memory: by default from offset 0 on, growing stable memory as it goes, which overwrites
// a canister's own stable data (model uploads broke this way). `--start-page 1 --page-limit 1`
// confines it to stable page 1 ([65536, 131072)) with no room for a trace (the limit is pages
// minus one for its state), so the trace writer never writes. Canisters run with counting
// therefore keep page 1 free and have it allocated before their first upgrade (hyv_ai_engine's
// stable layout does, docs/canister.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leb, WasmReader, wasmSections } from './wasm_sections.mjs';

export const kCounterExport = '__hyv_instruction_counter';
export const kReservedStablePage = 1;
const IC_WASM = fileURLToPath(
  new URL('../../node_modules/@icp-sdk/ic-wasm-linux-x64/bin/ic-wasm', import.meta.url));

// trace: { startPage, pages } gives instrument's profiling trace that stable memory region
// instead (bench/canister_profile.mjs); the host must make the region exist.
export function instrumentForCounting(bytes, trace = null) {
  const dir = mkdtempSync(join(tmpdir(), 'hyv-instrument-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, 'out.wasm');
    writeFileSync(input, bytes);
    const [start, pages] = trace ? [trace.startPage, trace.pages] : [kReservedStablePage, 1];
    execFileSync(IC_WASM, [input, '-o', output, 'instrument', '--start-page', String(start),
      '--page-limit', String(pages)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return exportCounter(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The smallest wasm reader that finds the counter: sections, imported functions, exports and
// code bodies. __get_cycles' body stores the Candid header at address 0, then
// `i32.const 7; global.get COUNTER; i64.store` writes the counter after it.
function exportCounter(wasm) {
  const sections = new Map(wasmSections(wasm).filter((s) => s.id !== 0).map((s) => [s.id, s]));
  const importedFunctions = countImportedFunctions(wasm, sections.get(2));
  const exportSection = sections.get(7);
  const exports = readExports(wasm, exportSection);
  const getter = exports.find((e) => e.name === 'canister_query __get_cycles' && e.kind === 0);
  if (getter === undefined) throw new Error('ic-wasm instrument made no __get_cycles');
  const body = codeBody(wasm, sections.get(10), getter.index - importedFunctions);
  const counter = findCounterGlobal(body);

  const entry = Buffer.concat([leb(kCounterExport.length), Buffer.from(kCounterExport),
    Buffer.of(3), leb(counter)]);
  const oldEntries = wasm.subarray(exportSection.entriesStart, exportSection.end);
  const payload = Buffer.concat([leb(exports.length + 1), oldEntries, entry]);
  return Buffer.concat([wasm.subarray(0, exportSection.start), Buffer.of(7), leb(payload.length),
    payload, wasm.subarray(exportSection.end)]);
}

function countImportedFunctions(wasm, section) {
  if (section === undefined) return 0;
  const r = new WasmReader(wasm, section.payload);
  let functions = 0;
  for (let n = r.u32(); n > 0; n--) {
    r.name();
    r.name();
    const kind = wasm[r.at++];
    if (kind === 0) {
      r.u32();
      functions += 1;
    } else if (kind === 1) { // table: reftype, limits
      r.at += 1;
      if (r.u32() & 1) r.u32();
      r.u32();
    } else if (kind === 2) { // memory: limits
      const flags = r.u32();
      r.u32();
      if (flags & 1) r.u32();
    } else { // global: valtype, mutability
      r.at += 2;
    }
  }
  return functions;
}

function readExports(wasm, section) {
  const r = new WasmReader(wasm, section.payload);
  const count = r.u32();
  section.entriesStart = r.at;
  const exports = [];
  for (let i = 0; i < count; i++) {
    const name = r.name();
    const kind = wasm[r.at++];
    exports.push({ name, kind, index: r.u32() });
  }
  return exports;
}

function codeBody(wasm, section, index) {
  const r = new WasmReader(wasm, section.payload);
  const count = r.u32();
  if (index >= count) throw new Error('__get_cycles has no body');
  for (let i = 0; i < index; i++) {
    const size = r.u32();
    r.at += size;
  }
  const size = r.u32();
  return wasm.subarray(r.at, r.at + size);
}

function findCounterGlobal(body) {
  for (let i = 0; i + 3 < body.length; i++) {
    if (body[i] === 0x41 && body[i + 1] === 0x07 && body[i + 2] === 0x23) {
      return new WasmReader(body, i + 3).u32();
    }
  }
  throw new Error('ic-wasm instrument: the counter global was not found in __get_cycles');
}
