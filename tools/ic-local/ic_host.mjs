// A test fixture, not an IC replica: runs a built canister module in Node's WebAssembly runtime
// with the ic0 system API it imports, following the IC's semantics where our tests rely on them:
//   - update calls keep their changes unless they trap; a trap rolls back the heap and stable
//     memory to where they were before the call;
//   - queries never keep changes (state is restored after every query);
//   - install starts from nothing and calls canister_init; upgrade calls canister_pre_upgrade,
//     keeps only stable memory, starts a fresh heap and calls canister_post_upgrade (a trap there
//     leaves the canister as before the upgrade);
//   - is_controller answers from the controllers given to the host; the caller is given per call.
//   - instructions are counted (instruction_counting.mjs: the module is run through
//     `ic-wasm instrument`, whose per-block costs approximate the IC's): performance_counter
//     returns the instructions of the current message so far, and a message that goes past its
//     limit (40B for an update, 5B for a query, 300B for install and upgrade; tests may lower
//     them) traps with "instruction limit exceeded" and is rolled back. The limit is checked
//     whenever the canister calls into the host and when the message ends, so an overrun is
//     caught late but never missed.
//   - host.performanceCounter, when a test sets it, replaces the counted value:
//     performance_counter returns host.performanceCounter(reads, counted), where reads is how many
//     times the current message has read it before and counted the real count, e.g.
//     (n) => (n >= 3 ? 40_000_000_000n : 0n) makes a canister's instruction budget run out after
//     three reads, (n, c) => c + 39_000_000_000n as if the message had started 39B in.
//   - the canister's function table is exported as "table" when the module does not export it,
//     as the replica's own instrumentation does (wasm-ld keeps it internal unless --export-table),
//     so that callbacks, which are table indices, can be called;
//   - a canister's cycle balance (host.cycles), global timer (host.globalTimer) and status
//     (host.status) are what the system API reports; a message that traps changes none of them.
// One IcHost is one canister. Inter-canister calls, timers firing and cycles moving with calls
// need several canisters and a scheduler: IcNetwork (ic_network.mjs) runs IcHosts through
// host.execute(). A lone IcHost traps at ic0.call_new.
// Not modelled (yet): time passing on its own (time advances 1 ms per call so it is
// deterministic), cycles charged for execution and storage, freezing (the liquid balance is the
// balance), composite queries, canister_inspect_message.
import { readFileSync } from 'node:fs';
import { instrumentForCounting, kCounterExport } from './instruction_counting.mjs';
import { leb, WasmReader, wasmSections } from './wasm_sections.mjs';
import { instrumentWithIcCosts, systemApiCost } from './ic_costs.mjs';

export const ANONYMOUS = Uint8Array.of(4);
// The management canister (aaaaa-aa): the caller of system tasks such as canister_global_timer.
export const MANAGEMENT = new Uint8Array(0);
// The cycles a canister starts with unless told otherwise.
export const DEFAULT_CYCLES = 100_000_000_000_000n;
// The IC bounds best-effort call timeouts to this many seconds (MAX_CALL_TIMEOUT).
export const MAX_CALL_TIMEOUT_S = 300;
const PAGE = 65536;
const STATUS_CODE = { running: 1, stopping: 2, stopped: 3 };

export class Trap extends Error {}

