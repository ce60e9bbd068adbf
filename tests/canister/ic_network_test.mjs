// The test network (ic_network.mjs) keeps the IC's semantics for inter-canister calls, timers and
// cycles, checked with probe canisters (hosts/canister/testing/host_probe.cpp) calling each other:
// reply, reject, a trapping callee (CANISTER_ERROR, its state rolled back), a trapping callback
// (rolled back, cleanup ran), stopped and unknown callees, best-effort timeouts (SYS_UNKNOWN),
// ordered requests and unordered replies, timers that fire only after their deadline, cycles
// moved and refunded, and upgrades while calls are in flight.
// Usage: node tests/canister/ic_network_test.mjs path/to/hyv_host_probe.wasm
import assert from 'node:assert/strict';
import { DEFAULT_CYCLES, IcHost } from '../../tools/ic-local/ic_host.mjs';
import { IcNetwork, REJECT } from '../../tools/ic-local/ic_network.mjs';

const wasmPath = process.argv[2];
if (!wasmPath) throw new Error('usage: ic_network_test.mjs hyv_host_probe.wasm');
const me = Uint8Array.of(1, 2, 3);
const S = 1_000_000_000n;
const none = new Uint8Array(0);

const u64 = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const readU64 = (bytes, at = 0) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
const cat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
const text = (bytes) => Buffer.from(bytes).toString('utf8');

// The probe's CALL header: callee, method, cycles, timeout (none: 0xffffffff), flags.
// replyInCallback (fanout): the callbacks try to reply although fanout has replied already.
const header = (callee, method, { cycles = 0n, timeout = null, trapInCallback = false,
                                  replyInCallback = false } = {}) => {
  const t = new Uint8Array(4);
  new DataView(t.buffer).setUint32(0, timeout === null ? 0xffffffff : timeout, true);
  return cat([callee.length], callee, [method.length], Buffer.from(method), u64(cycles), t,
    [(trapInCallback ? 1 : 0) | (replyInCallback ? 2 : 0)]);
};
const relay = (callee, method, payload = none, opts = {}) =>
  cat(header(callee, method, opts), payload);
const fanout = (callee, method, n, opts = {}) => cat(header(callee, method, opts), [n]);
// relay's reply: what came back to the probe's callback.
const relayed = (r) => {
  assert.ok(r.reply, `expected relay to reply, got ${JSON.stringify(r)}`);
  return { kind: r.reply[0], refunded: readU64(r.reply, 1), body: r.reply.subarray(9) };
};

const net = new IcNetwork({ count: true });
const aId = net.install('a', wasmPath, { controllers: [me] });
const bId = net.install('b', wasmPath, { controllers: [me] });
const cId = net.install('c', wasmPath, { controllers: [me] });
assert.notDeepEqual(aId, bId, 'each canister has its own principal');
const stats = (name) => {
  const r = net.query(name, 'stats', none, me);
  assert.ok(r.reply, JSON.stringify(r));
  const [heap, stable, callbacks, cleanups, timers] = [0, 8, 16, 24, 32].map((at) =>
    readU64(r.reply, at));
  return { heap, stable, callbacks, cleanups, timers };
};
const log = (name, which) => [...net.query(name, which, none, me).reply];

// A reply, message by message: the caller's method, the callee's, then the callback, each its
// own message; the user's answer exists only once the callback has run.
{
  const call = net.submit('a', 'relay', relay(bId, 'echo', Uint8Array.of(7, 8)), me);
  assert.deepEqual(net.pending().map((p) => [p.kind, p.to, p.method]),
    [['ingress', 'a', 'relay']]);
  net.step();
  assert.deepEqual(net.pending().map((p) => [p.kind, p.from, p.to, p.method]),
    [['request', 'a', 'b', 'echo']], 'relay made one call and did not reply itself');
  net.step();
  assert.deepEqual(net.pending().map((p) => [p.kind, p.from, p.to]), [['response', 'b', 'a']]);
  assert.equal(call.result, null, 'no answer before the callback ran');
  assert.deepEqual(log('b', 'echo_log'), [7, 8], 'the callee committed its message already');
  net.step();
  assert.equal(net.step(), null, 'nothing left');
  const r = relayed(call.result);
  assert.deepEqual([r.kind, [...r.body]], [0, [7, 8]]);
  assert.deepEqual(stats('a'), { heap: 0n, stable: 0n, callbacks: 1n, cleanups: 0n, timers: 0n });
  assert.equal(stats('b').heap, 1n);
}

