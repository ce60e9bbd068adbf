// A test fixture, not an IC replica: runs a built canister module in Node's WebAssembly runtime
// with the ic0 system API it imports, following the IC's semantics where our tests rely on them:
//   - update calls keep their changes unless they trap; a trap rolls back the heap and stable
//     memory to where they were before the call;
//   - queries never keep changes (state is restored after every query);
//   - install starts from nothing and calls canister_init; upgrade calls canister_pre_upgrade,
//     keeps only stable memory, starts a fresh heap and calls canister_post_upgrade (a trap there
//     leaves the canister as before the upgrade);
//   - is_controller answers from the controllers given to the host; the caller is given per call.
//   - performance_counter does not count instructions: it returns
//     host.performanceCounter(reads), where reads is how many times the current message has read
//     it before (default: always 0). Tests set it to make a canister's instruction budget run out
//     after a chosen number of reads, e.g. (n) => (n >= 3 ? 35_000_000_000n : 0n).
// Not modelled (yet): instruction limits and cycles, inter-canister calls, time passing on its own
// (time advances 1 ms per call so it is deterministic), canister_inspect_message.
import { readFileSync } from 'node:fs';

export const ANONYMOUS = Uint8Array.of(4);
const PAGE = 65536;

class Trap extends Error {}

export class IcHost {
  // maxStablePages: stable64_grow fails beyond it (the IC's limit is far higher; tests lower it).
  constructor(wasmPath, { controllers = [], maxStablePages = 1n << 20n } = {}) {
    this.maxStablePages = maxStablePages;
    this.module = new WebAssembly.Module(readFileSync(wasmPath));
    this.controllers = controllers.map((c) => Uint8Array.from(c));
    this.stable = new Uint8Array(0);
    this.instance = null;
    this.timeNs = 1_700_000_000_000_000_000n;
    this.logs = [];
    this.performanceCounter = () => 0n;
  }

  install(caller) {
    this.stable = new Uint8Array(0);
    this.instance = this.#instantiate();
    const r = this.#run('canister_init', new Uint8Array(0), caller, { system: true });
    if (r.trap !== undefined) throw new Error(`canister_init trapped: ${r.trap}`);
  }

  upgrade(caller) {
    const before = this.#snapshot();
    const pre = this.#run('canister_pre_upgrade', new Uint8Array(0), caller, { system: true });
    if (pre.trap !== undefined) return pre;
    this.instance = this.#instantiate();
    const post = this.#run('canister_post_upgrade', new Uint8Array(0), caller, { system: true });
    if (post.trap !== undefined) this.#restore(before);
    return post;
  }

  // Returns { reply: Uint8Array } or { reject: string } or { trap: string }.
  update(method, arg, caller) {
    return this.#run(`canister_update ${method}`, arg, caller, {});
  }

  query(method, arg, caller) {
    const before = this.#snapshot();
    const r = this.#run(`canister_query ${method}`, arg, caller, {});
    this.#restore(before);
    return r;
  }

  #snapshot() {
    const memory = this.instance.exports.memory;
    return {
      heap: new Uint8Array(memory.buffer).slice(),
      stable: this.stable.slice(),
      instance: this.instance,
    };
  }

  // A fresh instance with the saved heap: its only mutable global (the stack pointer) starts at
  // its initial value, which is where every completed call leaves it.
  #restore(s) {
    this.instance = this.#instantiate();
    const memory = this.instance.exports.memory;
    const pages = s.heap.length / PAGE - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    new Uint8Array(memory.buffer).set(s.heap);
    this.stable = s.stable;
  }

  #run(exportName, arg, caller, { system }) {
    const fn = this.instance.exports[exportName];
    if (fn === undefined) {
      if (system) return {};
      return { reject: `canister has no method '${exportName}'` };
    }
    const before = system ? null : this.#snapshot();
    this.timeNs += 1_000_000n;
    this.call = { arg, caller: Uint8Array.from(caller), reply: [], replied: false, reject: null,
                  counterReads: 0 };
    try {
      fn();
    } catch (e) {
      if (!(e instanceof Trap) && !(e instanceof WebAssembly.RuntimeError)) throw e;
      if (before) this.#restore(before);
      return { trap: e.message };
    } finally {
      this.callDone = this.call;
      this.call = null;
    }
    const c = this.callDone;
    if (c.reject !== null) return { reject: c.reject };
    if (c.replied) return { reply: new Uint8Array(Buffer.concat(c.reply)) }; // own buffer, offset 0
    if (system) return {};
    if (before) this.#restore(before);
    return { trap: 'canister did not reply' };
  }

  #instantiate() {
    const host = this;
    const mem = () => new Uint8Array(host.instance.exports.memory.buffer);
    const text = (src, size) => Buffer.from(mem().subarray(src, src + size)).toString('utf8');
    const inCall = (name) => {
      if (!host.call) throw new Trap(`ic0.${name} called outside a message`);
      return host.call;
    };
    const copy = (bytes, dst, offset, size, name) => {
      if (offset + size > bytes.length) throw new Trap(`ic0.${name}: range out of bounds`);
      mem().set(bytes.subarray(offset, offset + size), dst);
    };
    const stableRange = (offset, size, name) => {
      const end = offset + size;
      if (end > BigInt(host.stable.length)) throw new Trap(`ic0.${name}: out of bounds`);
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
      stable64_size: () => BigInt(host.stable.length / PAGE),
      stable64_grow: (pages) => {
        const old = BigInt(host.stable.length / PAGE);
        if (old + pages > host.maxStablePages) return -1n;
        const grown = new Uint8Array(Number(old + pages) * PAGE);
        grown.set(host.stable);
        host.stable = grown;
        return old;
      },
      stable64_read: (dst, offset, size) => {
        const [b, e] = stableRange(offset, size, 'stable64_read');
        mem().set(host.stable.subarray(b, e), Number(dst));
      },
      stable64_write: (offset, src, size) => {
        const [b] = stableRange(offset, size, 'stable64_write');
        host.stable.set(mem().subarray(Number(src), Number(src) + Number(size)), b);
      },
      performance_counter: () => {
        const c = inCall('performance_counter');
        return BigInt(host.performanceCounter(c.counterReads++));
      },
      debug_print: (src, size) => host.logs.push(text(src, size)),
      trap: (src, size) => {
        throw new Trap(text(src, size));
      },
    };
    return new WebAssembly.Instance(this.module, { ic0 });
  }
}
