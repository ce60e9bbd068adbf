// A wasm module's sections (WebAssembly binary format: magic and version, then sections of an
// id byte, a LEB128 size and the payload), for the test host and the endpoint's metadata.

// Reads LEB128 u32s from bytes, moving `at` past each.
export class WasmCursor {
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
}

// [{ id, start, payload, end }]: where each section starts, where its payload starts and ends.
export function wasmSections(bytes) {
  const c = new WasmCursor(bytes, 8);
  const sections = [];
  while (c.at < bytes.length) {
    const start = c.at;
    const id = bytes[c.at++];
    const size = c.u32();
    sections.push({ id, start, payload: c.at, end: c.at + size });
    c.at += size;
  }
  return sections;
}