// Rejects: explicit, trapped callee (rolled back), no such method, no reply, unknown canister.
{
  const refused = relayed(net.update('a', 'relay', relay(bId, 'refuse', Buffer.from('no thanks')),
    me));
  assert.deepEqual([refused.kind, text(refused.body)], [REJECT.CANISTER_REJECT, 'no thanks']);

  const before = stats('b');
  const trapped = relayed(net.update('a', 'relay', relay(bId, 'fail'), me));
  assert.equal(trapped.kind, REJECT.CANISTER_ERROR);
  assert.match(text(trapped.body), /^IC0503: canister \S+ trapped explicitly: fail requested$/);
  assert.deepEqual(stats('b'), before, 'the trapped callee changed nothing');

  const missing = relayed(net.update('a', 'relay', relay(bId, 'nope'), me));
  assert.equal(missing.kind, REJECT.CANISTER_ERROR);
  assert.match(text(missing.body), /IC0536: .* has no update method 'nope'/);

  const silent = relayed(net.update('a', 'relay', relay(bId, 'silent'), me));
  assert.equal(silent.kind, REJECT.CANISTER_ERROR);
  assert.match(text(silent.body), /IC0506: .* did not reply/);
  assert.equal(stats('b').heap, before.heap + 1n, 'a method that returns without replying keeps ' +
    'its changes');

  const nobody = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 99, 1, 1);
  const unknown = relayed(net.update('a', 'relay', relay(nobody, 'echo'), me));
  assert.equal(unknown.kind, REJECT.DESTINATION_INVALID);
  assert.match(text(unknown.body), /IC0301: canister \S+ not found/);

  const direct = net.update('b', 'refuse', Buffer.from('to a user'), me);
  assert.deepEqual(direct, { reject: 'to a user', code: REJECT.CANISTER_REJECT });
  assert.equal(net.update('b', 'fail', none, me).code, REJECT.CANISTER_ERROR);
}

// A trap in the callback: the callback is rolled back, the cleanup callback runs on the state
// from before it, and the user gets CANISTER_ERROR since nothing is left to reply.
{
  const a = stats('a');
  const echoed = log('b', 'echo_log').length;
  const r = net.update('a', 'relay', relay(bId, 'echo', Uint8Array.of(1), { trapInCallback: true }),
    me);
  assert.equal(r.code, REJECT.CANISTER_ERROR);
  assert.match(r.reject, /trap requested in the callback/);
  assert.deepEqual(stats('a'), { ...a, cleanups: a.cleanups + 1n },
    'callback rolled back (callbacks unchanged), cleanup counted');
  assert.equal(log('b', 'echo_log').length, echoed + 1, 'the callee kept its message');

  // The same through fault injection: the callback is made to trap.
  net.trapNext('a', { kind: 'reply' });
  const injected = net.update('a', 'relay', relay(bId, 'echo'), me);
  assert.match(injected.reject, /trap injected by the test/);
  assert.equal(stats('a').cleanups, a.cleanups + 2n);
  net.trapNext('b', { method: 'echo' });
  const calleeTrap = relayed(net.update('a', 'relay', relay(bId, 'echo'), me));
  assert.equal(calleeTrap.kind, REJECT.CANISTER_ERROR);
}