// The replica exports a canister's table itself to call callbacks by index; do the same when the
// module does not (wasm-ld exports it only with --export-table). Returns [bytes, table export].
function withTableExport(wasm) {
  const sections = wasmSections(wasm);
  const c = new WasmReader(wasm);
  const u32 = () => c.u32();
  const find = (id) => sections.find((s) => s.id === id);
  let tables = find(4) ? 1 : 0; // wasm-ld defines at most one table
  const imports = find(2);
  if (imports) {
    c.at = imports.payload;
    for (let n = u32(); n > 0; n--) {
      c.at += u32();
      c.at += u32();
      const kind = wasm[c.at++];
      if (kind === 0) u32();
      else if (kind === 1) {
        tables += 1;
        c.at += 1;
        if (u32() & 1) u32();
        u32();
      } else if (kind === 2) {
        if (u32() & 1) u32();
        u32();
      } else c.at += 2;
    }
  }
  const exports = find(7);
  if (tables === 0 || exports === undefined) return [wasm, null];
  c.at = exports.payload;
  const count = u32();
  const entries = c.at;
  for (let i = 0; i < count; i++) {
    const n = u32();
    const name = Buffer.from(wasm.subarray(c.at, c.at + n)).toString('utf8');
    c.at += n;
    const kind = wasm[c.at++];
    u32();
    if (kind === 1) return [wasm, name];
  }
  const payload = Buffer.concat([leb(count + 1), wasm.subarray(entries, exports.end),
    leb(5), Buffer.from('table'), Buffer.of(1, 0)]);
  return [Buffer.concat([wasm.subarray(0, exports.start), Buffer.of(7), leb(payload.length),
    payload, wasm.subarray(exports.end)]), 'table'];
}

// 128-bit cycle amounts as the system API passes them: (high, low) i64 halves in, 16
// little-endian bytes out.
const u128 = (high, low) => (BigInt.asUintN(64, high) << 64n) | BigInt.asUintN(64, low);
function u128Bytes(v) {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, v), true);
  view.setBigUint64(8, BigInt.asUintN(64, v >> 64n), true);
  return b;
}

// Stable memory with an undo log, so that rolling back a message costs what it wrote, not the
// whole memory (a DistilGPT-2 checkpoint is 330 MB of it).
class StableMemory {
  constructor() {
    this.bytes = new Uint8Array(0); // capacity; [size, capacity) is zero
    this.size = 0;
    this.undo = null;
  }
  pages() {
    return this.size / PAGE;
  }
  grow(pages) {
    const size = this.size + pages * PAGE;
    if (size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(size, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.size = size;
  }
  view(offset, size) {
    return this.bytes.subarray(offset, offset + size);
  }
  write(offset, data) {
    if (this.undo) this.undo.push([offset, this.bytes.slice(offset, offset + data.length)]);
    this.bytes.set(data, offset);
  }
  // Changes from here on can be rolled back.
  begin() {
    this.undo = [];
    this.undoSize = this.size;
  }
  rollback() {
    for (let i = this.undo.length - 1; i >= 0; i--) this.bytes.set(this.undo[i][1], this.undo[i][0]);
    this.bytes.fill(0, this.undoSize, this.size);
    this.size = this.undoSize;
    this.undo = null;
  }
  copy() {
    const c = new StableMemory();
    c.bytes = this.bytes.slice(0, this.size);
    c.size = this.size;
    return c;
  }
}

export const LIMITS = { update: 40_000_000_000n, query: 5_000_000_000n, system: 300_000_000_000n };

export class IcHost {
  // maxStablePages: stable64_grow fails beyond it (the IC's limit is far higher; tests lower it).
  // count: run the module instrumented (false: performance_counter is 0 and nothing is limited).
  // limits: instructions per message kind, LIMITS unless given.
  // trace: profiling only (bench/canister_profile.mjs), see instrumentForCounting.
  // costs: 'ic-wasm' (ic-wasm instrument's table) or 'ic' (the replica's table, ic_costs.mjs,
  // with system API calls charged too).
  // id: the canister's principal (canister_self), cycles: its starting balance.
  constructor(wasmPath, { controllers = [], maxStablePages = 1n << 20n, count = true,
                          limits = {}, trace = null, costs = 'ic-wasm',
                          id = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1),
                          cycles = DEFAULT_CYCLES } = {}) {
    this.maxStablePages = maxStablePages;
    this.counting = count;
    this.limits = { ...LIMITS, ...limits };
    this.costs = costs;
    this.trace = trace;
    this.#load(wasmPath);
    this.controllers = controllers.map((c) => Uint8Array.from(c));
    this.id = Uint8Array.from(id);
    this.cycles = BigInt(cycles);
    this.globalTimer = 0n; // 0: not set
    this.status = 'running';
    this.stable = new StableMemory();
    this.instance = null;
    this.timeNs = 1_700_000_000_000_000_000n;
    this.logs = [];
    this.performanceCounter = null;
    // Instructions of the last message that ran (counted, whatever performanceCounter says).
    this.lastInstructions = 0n;
  }

  #load(wasmPath) {
    const bytes = readFileSync(wasmPath);
    let moduleBytes;
    if (!this.counting) moduleBytes = bytes;
    else if (this.costs === 'ic') moduleBytes = instrumentWithIcCosts(bytes);
    else moduleBytes = instrumentForCounting(bytes, this.trace);
    [this.moduleBytes, this.tableExport] = withTableExport(moduleBytes);
    this.module = new WebAssembly.Module(this.moduleBytes);
  }

