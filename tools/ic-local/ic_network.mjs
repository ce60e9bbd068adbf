// A test fixture, not an IC replica: several canisters (each an IcHost, ic_host.mjs) that call one
// another, run by a deterministic scheduler with the IC's message semantics where tests rely on
// them (IC interface specification: "Inter-canister method calls", "Ordering guarantees",
// "Global timer", "Cycles", and the abstract behaviour's call contexts):
//   - every message is atomic on its own: an ingress or inter-canister request, each reply or
//     reject callback, a cleanup callback, a timer. A trap rolls back that message only (the
//     calls it made and its reply included); what earlier messages committed stays;
//   - a call context (one per request) is answered by the method or by any later callback of it;
//     when none is left to answer it, the caller gets CANISTER_ERROR (5): the trap's message if
//     the last message trapped, else "did not reply";
//   - a reply or reject callback that traps is rolled back and then its cleanup callback
//     (ic0.call_on_cleanup) runs, on the state from before the callback;
//   - reject codes: the callee's msg_reject is CANISTER_REJECT (4); callee trapped, no such
//     method, callee stopped or stopping, callee did not reply: CANISTER_ERROR (5); no such
//     canister: DESTINATION_INVALID (3); call_perform refused (fault injection): it returns 2
//     and no callback runs; best-effort call past its deadline: SYS_UNKNOWN (6);
//     messages start with the IC's error label (IC0503 ...) as the replica's do;
//   - best-effort calls (call_with_best_effort_response, bounded at 300 s): at the deadline the
//     caller gets SYS_UNKNOWN. A request not yet delivered is dropped and its cycles refunded; a
//     response not yet delivered, or one the callee makes later, is dropped with the cycles it
//     refunds (the IC does not guarantee them either). msg_deadline tells the callee the deadline;
//   - ordering: requests from one canister to another start in the order they were made (call
//     order within a message, message order across messages); nothing else is ordered: ingress,
//     responses and timers may be delivered in any order (deliver, reverseResponses, hold,
//     holdRequests);
//   - timers: a canister's global timer fires (canister_global_timer, a message of its own whose
//     caller is the management canister) once network time passes it; it is cleared when it is
//     scheduled, by an upgrade, and fires only while the canister is running. Time moves only
//     when a test says (advance) and 1 ms per message, so runs are repeatable;
//   - cycles: each canister has a balance. call_cycles_add128 takes cycles from it at once; the
//     callee's msg_cycles_accept128 moves them into its balance; what it did not accept when it
//     answers goes back with the response (msg_cycles_refunded128) and into the caller's balance
//     before the callback runs; a call that traps or is rejected by the IC refunds everything;
//   - stop: a stopping canister rejects new calls (CANISTER_ERROR) and still gets its responses;
//     it is stopped once none of its call contexts is open. start makes it running again;
//   - upgrade while calls are out: the callbacks run in the new module at the same table index
//     and env with a fresh heap, as on the IC (the spec says canisters that cannot make sense of
//     that must be stopped first); so a canister must find its state for a callback from env and
//     stable memory;
//   - instructions are counted and limited per message by IcHost (history lists each message's
//     count).
// Not modelled: subnets and their latencies (one queue, FIFO unless a test reorders it), cycles
// charged for execution or messages, freezing, the management canister's methods (tests call
// install/upgrade/stop/start here), composite queries, canister_inspect_message, uninstall.
//
//   const net = new IcNetwork();
//   const a = net.install('a', wasm, { controllers: [me] });
//   const r = net.update('a', 'relay', arg, me);   // submit + run until nothing is pending
//   net.submit('a', 'relay', arg, me); net.step(); net.pending(); net.hold(id); net.run();
import { Principal } from '@dfinity/principal';
import { DEFAULT_CYCLES, IcHost, MANAGEMENT } from './ic_host.mjs';

export const REJECT = { SYS_FATAL: 1, SYS_TRANSIENT: 2, DESTINATION_INVALID: 3, CANISTER_REJECT: 4,
  CANISTER_ERROR: 5, SYS_UNKNOWN: 6 };
const MS = 1_000_000n;
const S = 1_000_000_000n;

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