// Stopped and stopping callees.
{
  assert.equal(net.stop('b'), 'stopped');
  const stopped = relayed(net.update('a', 'relay', relay(bId, 'echo'), me));
  assert.equal(stopped.kind, REJECT.CANISTER_ERROR);
  assert.match(text(stopped.body), /IC0508: canister \S+ is stopped/);
  assert.match(net.update('b', 'echo', none, me).reject, /is stopped/, 'ingress too');
  net.start('b');

  // b has a call of its own open (a -> b -> c): it stays stopping, rejects new calls, still gets
  // its response, then is stopped.
  const nested = net.submit('a', 'relay', relay(bId, 'relay', relay(cId, 'echo', Uint8Array.of(5))),
    me);
  net.step();
  net.step(); // b ran and called c
  assert.equal(net.stop('b'), 'stopping');
  const [toC] = net.pending();
  net.hold(toC.id);
  const late = relayed(net.update('c', 'relay', relay(bId, 'echo'), me));
  assert.match(text(late.body), /IC0509: canister \S+ is stopping/);
  assert.equal(net.host('b').status, 'stopping');
  net.release(toC.id);
  net.run();
  assert.equal(net.host('b').status, 'stopped', 'stopped once its call came back');
  const outer = relayed(nested.result);
  const inner = relayed({ reply: outer.body });
  assert.deepEqual([outer.kind, inner.kind, [...inner.body]], [0, 0, [5]]);
  net.start('b');
}

// holdRequests: requests to b wait (ingress and a's call) while a's own messages still run.
{
  net.holdRequests('b');
  const direct = net.submit('b', 'echo', Uint8Array.of(1), me);
  const viaA = net.submit('a', 'relay', relay(bId, 'echo', Uint8Array.of(2)), me);
  net.run();
  assert.deepEqual([direct.result, viaA.result], [null, null], 'nothing reached b');
  assert.deepEqual(net.pending().map((m) => [m.kind, m.to]).sort(),
    [['ingress', 'b'], ['request', 'b']]);
  net.holdRequests('b', false);
  net.run();
  assert.deepEqual([...direct.result.reply], [1]);
  assert.deepEqual([...relayed(viaA.result).body], [2]);
}

// call_perform refused (it returns 2): no callback, the probe rejects with call()'s Status message.
{
  const a = stats('a');
  net.refuseCalls('a');
  const r = net.update('a', 'relay', relay(bId, 'echo', none, { cycles: 1000n }), me);
  net.refuseCalls('a', false);
  assert.equal(r.code, REJECT.CANISTER_REJECT);
  assert.match(r.reject, /call to 'echo': the IC could not enqueue it \(call_perform 2\)/);
  assert.deepEqual(stats('a'), a);
  assert.equal(net.host('a').cycles, DEFAULT_CYCLES, 'cycles of a refused call stay');
}

// Best-effort calls: msg_deadline, and SYS_UNKNOWN when the callee does not answer in time.
{
  const start = net.time;
  const bounded = relayed(net.update('a', 'relay', relay(bId, 'info', none, { timeout: 60 }), me));
  const deadline = readU64(bounded.body, 0);
  assert.ok(deadline > start + 60n * S && deadline < start + 61n * S, `deadline ${deadline}`);
  const unbounded = relayed(net.update('a', 'relay', relay(bId, 'info'), me));
  assert.equal(readU64(unbounded.body, 0), 0n, 'no deadline without a timeout');

  // Not delivered in time: the request is dropped, the callee never runs it.
  const echoed = log('b', 'echo_log').length;
  const a0 = net.host('a').cycles;
  const call = net.submit('a', 'relay', relay(bId, 'echo', Uint8Array.of(9), { timeout: 10,
    cycles: 700n }), me);
  net.step();
  const [request] = net.pending();
  net.hold(request.id);
  net.advance(9n * S);
  assert.equal(net.run(), 0, 'nothing to do before the deadline');
  net.advance(2n * S);
  net.run();
  const r = relayed(call.result);
  assert.deepEqual([r.kind, r.refunded], [REJECT.SYS_UNKNOWN, 700n]);
  assert.match(text(r.body), /IC0601: best-effort call to echo timed out after 10 s/);
  assert.equal(net.host('a').cycles, a0, 'the cycles of the undelivered request came back');
  assert.equal(log('b', 'echo_log').length, echoed, 'the dropped request never ran');
  assert.deepEqual(net.pending(), []);

  // Answered but the reply is late: SYS_UNKNOWN, and the cycles the reply refunded are lost.
  const b0 = net.host('b').cycles;
  const late = net.submit('a', 'relay', relay(bId, 'accept', u64(300), { cycles: 1000n,
    timeout: 5 }), me);
  net.step();
  net.step();
  const [response] = net.pending();
  assert.equal(response.kind, 'response');
  net.hold(response.id);
  net.advance(6n * S);
  net.run();
  const lost = relayed(late.result);
  assert.deepEqual([lost.kind, lost.refunded], [REJECT.SYS_UNKNOWN, 0n]);
  assert.equal(net.host('a').cycles, a0 - 1000n);
  assert.equal(net.host('b').cycles, b0 + 300n, 'the callee did run it');
}