  // arg: canister_init's argument (msg_arg_data), empty unless given.
  install(caller, arg = new Uint8Array(0)) {
    this.stable = new StableMemory();
    this.globalTimer = 0n;
    this.instance = this.#instantiate();
    const r = this.#execute({ kind: 'init', entry: 'canister_init', arg, caller });
    if (r.trap !== undefined) throw new Error(`canister_init trapped: ${r.trap}`);
  }

  // wasmPath: upgrade to another module (the same one unless given); arg: canister_post_upgrade's
  // argument. The global timer is cleared, as the IC does on every code change.
  upgrade(caller, { wasmPath = null, arg = new Uint8Array(0) } = {}) {
    const before = { heap: this.#heap(), stable: this.stable.copy(), timer: this.globalTimer,
                     module: [this.module, this.moduleBytes, this.tableExport] };
    const restore = () => {
      [this.module, this.moduleBytes, this.tableExport] = before.module;
      this.#restoreHeap(before.heap);
      this.stable = before.stable;
      this.globalTimer = before.timer;
    };
    const pre = this.#execute({ kind: 'pre_upgrade', entry: 'canister_pre_upgrade',
                                arg: new Uint8Array(0), caller });
    if (pre.trap !== undefined) {
      restore();
      return { trap: pre.trap };
    }
    if (wasmPath) this.#load(wasmPath);
    this.globalTimer = 0n;
    this.instance = this.#instantiate();
    const post = this.#execute({ kind: 'post_upgrade', entry: 'canister_post_upgrade', arg,
                                 caller });
    if (post.trap !== undefined) {
      restore();
      return { trap: post.trap };
    }
    return {};
  }

  // Returns { reply: Uint8Array } or { reject: string } or { trap: string }.
  update(method, arg, caller) {
    const r = this.#execute({ kind: 'update', entry: `canister_update ${method}`, arg, caller,
                              alone: true });
    return this.#alone(r);
  }

  query(method, arg, caller) {
    const r = this.#execute({ kind: 'query', entry: `canister_query ${method}`, arg, caller,
                              alone: true });
    return this.#alone(r);
  }

  // The answer a lone host gives: no callbacks can reply later, so no reply is a trap (and
  // rolled back, which #execute did).
  #alone(r) {
    if (r.missing) return { reject: `canister has no method '${r.missing}'` };
    if (r.trap !== undefined) return { trap: r.trap };
    if (r.reject !== undefined) return { reject: r.reject };
    return { reply: r.reply };
  }

  // Runs one message for IcNetwork (ic_network.mjs) and reports what it did; IcNetwork delivers
  // the calls and the response. m:
  //   kind: 'update' | 'query' | 'reply' | 'reject' | 'cleanup' | 'timer'
  //   method (update, query) or callback { fun, env } (reply, reject, cleanup): what to run
  //   arg, caller, time: the message's argument (the reply's bytes in a reply callback), the
  //     caller of its call context, ic0.time
  //   needsToRespond: whether the call context still awaits msg_reply / msg_reject
  //   rejectCode, rejectMessage (reject callbacks; rejectCode also in a cleanup after one),
  //   cyclesAvailable (the call context's cycles not yet accepted), cyclesRefunded, deadline
  // Returns { missing } when there is no such method, else { trap? , trapKind?, reply?,
  // reject?, calls, cyclesAccepted }. A trapped message changes nothing (heap, stable memory,
  // balance, timer); otherwise the balance (less cycles sent with the calls, plus cycles
  // accepted) and the timer are kept, except for a query, which keeps nothing.
  execute(m) {
    const entry = m.kind === 'update' ? `canister_update ${m.method}`
      : m.kind === 'query' ? `canister_query ${m.method}`
        : m.kind === 'timer' ? 'canister_global_timer' : null;
    return this.#execute({ ...m, entry, calls: true });
  }

  // Whether the module has this entry point ('canister_update NAME', 'canister_global_timer').
  exports(name) {
    return this.instance !== null && this.instance.exports[name] !== undefined;
  }

  // Grows stable memory behind the canister's back (a profiling trace region).
  growStable(pages) {
    this.stable.grow(pages);
  }

  // Stable memory now (a view: copy it to keep it).
  stableBytes() {
    return this.stable.view(0, this.stable.size);
  }

  // Bytes of the heap (wasm memory) in use now.
  heapBytes() {
    return this.instance.exports.memory.buffer.byteLength;
  }

  #heap() {
    return new Uint8Array(this.instance.exports.memory.buffer).slice();
  }

  // A fresh instance with the saved heap: its only mutable global (the stack pointer) starts at
  // its initial value, which is where every completed call leaves it.
  #restoreHeap(heap) {
    this.instance = this.#instantiate();
    const memory = this.instance.exports.memory;
    const pages = heap.length / PAGE - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    new Uint8Array(memory.buffer).set(heap);
  }

  #counter() {
    return this.counting ? this.instance.exports[kCounterExport].value : 0n;
  }

  // Throws a Trap once the current message has run past its limit.
  #checkLimit() {
    const c = this.call;
    if (c && this.#counter() - c.counterStart > c.limit) {
      throw new Trap(`instruction limit exceeded: more than ${c.limit} instructions`);
    }
  }

  // The function a message runs: an export, or a callback's table entry (a missing or mistyped
  // one traps, as on the IC).
  #entryFunction(m) {
    if (m.entry !== null) return this.instance.exports[m.entry];
    const table = this.tableExport && this.instance.exports[this.tableExport];
    const fn = table && m.callback.fun < table.length ? table.get(m.callback.fun) : null;
    if (typeof fn !== 'function' || fn.length !== 1) {
      return () => {
        throw new Trap(`callback ${m.callback.fun} is not a function (env) -> () of the table`);
      };
    }
    return () => fn(m.callback.env);
  }

  // Runs one message. Install and upgrade hooks (init, pre_upgrade, post_upgrade) are rolled
  // back by their callers; every other message rolls itself back when it traps, and a query
  // always. alone: a message of a lone IcHost (no calls; no reply means a trap).
  #execute(m) {
    const system = ['init', 'pre_upgrade', 'post_upgrade'].includes(m.kind);
    const fn = this.#entryFunction(m);
    if (fn === undefined) {
      if (system) return {};
      if (m.kind === 'timer') return { calls: [], cyclesAccepted: 0n };
      return { missing: m.entry };
    }
    const before = system ? null : this.#heap();
    if (before) this.stable.begin();
    const rollback = () => {
      this.#restoreHeap(before);
      this.stable.rollback();
    };
    if (m.time !== undefined) this.timeNs = m.time;
    else this.timeNs += 1_000_000n;
    const limit = system ? this.limits.system
      : m.kind === 'query' ? this.limits.query : this.limits.update;
    const respondable = ['update', 'query', 'reply', 'reject'].includes(m.kind);
    this.call = {
      kind: m.kind, arg: m.arg ?? new Uint8Array(0), caller: Uint8Array.from(m.caller ?? []),
      reply: [], replied: false, reject: null,
      needsToRespond: respondable && (m.needsToRespond ?? true),
      rejectCode: m.rejectCode ?? 0, rejectMessage: m.rejectMessage ?? '',
      available: m.cyclesAvailable ?? 0n, accepted: 0n, refunded: m.cyclesRefunded ?? 0n,
      deadline: m.deadline ?? 0n, balance: this.cycles, timer: undefined,
      calls: [], building: null, allowCalls: m.calls === true,
      counterReads: 0, counterStart: this.#counter(), limit,
    };
    try {
      fn();
      this.#checkLimit();
    } catch (e) {
      if (!(e instanceof Trap) && !(e instanceof WebAssembly.RuntimeError)) throw e;
      if (before) rollback();
      const trapKind = e instanceof WebAssembly.RuntimeError ? 'runtime'
        : /^instruction limit exceeded/.test(e.message) ? 'limit' : 'trap';
      return { trap: e.message, trapKind, calls: [], cyclesAccepted: 0n };
    } finally {
      this.lastInstructions = this.#counter() - this.call.counterStart;
      this.callDone = this.call;
      this.call = null;
    }
    const c = this.callDone;
    // A call assembled but not performed is dropped, its cycles back in the balance.
    if (c.building) c.balance += c.building.cycles;
    const result = { calls: c.calls, cyclesAccepted: c.accepted };
    if (c.reject !== null) result.reject = c.reject;
    else if (c.replied) result.reply = new Uint8Array(Buffer.concat(c.reply)); // offset 0
    if (m.alone && result.reply === undefined && result.reject === undefined) {
      result.trap = 'canister did not reply';
    }
    if (before && (m.kind === 'query' || result.trap !== undefined)) {
      rollback();
      return m.kind === 'query' ? { ...result, calls: [], cyclesAccepted: 0n } : result;
    }
    if (before) this.stable.undo = null;
    this.cycles = c.balance;
    if (c.timer !== undefined) this.globalTimer = c.timer;
    return result;
  }

  #instantiate() {
    const host = this;
    const mem = () => new Uint8Array(host.instance.exports.memory.buffer);
    const text = (src, size) => Buffer.from(mem().subarray(src, src + size)).toString('utf8');
    const inCall = (name) => {
      if (!host.call) throw new Trap(`ic0.${name} called outside a message`);
      host.#checkLimit();
      return host.call;
    };
    // Where each system call may be used (the spec's table, for the kinds of message we run);
    // anywhere else it traps, as on the IC.
    const only = (name, kinds) => {
      const c = inCall(name);
      if (!kinds.includes(c.kind)) throw new Trap(`ic0.${name} cannot be called in ${c.kind}`);
      return c;
    };
    const copy = (bytes, dst, offset, size, name) => {
      if (offset + size > bytes.length) throw new Trap(`ic0.${name}: range out of bounds`);
      mem().set(bytes.subarray(offset, offset + size), dst);
    };
    const stableRange = (offset, size, name) => {
      host.#checkLimit();
      const end = offset + size;
      if (end > BigInt(host.stable.size)) throw new Trap(`ic0.${name}: out of bounds`);
      return [Number(offset), Number(end)];
    };
    const respond = (name) => {
      const c = inCall(name);
      if (c.replied || c.reject !== null) throw new Trap(`ic0.${name}: already replied`);
      if (!c.needsToRespond) throw new Trap(`ic0.${name}: this call needs no response`);
      return c;
    };
    const building = (name) => {
      const c = inCall(name);
      if (!c.building) throw new Trap(`ic0.${name}: no call under construction (ic0.call_new)`);
      return c.building;
    };
    const withArg = ['init', 'post_upgrade', 'update', 'query', 'reply'];
    const withCycles = ['update', 'reply', 'reject'];
    const canCall = ['update', 'reply', 'reject', 'timer'];
    const ic0 = {
      msg_arg_data_size: () => only('msg_arg_data_size', withArg).arg.length,
      msg_arg_data_copy: (dst, offset, size) =>
        copy(only('msg_arg_data_copy', withArg).arg, dst, offset, size, 'msg_arg_data_copy'),
      msg_caller_size: () => inCall('msg_caller_size').caller.length,
      msg_caller_copy: (dst, offset, size) =>
        copy(inCall('msg_caller_copy').caller, dst, offset, size, 'msg_caller_copy'),
      msg_reject_code: () => only('msg_reject_code', ['reply', 'reject', 'cleanup']).rejectCode,
      msg_reject_msg_size: () =>
        Buffer.byteLength(only('msg_reject_msg_size', ['reject']).rejectMessage),
      msg_reject_msg_copy: (dst, offset, size) => copy(
        Buffer.from(only('msg_reject_msg_copy', ['reject']).rejectMessage), dst, offset, size,
        'msg_reject_msg_copy'),
      msg_deadline: () => only('msg_deadline', ['update', 'query', 'reply', 'reject']).deadline,
      msg_reply_data_append: (src, size) => {
        const c = inCall('msg_reply_data_append');
        if (c.replied || c.reject !== null) throw new Trap('reply data appended after replying');
        if (!c.needsToRespond) {
          throw new Trap('ic0.msg_reply_data_append: this call needs no response');
        }
        c.reply.push(Buffer.from(mem().slice(src, src + size)));
      },
      msg_reply: () => {
        respond('msg_reply').replied = true;
      },
      msg_reject: (src, size) => {
        const c = respond('msg_reject');
        try {
          c.reject = new TextDecoder('utf-8', { fatal: true }).decode(mem().slice(src, src + size));
        } catch {
          throw new Trap('ic0.msg_reject: the message is not UTF-8');
        }
      },
      msg_cycles_available128: (dst) => {
        const c = only('msg_cycles_available128', withCycles);
        mem().set(u128Bytes(c.available - c.accepted), dst);
      },
      msg_cycles_refunded128: (dst) => {
        mem().set(u128Bytes(only('msg_cycles_refunded128', ['reply', 'reject']).refunded), dst);
      },
      msg_cycles_accept128: (high, low, dst) => {
        const c = only('msg_cycles_accept128', withCycles);
        const want = u128(high, low);
        const left = c.available - c.accepted;
        const moved = want < left ? want : left;
        c.accepted += moved;
        c.balance += moved;
        mem().set(u128Bytes(moved), dst);
      },
      canister_self_size: () => inCall('canister_self_size') && host.id.length,
      canister_self_copy: (dst, offset, size) =>
        copy(inCall('canister_self_copy') && host.id, dst, offset, size, 'canister_self_copy'),
      canister_cycle_balance128: (dst) => {
        mem().set(u128Bytes(inCall('canister_cycle_balance128').balance), dst);
      },
      // No freezing threshold is modelled: all of the balance can be spent.
      canister_liquid_cycle_balance128: (dst) => {
        mem().set(u128Bytes(inCall('canister_liquid_cycle_balance128').balance), dst);
      },
      canister_status: () => inCall('canister_status') && STATUS_CODE[host.status],
      call_new: (calleeSrc, calleeSize, nameSrc, nameSize, replyFun, replyEnv, rejectFun,
                 rejectEnv) => {
        const c = only('call_new', canCall);
        if (!c.allowCalls) {
          throw new Trap('ic0.call_new: a lone IcHost has no other canisters; run it in an ' +
                         'IcNetwork (ic_network.mjs)');
        }
        if (c.building) c.balance += c.building.cycles; // the previous one is discarded
        c.building = {
          callee: mem().slice(calleeSrc, calleeSrc + calleeSize), method: text(nameSrc, nameSize),
          reply: { fun: replyFun >>> 0, env: replyEnv >>> 0 },
          reject: { fun: rejectFun >>> 0, env: rejectEnv >>> 0 }, cleanup: null, arg: [],
          cycles: 0n, timeoutSeconds: null,
        };
      },
      call_on_cleanup: (fun, env) => {
        const b = building('call_on_cleanup');
        if (b.cleanup) throw new Trap('ic0.call_on_cleanup: called twice for one call');
        b.cleanup = { fun: fun >>> 0, env: env >>> 0 };
      },
      call_data_append: (src, size) => {
        building('call_data_append').arg.push(Buffer.from(mem().slice(src, src + size)));
      },
      call_with_best_effort_response: (timeoutSeconds) => {
        const b = building('call_with_best_effort_response');
        if (b.timeoutSeconds !== null) {
          throw new Trap('ic0.call_with_best_effort_response: called twice for one call');
        }
        b.timeoutSeconds = Math.min(timeoutSeconds >>> 0, MAX_CALL_TIMEOUT_S);
      },
      call_cycles_add128: (high, low) => {
        const b = building('call_cycles_add128');
        const c = host.call;
        const amount = u128(high, low);
        if (amount > c.balance) {
          throw new Trap(`ic0.call_cycles_add128: ${amount} cycles is more than the balance ` +
                         `${c.balance}`);
        }
        c.balance -= amount;
        b.cycles += amount;
      },
      call_perform: () => {
        const b = building('call_perform');
        const c = host.call;
        c.building = null;
        if (host.refuseCalls) { // fault injection: the IC could not enqueue it
          c.balance += b.cycles;
          return 2;
        }
        c.calls.push({ ...b, arg: new Uint8Array(Buffer.concat(b.arg)) });
        return 0;
      },
      is_controller: (src, size) => {
        const p = mem().slice(src, src + size);
        return host.controllers.some((c) => Buffer.compare(Buffer.from(c), Buffer.from(p)) === 0)
          ? 1 : 0;
      },
      time: () => host.timeNs,
      global_timer_set: (timestamp) => {
        const c = only('global_timer_set',
          ['init', 'post_upgrade', 'pre_upgrade', 'update', 'reply', 'reject', 'cleanup', 'timer']);
        const previous = c.timer ?? host.globalTimer;
        c.timer = BigInt.asUintN(64, timestamp);
        return previous;
      },
      stable64_size: () => BigInt(host.stable.pages()),
      stable64_grow: (pages) => {
        host.#checkLimit();
        const old = BigInt(host.stable.pages());
        if (old + pages > host.maxStablePages) return -1n;
        host.stable.grow(Number(pages));
        return old;
      },
      stable64_read: (dst, offset, size) => {
        const [b, e] = stableRange(offset, size, 'stable64_read');
        mem().set(host.stable.view(b, e - b), Number(dst));
      },
      stable64_write: (offset, src, size) => {
        const [b] = stableRange(offset, size, 'stable64_write');
        host.stable.write(b, mem().subarray(Number(src), Number(src) + Number(size)));
      },
      performance_counter: () => {
        const c = inCall('performance_counter');
        const reads = c.counterReads++;
        const counted = host.#counter() - c.counterStart;
        if (host.performanceCounter) return BigInt(host.performanceCounter(reads, counted));
        return counted;
      },
      debug_print: (src, size) => host.logs.push(text(src, size)),
      trap: (src, size) => {
        throw new Trap(text(src, size));
      },
    };
    if (this.counting && this.costs === 'ic') {
      // Which argument is a byte count, per system API call (the replica charges per byte).
      const sizeArg = { msg_arg_data_copy: 2, msg_caller_copy: 2, canister_self_copy: 2,
        msg_reply_data_append: 1, msg_reject: 1, is_controller: 1, stable64_read: 2,
        stable64_write: 2, debug_print: 1, trap: 1, msg_reject_msg_copy: 2, call_data_append: 1 };
      for (const [name, fn] of Object.entries(ic0)) {
        ic0[name] = (...args) => {
          if (host.instance) {
            const bytes = sizeArg[name] === undefined ? 0 : Number(args[sizeArg[name]]);
            host.instance.exports[kCounterExport].value += systemApiCost(name, bytes);
          }
          return fn(...args);
        };
      }
    }
    // Only what the module imports: instantiation ignores the rest.
    return new WebAssembly.Instance(this.module, { ic0 });
  }
}
