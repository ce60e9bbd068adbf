// The JavaScript side of module_io.h: instantiates a synth parity module (which must import
// nothing, as a canister can provide no imports), copies bytes in and reads its output buffer.
import { readFileSync } from 'node:fs';

export function openModule(wasmPath) {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 0) {
    console.error(`FAIL: the module imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}`);
    process.exit(1);
  }
  const wasm = new WebAssembly.Instance(module, {}).exports;
  wasm._initialize();
  const bytes = () => new Uint8Array(wasm.memory.buffer);
  // Copies data into a fresh hyv_alloc block; the caller frees it with wasm.hyv_free(pointer).
  const copyIn = (data) => {
    const p = wasm.hyv_alloc(data.length);
    bytes().set(data, p);
    return [p, data.length];
  };
  const output = () => Buffer.from(bytes().slice(wasm.hyv_out_ptr(), wasm.hyv_out_ptr() + wasm.hyv_out_len()));
  return { wasm, copyIn, output };
}