// Ordering: requests from a to b start in the order they were made; replies in any order.
{
  const base = log('b', 'echo_log').length;
  const call = net.submit('a', 'fanout', fanout(bId, 'echo', 5), me);
  net.step();
  const requests = net.pending();
  assert.deepEqual(requests.map((p) => [p.kind, p.to]), Array(5).fill(['request', 'b']));
  assert.throws(() => net.deliver(requests[2].id), /delivers those in order/);
  net.hold(requests[0].id);
  assert.equal(net.step(), null, 'a held request holds back the later ones to the same canister');
  net.release(requests[0].id);
  for (let i = 0; i < 5; i++) net.step();
  assert.deepEqual(log('b', 'echo_log').slice(base), [0, 1, 2, 3, 4]);
  assert.deepEqual(call.result.reply, Uint8Array.of(5), 'fanout replied at once');
  const replies = log('a', 'reply_log').length;
  net.reverseResponses();
  net.run();
  assert.deepEqual(log('a', 'reply_log').slice(replies), [4, 3, 2, 1, 0], 'replies reordered');

  // A call context is answered once: callbacks of an answered call that try to reply trap (and
  // their cleanup runs).
  const cleanups = stats('a').cleanups;
  net.update('a', 'fanout', fanout(bId, 'echo', 2, { replyInCallback: true }), me);
  assert.equal(stats('a').cleanups, cleanups + 2n);
  assert.ok(net.history.slice(-4).some((h) => /needs no response/.test(h.trap ?? '')));

  // Requests to different canisters are not ordered with each other.
  net.submit('a', 'fanout', fanout(bId, 'echo', 1), me);
  net.submit('a', 'fanout', fanout(cId, 'echo', 1), me);
  net.step();
  net.step();
  const [toB, toC] = net.pending();
  assert.deepEqual([toB.to, toC.to], ['b', 'c']);
  net.deliver(toC.id);
  net.run();
}

// Timers: canister_global_timer runs once network time passes the deadline, and only then.
{
  const armed = net.time + 5n * S;
  assert.equal(readU64(net.update('a', 'arm', u64(armed), me).reply), 0n, 'no timer before');
  assert.equal(net.host('a').globalTimer, armed);
  net.advance(4n * S);
  net.run();
  assert.equal(stats('a').timers, 0n, 'not yet');
  net.advance(1n * S);
  net.run();
  assert.equal(stats('a').timers, 1n, 'fired after the deadline');
  assert.equal(net.host('a').globalTimer, 0n, 'cleared once it fired');
  net.advance(10n * S);
  net.run();
  assert.equal(stats('a').timers, 1n, 'once');

  const next = net.time + S;
  net.update('a', 'arm', u64(next), me);
  assert.equal(readU64(net.update('a', 'arm', u64(0), me).reply), next, 'returns the previous');
  net.advance(2n * S);
  net.run();
  assert.equal(stats('a').timers, 1n, 'arm(0) cancelled it');

  net.update('a', 'arm', u64(net.time + S), me);
  net.trapNext('a', { kind: 'timer' });
  net.advance(2n * S);
  net.run();
  assert.equal(stats('a').timers, 1n, 'a trapped timer counts nothing and is not re-armed');
  assert.equal(net.host('a').globalTimer, 0n);

  net.update('b', 'arm', u64(net.time + S), me);
  assert.deepEqual(net.upgrade('b'), {});
  net.advance(2n * S);
  net.run();
  assert.equal(stats('b').timers, 0n, 'an upgrade clears the timer');
}