export class IcNetwork {
  // hostOptions: passed to every IcHost (count, costs, limits, ...), install can add to them.
  constructor(hostOptions = {}) {
    this.hostOptions = hostOptions;
    this.time = 1_700_000_000_000_000_000n;
    this.canisters = new Map(); // name -> { name, id, text, host, contexts: Set, faults: [] }
    this.queue = []; // pending messages, oldest first
    this.calls = new Set(); // inter-canister calls whose callback has not run yet
    this.history = []; // every message run: { kind, canister, method, instructions, trap? }
    this.nextId = 1;
    this.nextIndex = 1;
  }

  // Creates and installs a canister; returns its principal (bytes). The id is the IC's canister id
  // format: a u64 big-endian index, then 0x01 0x01.
  install(name, wasmPath, { controllers = [], arg = new Uint8Array(0), cycles = DEFAULT_CYCLES,
                            caller = controllers[0] ?? MANAGEMENT, ...options } = {}) {
    if (this.canisters.has(name)) throw new Error(`canister '${name}' exists already`);
    const id = new Uint8Array(10);
    new DataView(id.buffer).setBigUint64(0, BigInt(this.nextIndex++));
    id.set([1, 1], 8);
    const host = new IcHost(wasmPath, { ...this.hostOptions, ...options, controllers, id,
                                        cycles });
    const c = { name, id, text: Principal.fromUint8Array(id).toText(), host, contexts: new Set(),
                faults: [] };
    this.canisters.set(name, c);
    host.timeNs = this.time;
    host.install(caller, arg);
    this.time = host.timeNs;
    return id;
  }

  // The canister's IcHost (its cycles, globalTimer, status, logs, lastInstructions).
  host(name) {
    return this.#canister(name).host;
  }

  id(name) {
    return this.#canister(name).id;
  }

  // Moves network time on; timers and best-effort deadlines it passes are due at the next step.
  advance(ns) {
    this.time += BigInt(ns);
  }

  // An ingress update call; returns its handle, whose result is null until it is answered, then
  // { reply: Uint8Array } or { reject: message, code }.
  submit(name, method, arg, caller) {
    this.#canister(name);
    const ingress = { id: this.nextId++, to: name, method, result: null };
    this.queue.push({ id: ingress.id, kind: 'ingress', to: name, method, arg: Uint8Array.from(arg),
                      caller: Uint8Array.from(caller), ingress });
    return ingress;
  }

  // submit, then run until nothing is pending; throws if the call is still unanswered (held).
  update(name, method, arg, caller, runOptions = {}) {
    const ingress = this.submit(name, method, arg, caller);
    this.run(runOptions);
    if (ingress.result === null) {
      throw new Error(`ingress ${method} to '${name}' is still unanswered (a held message?)`);
    }
    return ingress.result;
  }

