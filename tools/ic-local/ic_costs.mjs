// Instruction counting with the Internet Computer's own cost table, for the test host
// (ic_host.mjs, `costs: 'ic'`) and the canister benchmark. `ic-wasm instrument` (the default,
// instruction_counting.mjs) charges 1 for every SIMD instruction and 20 for a scalar float add or
// multiply; the replica charges 2 for f32x4.add/mul, 2 for f32.add/mul, 18 for f32.min/max, and so
// on (instruction_to_cost in the IC's rs/embedders/src/wasm_utils/instrumentation.rs, whose table
// kCost below follows for wasm32). This module rewrites every function body the way the replica
// meters it: before each control instruction (block, loop, if, else, end, br*, return, call*,
// unreachable) it adds the static cost of the instructions since the previous one to an i64
// global, exported as kCounterExport; memory.copy / memory.fill / memory.init add their byte count
// too. System API calls are charged by the host (systemApiCost).
//
// A minimal decoder: it knows every opcode's immediates so it can walk a body, and re-encodes
// only the code, global and export sections.
import { kCounterExport } from './instruction_counting.mjs';
import { leb, WasmReader, wasmSections } from './wasm_sections.mjs';

// Costs that differ from 1. Scalar opcodes by byte; 0xFC and 0xFD (SIMD) ones by sub-opcode.
const kScalarCost = new Map([
  [0x02, 0], [0x03, 0], [0x05, 0], [0x0b, 0], // block, loop, else, end
  [0x04, 2], [0x0c, 2], [0x0d, 2], [0x0e, 2], // if, br, br_if, br_table
  [0x10, 5], [0x11, 10], [0x12, 3], [0x13, 60], // call, call_indirect, return_call(_indirect)
  [0x23, 2], [0x24, 2], [0x25, 5], [0x26, 5], // global.get/set, table.get/set
  [0x3f, 20], [0x40, 300], // memory.size, memory.grow
  [0x6d, 10], [0x6e, 10], [0x6f, 10], [0x70, 10], [0x7f, 10], [0x80, 10], [0x81, 10], [0x82, 10],
  [0x5b, 3], [0x5c, 3], [0x5d, 3], [0x5e, 3], [0x5f, 3], [0x60, 3], // f32 compares
  [0x61, 3], [0x62, 3], [0x63, 3], [0x64, 3], [0x65, 3], [0x66, 3], // f64 compares
  [0x8d, 2], [0x8e, 2], [0x8f, 2], [0x90, 2], [0x91, 5], [0x92, 2], [0x93, 2], [0x94, 2],
  [0x95, 3], [0x96, 18], [0x97, 18], [0x98, 2], // f32 ceil..copysign
  [0x9b, 2], [0x9c, 2], [0x9d, 2], [0x9e, 2], [0x9f, 8], [0xa0, 2], [0xa1, 2], [0xa2, 2],
  [0xa3, 5], [0xa4, 18], [0xa5, 18], [0xa6, 3], // f64 ceil..copysign
  [0xa8, 20], [0xa9, 20], [0xaa, 20], [0xab, 20], [0xae, 20], [0xaf, 20], [0xb0, 20], [0xb1, 20],
  [0xb2, 3], [0xb3, 16], [0xb4, 3], [0xb5, 16], [0xb7, 3], [0xb8, 16], [0xb9, 3], [0xba, 16],
  [0xd2, 130], [0xd1, 5], // ref.func, ref.is_null
]);
const kFcCost = new Map([
  [0, 20], [1, 20], [2, 20], [3, 20], [4, 20], [5, 20], [6, 20], [7, 20], // trunc_sat
  [8, 100], [9, 300], [10, 100], [11, 100], [12, 100], [13, 300], [14, 100], [15, 300],
  [16, 100], [17, 100],
]);
const kSimdCost = new Map([
  [0x0d, 3], // i8x16.shuffle
  [0x26, 2], [0x28, 2], [0x30, 2], [0x32, 2], [0x3a, 2], [0x3c, 2], // lt_u, gt_u
  [0x62, 3], [0x6b, 3], [0x6c, 3], [0x6d, 2], // i8x16 popcnt, shl, shr_s, shr_u
  [0x7d, 2], [0x7f, 3], // extadd_pairwise _u
  [0x8b, 2], [0x8c, 2], [0x8d, 2], [0x9d, 2], [0x9f, 2], // i16x8 shifts, extmul_high
  [0xab, 2], [0xac, 2], [0xad, 2], [0xb5, 2], [0xbc, 2], [0xbd, 2], [0xbe, 2], [0xbf, 2],
  [0xcb, 2], [0xcc, 3], [0xcd, 2], [0xd5, 4], // i64x2 shifts, mul
  [0x67, 2], [0x68, 2], [0x69, 2], [0x6a, 2], [0xe0, 2], [0xe1, 2], [0xe3, 5], // f32x4
  [0xe4, 2], [0xe5, 2], [0xe6, 2], [0xe7, 10], [0xe8, 4], [0xe9, 4],
  [0x74, 2], [0x75, 2], [0x7a, 2], [0x94, 2], [0xec, 2], [0xed, 2], [0xef, 14], // f64x2
  [0xf0, 2], [0xf1, 2], [0xf2, 2], [0xf3, 12], [0xf4, 4], [0xf5, 5],
  [0xf8, 2], [0xf9, 4], [0xfb, 4], [0xfc, 2], [0xfd, 3], // conversions
]);
const kControl = new Set([0x00, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
  0x12, 0x13]);

