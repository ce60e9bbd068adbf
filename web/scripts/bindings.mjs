// The IC bindings (src/bindings) from the canisters' .did files, by @icp-sdk/bindgen; a binding
// newer than its .did is left as it is, so tests running beside a build do not rewrite files the
// build is reading (and do not make web/dist look out of date).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

for (const name of ['hyv_generator', 'hyv_ai_engine']) {
  const did = `../hosts/canister/${name}.did`;
  const out = `src/bindings/${name}.ts`;
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(did).mtimeMs) continue;
  execFileSync(
    'node_modules/.bin/icp-bindgen',
    ['--did-file', did, '--out-dir', 'src/bindings', '--force'],
    { stdio: 'inherit' },
  );
}
