// The test host (ic_host.mjs) keeps the IC semantics the canister tests rely on, checked with a
// probe canister (hosts/canister/testing/host_probe.cpp) that counts on its heap and in stable
// memory: a trapped update leaves both as they were, queries keep nothing, upgrade keeps only
// stable memory, install starts from nothing, replying twice or calling outside a message traps.
// Usage: node tests/canister/ic_host_test.mjs path/to/hyv_host_probe.wasm
import assert from 'node:assert/strict';
import { IcHost, LIMITS } from '../../tools/ic-local/ic_host.mjs';

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

// Instruction counting: performance_counter counts what ran, in proportion to the work.
const u64 = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const burned = (r) => {
  const [before, after] = counters(r);
  assert.ok(before > 0n && after > before, `counter must grow: ${before} -> ${after}`);
  return after - before;
};
const small = burned(host.update('burn', u64(100_000), me));
const large = burned(host.update('burn', u64(1_000_000), me));
assert.ok(small >= 200_000n && small <= 3_000_000n, `100k iterations counted as ${small}`);
const ratio = Number(large) / Number(small);
assert.ok(ratio > 9.5 && ratio < 10.5, `10x the work must count ~10x the instructions: ${ratio}`);
assert.ok(host.lastInstructions >= large, 'the message counted at least its loop');
assert.deepEqual(LIMITS, { update: 40_000_000_000n, query: 5_000_000_000n,
  system: 300_000_000_000n }, 'the IC limits per message kind');

// Limits: a message past its limit traps and is rolled back (lowered here so the test is fast).
const limited = new IcHost(wasmPath, { controllers: [me], limits: { update: 50_000_000n,
  query: 20_000_000n } });
limited.install(me);
const lpeek = () => counters(limited.query('peek', new Uint8Array(0), me));
assert.deepEqual(counters(limited.update('bump', Uint8Array.of(0), me)), [1n, 1n]);
const perIteration = Number(small) / 100_000;
const iterations = (instructions) => Math.ceil(instructions / perIteration);
burned(limited.update('burn', u64(iterations(40_000_000)), me));
assert.deepEqual(lpeek(), [2n, 2n], 'a burn under the limit keeps its changes');
const over = limited.update('burn', u64(iterations(60_000_000)), me);
assert.match(over.trap ?? '', /instruction limit exceeded/, JSON.stringify(over));
assert.deepEqual(lpeek(), [2n, 2n], 'an update past the limit changes nothing');
burned(limited.query('burn_query', u64(iterations(15_000_000)), me));
const qover = limited.query('burn_query', u64(iterations(25_000_000)), me);
assert.match(qover.trap ?? '', /instruction limit exceeded/, 'queries have their own limit');
assert.deepEqual(limited.upgrade(me), {}, 'an instrumented canister upgrades');
assert.deepEqual(lpeek(), [0n, 2n]);

// The replica's cost table (ic_costs.mjs, our own metering pass): on integer code, where its costs
// and ic-wasm's agree, it must count what ic-wasm counts; it limits messages the same way.
const ic = new IcHost(wasmPath, { controllers: [me], costs: 'ic', limits: { update: 50_000_000n } });
ic.install(me);
const icSmall = burned(ic.update('burn', u64(100_000), me));
const drift = Math.abs(Number(icSmall - small)) / Number(small);
assert.ok(drift < 0.001, `IC-table count ${icSmall} vs ic-wasm ${small}`);
assert.match(ic.update('burn', u64(iterations(60_000_000)), me).trap ?? '', /instruction limit/);
assert.deepEqual(ic.upgrade(me), {});
assert.deepEqual(counters(ic.query('peek', new Uint8Array(0), me)), [0n, 1n]);
console.log('ic_host: ok');