// The replica's system API charges (system_api_complexity.rs, as ic-wasm lists them): a base and,
// for calls that move bytes, one per byte.
export function systemApiCost(name, bytes = 0) {
  const base = {
    msg_arg_data_copy: 500, msg_arg_data_size: 500, msg_caller_copy: 500, msg_caller_size: 500,
    msg_reply_data_append: 500, msg_reply: 500, msg_reject: 500, canister_self_copy: 500,
    canister_self_size: 500, is_controller: 1000, time: 500, performance_counter: 200,
    stable64_size: 20, stable64_grow: 100, stable64_read: 20, stable64_write: 20, debug_print: 100,
    trap: 500,
  }[name] ?? 20;
  return BigInt(base + bytes);
}

const sleb64 = (v) => {
  const out = [];
  let n = BigInt(v);
  for (;;) {
    const x = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (x & 0x40) === 0) || (n === -1n && (x & 0x40) !== 0)) {
      out.push(x);
      return Buffer.from(out);
    }
    out.push(x | 0x80);
  }
};

// Skips one instruction's immediates; returns its cost and whether it is a bulk memory op whose
// size (top of the stack) must be charged.
function skipImmediates(r, op) {
  switch (op) {
    case 0x02: case 0x03: case 0x04: { // blocktype: 0x40, a valtype, or an s33 type index
      const t = r.bytes[r.at];
      if (t === 0x40 || (t >= 0x6f && t <= 0x7f)) r.at += 1;
      else r.skipLeb();
      return { cost: kScalarCost.get(op) ?? 1 };
    }
    case 0x0c: case 0x0d: case 0x10: case 0x12: case 0x20: case 0x21: case 0x22: case 0x23:
    case 0x24: case 0x25: case 0x26: case 0xd2:
      r.skipLeb();
      return { cost: kScalarCost.get(op) ?? 1 };
    case 0x0e: {
      for (let n = r.u32(); n > 0; n--) r.skipLeb();
      r.skipLeb();
      return { cost: 2 };
    }
    case 0x11: case 0x13:
      r.skipLeb();
      r.skipLeb();
      return { cost: kScalarCost.get(op) };
    case 0x1c:
      for (let n = r.u32(); n > 0; n--) r.at += 1;
      return { cost: 1 };
    case 0x3f: case 0x40: case 0xd0:
      r.at += 1;
      return { cost: kScalarCost.get(op) ?? 1 };
    case 0x41: case 0x42:
      r.skipLeb();
      return { cost: 1 };
    case 0x43:
      r.at += 4;
      return { cost: 1 };
    case 0x44:
      r.at += 8;
      return { cost: 1 };
    case 0xfc: {
      const sub = r.u32();
      if (sub === 8 || sub === 12 || sub === 14) { r.skipLeb(); r.skipLeb(); }
      else if (sub === 9 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.skipLeb();
      else if (sub === 10) r.at += 2;
      else if (sub === 11) r.at += 1;
      return { cost: kFcCost.get(sub) ?? 1, bulk: sub === 8 || sub === 10 || sub === 11 };
    }
    case 0xfd: {
      const sub = r.u32();
      if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) { r.skipLeb(); r.skipLeb(); }
      else if (sub === 0x0c || sub === 0x0d) r.at += 16;
      else if (sub >= 0x15 && sub <= 0x22) r.at += 1;
      else if (sub >= 0x54 && sub <= 0x5b) { r.skipLeb(); r.skipLeb(); r.at += 1; }
      return { cost: kSimdCost.get(sub) ?? 1 };
    }
    default:
      if (op >= 0x28 && op <= 0x3e) { r.skipLeb(); r.skipLeb(); }
      return { cost: kScalarCost.get(op) ?? 1 };
  }
}

// One function body with the counter updates inserted. scratch: an i32 local of the function
// (added by the caller) for bulk memory sizes.
function instrumentBody(body, counter, scratch) {
  const r = new WasmReader(body);
  const localsStart = 0;
  for (let n = r.u32(); n > 0; n--) {
    r.skipLeb();
    r.at += 1;
  }
  const localsEnd = r.at;
  const out = [];
  let from = r.at;
  let pending = 0;
  const flush = () => {
    if (pending === 0) return;
    out.push(Buffer.of(0x23), leb(counter), Buffer.of(0x42), sleb64(pending), Buffer.of(0x7c, 0x24),
      leb(counter));
    pending = 0;
  };
  while (r.at < body.length) {
    const start = r.at;
    const op = body[r.at++];
    const { cost, bulk } = skipImmediates(r, op);
    pending += cost;
    if (kControl.has(op)) {
      out.push(body.subarray(from, start));
      flush();
      from = start;
    } else if (bulk) {
      // size on the stack: count it (bytes) and leave it there.
      out.push(body.subarray(from, start));
      out.push(Buffer.of(0x22), leb(scratch), Buffer.of(0xad, 0x23), leb(counter),
        Buffer.of(0x7c, 0x24), leb(counter), Buffer.of(0x20), leb(scratch));
      from = start;
    }
  }
  out.push(body.subarray(from));
  return { locals: body.subarray(localsStart, localsEnd), code: Buffer.concat(out) };
}