// Cycles: sent with the call, the callee accepts some, the rest comes back with the reply.
{
  const [a0, b0] = [net.host('a').cycles, net.host('b').cycles];
  const r = relayed(net.update('a', 'relay', relay(bId, 'accept', u64(300), { cycles: 1000n }),
    me));
  assert.deepEqual([r.kind, readU64(r.body), r.refunded], [0, 300n, 700n]);
  assert.equal(net.host('a').cycles, a0 - 300n);
  assert.equal(net.host('b').cycles, b0 + 300n);
  const trapped = relayed(net.update('a', 'relay', relay(bId, 'fail', none, { cycles: 500n }), me));
  assert.deepEqual([trapped.kind, trapped.refunded], [REJECT.CANISTER_ERROR, 500n]);
  assert.equal(net.host('a').cycles, a0 - 300n, 'a trapped callee refunds everything');
  const info = relayed(net.update('a', 'relay', relay(bId, 'info'), me)).body;
  assert.equal(readU64(info, 8), net.host('b').cycles, 'canister_cycle_balance128');
  assert.equal(readU64(info, 16), 0n, 'the high half of the balance');
  assert.equal(info[24], 1, 'canister_status: running');
  assert.deepEqual([...info.subarray(28, 39)], [10, ...bId], 'canister_self');
  assert.deepEqual([...info.subarray(39)], [...aId], 'msg_caller is the calling canister');
  const balance = net.host('a').cycles;
  const over = net.update('a', 'relay', relay(bId, 'echo', none, { cycles: balance + 1n }), me);
  assert.equal(over.code, REJECT.CANISTER_REJECT);
  assert.match(over.reject, /cycles attached but only \d+ can be spent/);
  assert.equal(net.host('a').cycles, balance);
}

// Upgrades while calls are in flight: the callback runs in the new module (fresh heap) at the
// same table index with the same env, as on the IC.
{
  const call = net.submit('a', 'relay', relay(bId, 'echo', Uint8Array.of(3)), me);
  net.step();
  const stable = stats('a').stable;
  assert.deepEqual(net.upgrade('a'), {});
  assert.deepEqual(stats('a'), { heap: 0n, stable, callbacks: 0n, cleanups: 0n, timers: 0n });
  net.run();
  const r = relayed(call.result);
  assert.deepEqual([r.kind, [...r.body]], [0, [3]], 'the callback replied after the upgrade');
  assert.equal(stats('a').callbacks, 1n);

  // The middle canister of a -> b -> c upgraded while it waits for c.
  const nested = net.submit('a', 'relay', relay(bId, 'relay', relay(cId, 'echo', Uint8Array.of(4))),
    me);
  net.step();
  net.step();
  assert.deepEqual(net.upgrade('b'), {});
  net.run();
  assert.deepEqual([...relayed({ reply: relayed(nested.result).body }).body], [4]);
}

// Instructions are counted per message, and limits hold per message.
{
  const counted = net.history.filter((h) => h.kind === 'reply' && h.instructions > 0n);
  assert.ok(counted.length > 0, 'callbacks are counted');
  const limited = new IcNetwork({ limits: { update: 20_000_000n } });
  limited.install('x', wasmPath, { controllers: [me] });
  const over = limited.update('x', 'burn', u64(10_000_000), me);
  assert.equal(over.code, REJECT.CANISTER_ERROR);
  assert.match(over.reject, /IC0522: canister \S+ exceeded the instruction limit/);
  assert.equal(limited.update('x', 'burn', u64(1000), me).reply.length, 16);
}

// A lone IcHost has no other canisters: ic0.call_new traps with a pointer to IcNetwork.
{
  const host = new IcHost(wasmPath, { controllers: [me], count: false });
  host.install(me);
  assert.match(host.update('relay', relay(bId, 'echo'), me).trap, /IcNetwork/);
}
console.log('ic_network: ok');