  // A query from a user, run at once on the current state and rolled back.
  query(name, method, arg, caller) {
    const c = this.#canister(name);
    if (c.host.status !== 'running') return this.#stoppedReject(c);
    const r = c.host.execute({ kind: 'query', method, arg, caller, time: this.time });
    if (r.missing) {
      return { reject: `IC0536: canister ${c.text} has no query method '${method}'`,
               code: REJECT.CANISTER_ERROR };
    }
    if (r.trap !== undefined) {
      return { reject: this.#trapMessage(c, r), code: REJECT.CANISTER_ERROR };
    }
    if (r.reject !== undefined) return { reject: r.reject, code: REJECT.CANISTER_REJECT };
    return { reply: r.reply };
  }

  // Pending messages, oldest first: { id, kind: 'ingress' | 'request' | 'response' | 'timer',
  // from, to, method, held, response? } (from/to are canister names; 'user' for ingress).
  pending() {
    this.#tick();
    return this.queue.map((e) => this.#describe(e));
  }

  // Runs the oldest message that may run now (not held; a request only when no older request
  // between the same two canisters is pending). Returns its description, or null when none can.
  step() {
    this.#tick();
    const entry = this.queue.find((e) => !e.held && !this.#targetHeld(e) && this.#inOrder(e));
    if (entry === undefined) return null;
    return this.#run(entry);
  }

  // Runs messages until none can run; throws after maxSteps (a loop of calls or timers).
  run({ maxSteps = 10000 } = {}) {
    for (let steps = 0; ; steps++) {
      if (steps === maxSteps) {
        throw new Error(`IcNetwork.run: still busy after ${maxSteps} messages: ` +
                        JSON.stringify(this.pending().slice(0, 5)));
      }
      if (this.step() === null) return steps;
    }
  }

  // Runs pending message id now, whatever is older, except that requests between two canisters
  // keep their order (the IC's one guarantee): running a later one first throws.
  deliver(id) {
    this.#tick();
    const entry = this.#entry(id);
    if (!this.#inOrder(entry)) {
      throw new Error(`message ${id} is a request behind an older one from the same canister to ` +
                      'the same canister; the IC delivers those in order');
    }
    return this.#run(entry);
  }

  // Keeps pending message id from running (a late reply) until release(id).
  hold(id) {
    this.#entry(id).held = true;
  }

  release(id) {
    this.#entry(id).held = false;
  }

  // While on, requests to canister name (ingress and inter-canister) wait in the queue, as for a
  // canister on a subnet that is slow to reach; its responses and timers still run.
  holdRequests(name, on = true) {
    this.#canister(name).holdingRequests = on;
  }

  // Reverses the order of the pending responses among themselves (requests keep theirs).
  reverseResponses() {
    const slots = [];
    this.queue.forEach((e, i) => e.kind === 'response' && slots.push(i));
    const responses = slots.map((i) => this.queue[i]).reverse();
    slots.forEach((slot, k) => {
      this.queue[slot] = responses[k];
    });
  }

  // Fault injection: the next message to canister name that matches traps instead of running
  // (so it changes nothing, as a trap would), times times. filter: kind ('update' for ingress
  // and requests, 'reply', 'reject', 'timer'), method (of the request, or of the call a callback
  // answers); both optional.
  trapNext(name, { kind = null, method = null, times = 1, message = 'trap injected by the test' }
    = {}) {
    this.#canister(name).faults.push({ kind, method, times, message });
  }

  // Fault injection: while on, ic0.call_perform of canister name returns 2: the IC could not
  // enqueue the call.
  refuseCalls(name, on = true) {
    this.#canister(name).host.refuseCalls = on;
  }

  // stop_canister: new calls are rejected at once; the canister is stopped when its open call
  // contexts are done (maybe at once).
  stop(name) {
    const c = this.#canister(name);
    if (c.host.status === 'running') c.host.status = 'stopping';
    this.#maybeStopped(c);
    return c.host.status;
  }

  start(name) {
    this.#canister(name).host.status = 'running';
  }

  // install_code in upgrade mode, between two messages, whatever calls are in flight. Returns
  // IcHost.upgrade's result ({} or { trap }).
  upgrade(name, { wasmPath = null, arg = new Uint8Array(0), caller = null } = {}) {
    const c = this.#canister(name);
    c.host.timeNs = this.time;
    const r = c.host.upgrade(caller ?? c.host.controllers[0] ?? MANAGEMENT, { wasmPath, arg });
    this.time = c.host.timeNs;
    this.history.push({ kind: 'upgrade', canister: name, instructions: c.host.lastInstructions,
                        ...(r.trap !== undefined ? { trap: r.trap } : {}) });
    return r;
  }

  #canister(name) {
    const c = this.canisters.get(name);
    if (c === undefined) throw new Error(`no canister '${name}' in this IcNetwork`);
    return c;
  }

  #byId(id) {
    for (const c of this.canisters.values()) if (same(c.id, id)) return c;
    return null;
  }

  #entry(id) {
    const entry = this.queue.find((e) => e.id === id);
    if (entry === undefined) throw new Error(`no pending message ${id}`);
    return entry;
  }