function paramCounts(wasm, sections) {
  const types = [];
  const typeSection = sections.find((s) => s.id === 1);
  const r = new WasmReader(wasm, typeSection.payload);
  for (let n = r.u32(); n > 0; n--) {
    r.at += 1; // 0x60
    const params = r.u32();
    r.at += params;
    r.at += r.u32();
    types.push(params);
  }
  let importedFunctions = 0;
  let importedGlobals = 0;
  const imports = sections.find((s) => s.id === 2);
  if (imports) {
    const ir = new WasmReader(wasm, imports.payload);
    for (let n = ir.u32(); n > 0; n--) {
      ir.name();
      ir.name();
      const kind = wasm[ir.at++];
      if (kind === 0) { ir.skipLeb(); importedFunctions += 1; }
      else if (kind === 1) { ir.at += 1; const f = ir.u32(); ir.skipLeb(); if (f & 1) ir.skipLeb(); }
      else if (kind === 2) { const f = ir.u32(); ir.skipLeb(); if (f & 1) ir.skipLeb(); }
      else { ir.at += 2; importedGlobals += 1; }
    }
  }
  const funcs = sections.find((s) => s.id === 3);
  const fr = new WasmReader(wasm, funcs.payload);
  const params = [];
  for (let n = fr.u32(); n > 0; n--) params.push(types[fr.u32()]);
  return { params, importedGlobals };
}

function localCount(locals) {
  const r = new WasmReader(locals);
  let total = 0;
  for (let n = r.u32(); n > 0; n--) {
    total += r.u32();
    r.at += 1;
  }
  return total;
}

// Returns the module with IC-table counting and the counter exported as kCounterExport.
export function instrumentWithIcCosts(wasm) {
  wasm = Buffer.from(wasm);
  const sections = wasmSections(wasm);
  const { params, importedGlobals } = paramCounts(wasm, sections);
  const globals = sections.find((s) => s.id === 6);
  const localGlobals = globals ? new WasmReader(wasm, globals.payload).u32() : 0;
  const counter = importedGlobals + localGlobals;

  const code = sections.find((s) => s.id === 10);
  const cr = new WasmReader(wasm, code.payload);
  const bodies = [];
  const count = cr.u32();
  for (let i = 0; i < count; i++) {
    const size = cr.u32();
    const body = wasm.subarray(cr.at, cr.at + size);
    cr.at += size;
    const scratchIndex = params[i] + localCount(body);
    const { locals, code: instrs } = instrumentBody(body, counter, scratchIndex);
    // One more local group: the i32 scratch.
    const lr = new WasmReader(locals);
    const groups = lr.u32();
    const newLocals = Buffer.concat([leb(groups + 1), locals.subarray(lr.at), Buffer.of(1, 0x7f)]);
    const newBody = Buffer.concat([newLocals, instrs]);
    bodies.push(leb(newBody.length), newBody);
  }
  const codePayload = Buffer.concat([leb(count), ...bodies]);

  const globalEntry = Buffer.of(0x7e, 0x01, 0x42, 0x00, 0x0b); // mut i64 = i64.const 0
  let globalPayload = Buffer.concat([leb(1), globalEntry]);
  if (globals) {
    const gr = new WasmReader(wasm, globals.payload);
    gr.u32();
    globalPayload = Buffer.concat([leb(localGlobals + 1), wasm.subarray(gr.at, globals.end),
      globalEntry]);
  }

  const exportsSection = sections.find((s) => s.id === 7);
  const er = new WasmReader(wasm, exportsSection.payload);
  const exportCount = er.u32();
  const exportPayload = Buffer.concat([leb(exportCount + 1), wasm.subarray(er.at, exportsSection.end),
    leb(kCounterExport.length), Buffer.from(kCounterExport), Buffer.of(3), leb(counter)]);

  const section = (id, payload) => Buffer.concat([Buffer.of(id), leb(payload.length), payload]);
  const out = [wasm.subarray(0, 8)];
  let globalWritten = false;
  for (const s of sections) {
    if (!globals && !globalWritten && s.id > 6 && s.id !== 0) {
      out.push(section(6, globalPayload));
      globalWritten = true;
    }
    if (s.id === 6) out.push(section(6, globalPayload));
    else if (s.id === 7) out.push(section(7, exportPayload));
    else if (s.id === 10) out.push(section(10, codePayload));
    else out.push(wasm.subarray(s.start, s.end));
  }
  return Buffer.concat(out);
}
