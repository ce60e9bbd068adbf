// The test host (ic_host.mjs) keeps the IC semantics the canister tests rely on, checked with a
// probe canister (hosts/canister/testing/host_probe.cpp) that counts on its heap and in stable
// memory: a trapped update leaves both as they were, queries keep nothing, upgrade keeps only
// stable memory, install starts from nothing, replying twice or calling outside a message traps.
// Usage: node tests/canister/ic_host_test.mjs path/to/hyv_host_probe.wasm
import assert from 'node:assert/strict';
import { IcHost } from './ic_host.mjs';

const wasmPath = process.argv[2];
if (!wasmPath) throw new Error('usage: ic_host_test.mjs hyv_host_probe.wasm');
const me = Uint8Array.of(1, 2, 3);
const host = new IcHost(wasmPath, { controllers: [me] });
const counters = (r) => {
  assert.ok(r.reply, `expected a reply, got ${JSON.stringify(r)}`);
  const v = new DataView(r.reply.buffer, r.reply.byteOffset, r.reply.byteLength);
  return [v.getBigUint64(0, true), v.getBigUint64(8, true)];
};
const peek = () => counters(host.query('peek', new Uint8Array(0), me));

host.install(me);
assert.deepEqual(peek(), [0n, 0n]);
assert.deepEqual(counters(host.update('bump', Uint8Array.of(0), me)), [1n, 1n]);
assert.deepEqual(counters(host.update('bump', Uint8Array.of(0), me)), [2n, 2n]);

const trapped = host.update('bump', Uint8Array.of(1), me);
assert.match(trapped.trap, /trap requested after the changes/);
assert.deepEqual(peek(), [2n, 2n], 'a trapped update changes neither heap nor stable memory');
assert.deepEqual(counters(host.update('bump', Uint8Array.of(0), me)), [3n, 3n],
  'the canister works normally after a trap');

assert.deepEqual(counters(host.query('bump_query', new Uint8Array(0), me)), [4n, 4n]);
assert.deepEqual(peek(), [3n, 3n], 'a query keeps nothing');

assert.deepEqual(host.upgrade(me), {});
assert.deepEqual(peek(), [0n, 3n], 'an upgrade resets the heap and keeps stable memory');
assert.deepEqual(counters(host.update('bump', Uint8Array.of(0), me)), [1n, 4n]);

assert.match(host.update('nope', new Uint8Array(0), me).reject, /has no method/);

host.install(me);
assert.deepEqual(peek(), [0n, 0n], 'install starts from nothing');
console.log('ic_host: ok');
