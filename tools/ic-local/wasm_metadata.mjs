// A canister module's metadata (IC interface specification: "Canister information"): its
// custom sections named `icp:public <name>` / `icp:private <name>`, which read_state shows at
// /canister/<id>/metadata/<name> (private ones to controllers only).
const decoder = new TextDecoder();

export function wasmMetadata(bytes) {
  const out = new Map();
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61) return out; // not plain wasm
  let at = 8;
  const u32 = () => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 0) {
      const nameLength = u32();
      const name = decoder.decode(bytes.subarray(at, at + nameLength));
      const content = bytes.subarray(at + nameLength, end);
      const m = /^icp:(public|private) (.+)$/.exec(name);
      if (m) out.set(m[2], { visibility: m[1], content: Uint8Array.from(content) });
    }
    at = end;
  }
  return out;
}
