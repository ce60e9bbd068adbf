// A canister module's metadata (IC interface specification: "Canister information"): its
// custom sections named `icp:public <name>` / `icp:private <name>`, which read_state shows at
// /canister/<id>/metadata/<name> (private ones to controllers only).
import { WasmReader, wasmSections } from './wasm_sections.mjs';

const decoder = new TextDecoder();

export function wasmMetadata(bytes) {
  const out = new Map();
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61) return out; // not plain wasm
  for (const { id, payload, end } of wasmSections(bytes)) {
    if (id !== 0) continue;
    const c = new WasmReader(bytes, payload);
    const nameLength = c.u32();
    const name = decoder.decode(bytes.subarray(c.at, c.at + nameLength));
    const content = bytes.subarray(c.at + nameLength, end);
    const m = /^icp:(public|private) (.+)$/.exec(name);
    if (m) out.set(m[2], { visibility: m[1], content: Uint8Array.from(content) });
  }
  return out;
}