  #describe(e) {
    const d = { id: e.id, kind: e.kind, held: e.held === true };
    if (e.kind === 'ingress') Object.assign(d, { from: 'user', to: e.to, method: e.method });
    if (e.kind === 'timer') Object.assign(d, { from: 'system', to: e.to });
    if (e.kind === 'request' || e.kind === 'response') {
      const to = this.#byId(e.call.callee);
      Object.assign(d, e.kind === 'request'
        ? { from: e.call.from, to: to ? to.name : Principal.fromUint8Array(e.call.callee).toText() }
        : { from: to ? to.name : 'system', to: e.call.from, response: e.response });
      d.method = e.call.method;
    }
    return d;
  }

  #targetHeld(e) {
    if (e.kind === 'ingress') return this.#canister(e.to).holdingRequests === true;
    if (e.kind !== 'request') return false;
    return this.#byId(e.call.callee)?.holdingRequests === true;
  }

  // A request may run only if no older request between the same two canisters is pending.
  #inOrder(e) {
    if (e.kind !== 'request') return true;
    const first = this.queue.find((o) => o.kind === 'request' && o.call.from === e.call.from &&
                                         same(o.call.callee, e.call.callee));
    return first === e;
  }

  // Schedules what time has made due: global timers, best-effort deadlines.
  #tick() {
    for (const c of this.canisters.values()) {
      const h = c.host;
      if (h.status === 'running' && h.globalTimer !== 0n && this.time >= h.globalTimer &&
          h.exports('canister_global_timer')) {
        h.globalTimer = 0n; // deactivated once scheduled
        this.queue.push({ id: this.nextId++, kind: 'timer', to: c.name });
      }
    }
    for (const call of this.calls) {
      if (call.deadline === 0n || call.timedOut || this.time < call.deadline) continue;
      call.timedOut = true;
      let refund = 0n;
      const request = this.queue.findIndex((e) => e.kind === 'request' && e.call === call);
      if (request >= 0) {
        this.queue.splice(request, 1);
        refund = call.cycles;
      }
      this.queue = this.queue.filter((e) => !(e.kind === 'response' && e.call === call));
      this.queue.push({ id: this.nextId++, kind: 'response', call, refund, response:
        { reject: `IC0601: best-effort call to ${call.method} timed out after ` +
                  `${call.timeoutSeconds} s`, code: REJECT.SYS_UNKNOWN } });
    }
  }

  #run(entry) {
    this.queue.splice(this.queue.indexOf(entry), 1);
    this.time += MS;
    const description = this.#describe(entry);
    if (entry.kind === 'ingress' || entry.kind === 'request') this.#runRequest(entry);
    else if (entry.kind === 'response') this.#runResponse(entry);
    else this.#runTimer(entry);
    return description;
  }

  // A fault the test injected for this message, if any (used up).
  #fault(c, kind, method) {
    const f = c.faults.find((x) => (x.kind === null || x.kind === kind) &&
                                   (x.method === null || x.method === method));
    if (f === undefined) return null;
    if (--f.times === 0) c.faults.splice(c.faults.indexOf(f), 1);
    return { trap: f.message, trapKind: 'trap', calls: [], cyclesAccepted: 0n };
  }

  #execute(c, m, method) {
    const r = this.#fault(c, m.kind, method) ?? c.host.execute({ ...m, time: this.time });
    this.history.push({ kind: m.kind, canister: c.name, method,
                        instructions: c.host.lastInstructions,
                        ...(r.trap !== undefined ? { trap: r.trap } : {}) });
    return r;
  }

  #stoppedReject(c) {
    return c.host.status === 'stopped'
      ? { reject: `IC0508: canister ${c.text} is stopped`, code: REJECT.CANISTER_ERROR }
      : { reject: `IC0509: canister ${c.text} is stopping`, code: REJECT.CANISTER_ERROR };
  }

  #trapMessage(c, r) {
    if (r.trapKind === 'runtime') return `IC0502: canister ${c.text} trapped: ${r.trap}`;
    if (r.trapKind === 'limit') return `IC0522: canister ${c.text} exceeded the instruction limit`;
    return `IC0503: canister ${c.text} trapped explicitly: ${r.trap}`;
  }

  // An ingress message or an inter-canister request: a new call context on the callee.
  #runRequest(entry) {
    const call = entry.kind === 'request' ? entry.call : null;
    const origin = call ? { call } : { ingress: entry.ingress };
    const c = call ? this.#byId(call.callee) : this.#canister(entry.to);
    const method = call ? call.method : entry.method;
    const cycles = call ? call.cycles : 0n;
    const fail = (response) => this.#respond(origin, response, cycles);
    if (c === null) {
      return fail({ reject: `IC0301: canister ${Principal.fromUint8Array(call.callee).toText()} ` +
                            'not found', code: REJECT.DESTINATION_INVALID });
    }
    if (c.host.status !== 'running') return fail(this.#stoppedReject(c));
    const kind = c.host.exports(`canister_update ${method}`) ? 'update'
      : c.host.exports(`canister_query ${method}`) ? 'query' : null;
    if (kind === null) {
      return fail({ reject: `IC0536: canister ${c.text} has no update method '${method}'`,
                    code: REJECT.CANISTER_ERROR });
    }
    const ctx = { canister: c, origin, caller: call ? this.#canister(call.from).id : entry.caller,
                  needsToRespond: true, available: cycles, outstanding: 0,
                  deadline: call ? call.deadline : 0n };
    c.contexts.add(ctx);
    const r = this.#execute(c, { kind, method, arg: call ? call.arg : entry.arg,
                                 caller: ctx.caller, needsToRespond: true, cyclesAvailable: cycles,
                                 deadline: ctx.deadline }, method);
    this.#settle(ctx, r);
  }

  #runTimer(entry) {
    const c = this.#canister(entry.to);
    const ctx = { canister: c, origin: { timer: true }, caller: MANAGEMENT, needsToRespond: false,
                  available: 0n, outstanding: 0, deadline: 0n };
    c.contexts.add(ctx);
    this.#settle(ctx, this.#execute(c, { kind: 'timer', caller: MANAGEMENT }, null));
  }

  // A response back at the caller: the refund joins its balance, then the reply or reject
  // callback runs; if that traps, the cleanup callback runs.
  #runResponse(entry) {
    const { call, response, refund } = entry;
    this.calls.delete(call);
    const ctx = call.context;
    const c = ctx.canister;
    c.host.cycles += refund;
    ctx.outstanding -= 1;
    const kind = response.reply !== undefined ? 'reply' : 'reject';
    const common = { caller: ctx.caller, needsToRespond: ctx.needsToRespond,
                     cyclesAvailable: ctx.available, cyclesRefunded: refund,
                     deadline: ctx.deadline, rejectCode: response.code ?? 0,
                     rejectMessage: response.reject ?? '' };
    const r = this.#execute(c, { ...common, kind, arg: response.reply,
                                 callback: kind === 'reply' ? call.onReply : call.onReject },
                            call.method);
    if (r.trap !== undefined && call.onCleanup) {
      this.#execute(c, { ...common, kind: 'cleanup', callback: call.onCleanup }, call.method);
    }
    this.#settle(ctx, r);
  }

  // Applies what a message did to its call context: the calls it made, its response, and the
  // IC's own CANISTER_ERROR response when nothing is left to answer the call.
  #settle(ctx, r) {
    const c = ctx.canister;
    if (r.trap === undefined) {
      ctx.available -= r.cyclesAccepted;
      for (const b of r.calls) {
        const call = { from: c.name, context: ctx, callee: b.callee, method: b.method, arg: b.arg,
                       cycles: b.cycles, onReply: b.reply, onReject: b.reject,
                       onCleanup: b.cleanup, timeoutSeconds: b.timeoutSeconds,
                       deadline: b.timeoutSeconds === null ? 0n
                         : this.time + BigInt(b.timeoutSeconds) * S,
                       timedOut: false };
        ctx.outstanding += 1;
        this.calls.add(call);
        this.queue.push({ id: this.nextId++, kind: 'request', call });
      }
    }
    let response = null;
    if (r.reply !== undefined && r.trap === undefined) response = { reply: r.reply };
    else if (r.reject !== undefined && r.trap === undefined) {
      response = { reject: r.reject, code: REJECT.CANISTER_REJECT };
    } else if (ctx.needsToRespond && ctx.outstanding === 0) {
      response = r.trap !== undefined
        ? { reject: this.#trapMessage(c, r), code: REJECT.CANISTER_ERROR }
        : { reject: `IC0506: canister ${c.text} did not reply to the call`,
            code: REJECT.CANISTER_ERROR };
    }
    if (response !== null && ctx.needsToRespond) {
      ctx.needsToRespond = false;
      this.#respond(ctx.origin, response, ctx.available);
      ctx.available = 0n;
    }
    if (!ctx.needsToRespond && ctx.outstanding === 0) c.contexts.delete(ctx);
    this.#maybeStopped(c);
  }

  #respond(origin, response, refund) {
    if (origin.ingress) origin.ingress.result = response;
    else if (origin.call && !origin.call.timedOut) {
      this.queue.push({ id: this.nextId++, kind: 'response', call: origin.call, response, refund });
    }
  }

  #maybeStopped(c) {
    if (c.host.status === 'stopping' && c.contexts.size === 0) c.host.status = 'stopped';
  }
}
