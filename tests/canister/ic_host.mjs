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
// Not modelled (yet): cycles, inter-canister calls, time passing on its own (time advances 1 ms
// per call so it is deterministic), canister_inspect_message.
import { readFileSync } from 'node:fs';
import { instrumentForCounting, kCounterExport } from './instruction_counting.mjs';
import { instrumentWithIcCosts, systemApiCost } from './ic_costs.mjs';

export const ANONYMOUS = Uint8Array.of(4);
const PAGE = 65536;

class Trap extends Error {}

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
  constructor(wasmPath, { controllers = [], maxStablePages = 1n << 20n, count = true,
                          limits = {}, trace = null, costs = 'ic-wasm' } = {}) {
    this.maxStablePages = maxStablePages;
    const bytes = readFileSync(wasmPath);
    this.counting = count;
    this.limits = { ...LIMITS, ...limits };
    this.costs = costs;
    if (!count) this.moduleBytes = bytes;
    else if (costs === 'ic') this.moduleBytes = instrumentWithIcCosts(bytes);
    else this.moduleBytes = instrumentForCounting(bytes, trace);
    this.module = new WebAssembly.Module(this.moduleBytes);
    this.controllers = controllers.map((c) => Uint8Array.from(c));
    this.stable = new StableMemory();
    this.instance = null;
    this.timeNs = 1_700_000_000_000_000_000n;
    this.logs = [];
    this.performanceCounter = null;
    // Instructions of the last message that ran (counted, whatever performanceCounter says).
    this.lastInstructions = 0n;
  }

  install(caller) {
    this.stable = new StableMemory();
    this.instance = this.#instantiate();
    const r = this.#run('canister_init', new Uint8Array(0), caller, { system: true });
    if (r.trap !== undefined) throw new Error(`canister_init trapped: ${r.trap}`);
  }

  upgrade(caller) {
    const before = { heap: this.#heap(), stable: this.stable.copy() };
    const pre = this.#run('canister_pre_upgrade', new Uint8Array(0), caller, { system: true });
    if (pre.trap !== undefined) return pre;
    this.instance = this.#instantiate();
    const post = this.#run('canister_post_upgrade', new Uint8Array(0), caller, { system: true });
    if (post.trap !== undefined) {
      this.#restoreHeap(before.heap);
      this.stable = before.stable;
    }
    return post;
  }

  // Returns { reply: Uint8Array } or { reject: string } or { trap: string }.
  update(method, arg, caller) {
    return this.#run(`canister_update ${method}`, arg, caller, { limit: this.limits.update });
  }

  query(method, arg, caller) {
    return this.#run(`canister_query ${method}`, arg, caller,
      { limit: this.limits.query, keep: false });
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

  // system: install/upgrade hooks (the caller of #run handles their rollback); keep: false for
  // queries, whose changes are always rolled back.
  #run(exportName, arg, caller, { system = false, limit = this.limits.system, keep = true }) {
    const fn = this.instance.exports[exportName];
    if (fn === undefined) {
      if (system) return {};
      return { reject: `canister has no method '${exportName}'` };
    }
    const before = system ? null : this.#heap();
    if (before) this.stable.begin();
    const rollback = () => {
      this.#restoreHeap(before);
      this.stable.rollback();
    };
    this.timeNs += 1_000_000n;
    this.call = { arg, caller: Uint8Array.from(caller), reply: [], replied: false, reject: null,
                  counterReads: 0, counterStart: this.#counter(), limit };
    try {
      fn();
      this.#checkLimit();
    } catch (e) {
      if (!(e instanceof Trap) && !(e instanceof WebAssembly.RuntimeError)) throw e;
      if (before) rollback();
      return { trap: e.message };
    } finally {
      this.lastInstructions = this.#counter() - this.call.counterStart;
      this.callDone = this.call;
      this.call = null;
    }
    const c = this.callDone;
    let result;
    if (c.reject !== null) result = { reject: c.reject };
    else if (c.replied) result = { reply: new Uint8Array(Buffer.concat(c.reply)) }; // offset 0
    else if (system) result = {};
    else result = { trap: 'canister did not reply' };
    if (before && (!keep || result.trap !== undefined)) rollback();
    else this.stable.undo = null;
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
      return c;
    };
    const ic0 = {
      msg_arg_data_size: () => inCall('msg_arg_data_size').arg.length,
      msg_arg_data_copy: (dst, offset, size) =>
        copy(inCall('msg_arg_data_copy').arg, dst, offset, size, 'msg_arg_data_copy'),
      msg_caller_size: () => inCall('msg_caller_size').caller.length,
      msg_caller_copy: (dst, offset, size) =>
        copy(inCall('msg_caller_copy').caller, dst, offset, size, 'msg_caller_copy'),
      msg_reply_data_append: (src, size) => {
        const c = inCall('msg_reply_data_append');
        if (c.replied || c.reject !== null) throw new Trap('reply data appended after replying');
        c.reply.push(Buffer.from(mem().slice(src, src + size)));
      },
      msg_reply: () => {
        respond('msg_reply').replied = true;
      },
      msg_reject: (src, size) => {
        respond('msg_reject').reject = text(src, size);
      },
      canister_self_size: () => 10,
      canister_self_copy: (dst, offset, size) =>
        copy(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1), dst, offset, size, 'canister_self_copy'),
      is_controller: (src, size) => {
        const p = mem().slice(src, src + size);
        return host.controllers.some((c) => Buffer.compare(Buffer.from(c), Buffer.from(p)) === 0)
          ? 1 : 0;
      },
      time: () => host.timeNs,
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
        stable64_write: 2, debug_print: 1, trap: 1 };
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
    return new WebAssembly.Instance(this.module, { ic0 });
  }
}
