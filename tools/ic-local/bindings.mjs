// Candid interfaces of Hyv's canisters for Node tools, generated from hosts/canister/*.did by
// @icp-sdk/bindgen (the web app's pinned devDependency) into build/ic-local/bindings, so no
// interface is written by hand twice. Regenerated when a .did file is newer than its output.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CANISTERS = ['hyv_generator', 'hyv_ai_engine'];
const OUT = `${ROOT}build/ic-local/bindings`;
const BINDGEN = `${ROOT}web/node_modules/.bin/icp-bindgen`;

function generate(name) {
  const did = `${ROOT}hosts/canister/${name}.did`;
  const js = `${OUT}/declarations/${name}.did.js`;
  if (existsSync(js) && statSync(js).mtimeMs >= statSync(did).mtimeMs) return js;
  if (!existsSync(BINDGEN)) {
    throw new Error(`${BINDGEN} is missing: install the web app's npm packages (make deps)`);
  }
  execFileSync(BINDGEN, ['--did-file', did, '--out-dir', OUT, '--actor-disabled', '--force'],
    { stdio: 'pipe' });
  return js;
}

// { hyv_generator: idlFactory, hyv_ai_engine: idlFactory }
export async function loadIdlFactories() {
  const out = {};
  for (const name of CANISTERS) {
    out[name] = (await import(pathToFileURL(generate(name)).href)).idlFactory;
  }
  return out;
}
