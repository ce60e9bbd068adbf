// Reading and writing the parts of the WebAssembly binary format the test host rewrites: LEB128
// numbers, names, and the sections of a module (magic and version, then sections of an id byte,
// a LEB128 size and the payload). Shared by the table export (ic_host.mjs), instruction counting
// (instruction_counting.mjs, ic_costs.mjs) and the endpoint's metadata (wasm_metadata.mjs).
const decoder = new TextDecoder();

// Reads LEB128 numbers and names from bytes, moving `at` past each.
export class WasmReader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }

  u32() {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return result;
    }
  }

  skipLeb() {
    while (this.bytes[this.at++] & 0x80);
  }

  name() {
    const n = this.u32();
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
}

// An unsigned LEB128 number.
export function leb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

// [{ id, start, payload, end }]: where each section starts, where its payload starts and ends.
export function wasmSections(bytes) {
  const r = new WasmReader(bytes, 8);
  const sections = [];
  while (r.at < bytes.length) {
    const start = r.at;
    const id = bytes[r.at++];
    const size = r.u32();
    sections.push({ id, start, payload: r.at, end: r.at + size });
    r.at += size;
  }
  return sections;
}
