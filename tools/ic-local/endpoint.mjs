// A local IC endpoint for development and tests, not a replica: an HTTP server on loopback that
// speaks the Internet Computer's HTTP interface (IC interface specification: "HTTPS Interface")
// as @icp-sdk/core's HttpAgent uses it, with every check an unmodified agent relies on, in
// front of the test network (ic_network.mjs) running real canister modules:
//   GET  /api/v2/status                              CBOR, with the root key
//   POST /api/v4/canister/<ecid>/call (and v3)        synchronous: a certificate of the status
//   POST /api/v2/canister/<ecid>/call                 asynchronous: 202, then read_state
//   POST /api/v3/canister/<ecid>/query (and v2)       signed by the node key
//   POST /api/v3/canister/<ecid>/read_state (and v2)  a certificate pruned to the paths asked for
//   POST /api/v3/subnet/<subnet_id>/read_state (and v2)
// Requests are checked as the IC checks them (envelope.mjs, signatures.mjs): CBOR shape,
// ingress_expiry window, sender = self-authenticating principal of sender_pubkey, signatures
// (Ed25519, ECDSA P-256/secp256k1), delegation chains (signatures, expiry, targets, at most
// 20), effective canister id = canister_id; failures are 400 with a text message. A call is
// recorded by request id, so a resubmitted request (the agent retries) runs once. Certificates
// are real hash trees (hash_tree.mjs, state_tree.mjs) signed with the endpoint's BLS key
// (certificate.mjs); there is one subnet, the root subnet, so its id is the self-authenticating
// principal of the root key and certificates carry no delegation.
// A background loop keeps network time at least the wall clock and runs pending messages one at
// a time (timers included), yielding to the event loop between them, so HTTP requests
// interleave with long canister work. Sites (addSite, addAssets) answer requests whose Host is
// <id>.localhost:<port> outside /api/.
//
//   const ic = new LocalIc({ port: 0 });
//   const id = ic.install('g', 'build/canisters/hyv_generator.wasm', { controllers: [me] });
//   const url = await ic.listen();   // http://127.0.0.1:PORT
//   const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
//   ...; await ic.close();
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { Principal } from '@dfinity/principal';
import { IcNetwork } from './ic_network.mjs';
import { blsSecretKey, CertificateSigner } from './certificate.mjs';
import { build, witness } from './hash_tree.mjs';
import { EnvelopeError, open } from './envelope.mjs';
import { AuthError, checkTarget, selfAuthenticating } from './signatures.mjs';
import { authorize, HttpError, stateTree } from './state_tree.mjs';
import { assetsHandler, envCookie } from './assets.mjs';
import { wasmMetadata } from './wasm_metadata.mjs';
import { compareBytes, concat, equalBytes, hashOfMap, toHex } from './request_id.mjs';

const utf8 = new TextEncoder();
const RESPONSE_DOMAIN = concat(Uint8Array.of(11), utf8.encode('ic-response'));
const ED25519_DER_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const MAX_BODY = 4 * 1024 * 1024; // the IC takes ingress messages of up to 2 MiB, plus envelope
const IDLE_MS = 20; // how often an idle loop looks for timers that have come due
const KEEP_DONE_NS = 5n * 60n * 1_000_000_000n; // statuses stay this long past their expiry
// The subnet's canister ranges: the ids IcNetwork hands out (u64 index · 0x01 0x01).
const canisterId = (index) => {
  const id = new Uint8Array(10);
  new DataView(id.buffer).setBigUint64(0, BigInt(index));
  id.set([1, 1], 8);
  return id;
};
const RANGES = [[canisterId(0), canisterId(0xfffff)]];
const ERROR_CODES = { 1: 'IC0101', 2: 'IC0201', 3: 'IC0301', 4: 'IC0406', 5: 'IC0500',
                      6: 'IC0601' };
// What install() learnt of each module (its hash, its metadata), per network, so that endpoints
// sharing a network (tests) know the same.
const MODULES = new WeakMap(); // IcNetwork -> Map canister name -> { moduleHash, metadata }
const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const text = (bytes) => Principal.fromUint8Array(bytes).toText();

function seeded(seed, what) {
  return seed === null ? ed25519.utils.randomPrivateKey() : sha256(utf8.encode(`${what}:${seed}`));
}

export class LocalIc {
  // host/port: where listen() binds (port 0: any free port). seed: makes the root and node keys
  // reproducible. log: called with one object per HTTP request. syncCallTimeoutMs: how long a
  // v3/v4 call waits for its answer before 202. network: an IcNetwork to serve (a new one with
  // hostOptions unless given). wrongCertificateKey: sign certificates with a key other than
  // the root key, so that agents must refuse them (tests).
  constructor({ host = '127.0.0.1', port = 0, seed = null, log = null, syncCallTimeoutMs = 10_000,
                network = null, hostOptions = {}, wrongCertificateKey = false } = {}) {
    this.host = host;
    this.port = port;
    this.log = log;
    this.syncCallTimeoutMs = syncCallTimeoutMs;
    this.network = network ?? new IcNetwork(hostOptions);
    const root = new CertificateSigner(blsSecretKey(seed === null ? null : `root:${seed}`));
    this.rootKey = root.der;
    this.signer = wrongCertificateKey ? new CertificateSigner(blsSecretKey()) : root;
    this.subnetId = selfAuthenticating(this.rootKey);
    this.nodeSecret = seeded(seed, 'node');
    this.nodeKey = concat(ED25519_DER_PREFIX, ed25519.getPublicKey(this.nodeSecret));
    this.nodeId = selfAuthenticating(this.nodeKey);
    this.sites = new Map(); // name -> { name, id, handler, env? }
    if (!MODULES.has(this.network)) MODULES.set(this.network, new Map());
    this.modules = MODULES.get(this.network);
    this.requests = new Map(); // request id (hex) -> status record
    this.pending = new Set(); // records not answered yet
    this.server = null;
    this.timer = null;
    this.closed = false;
  }

  get url() {
    return `http://${this.host}:${this.port}`;
  }

  // IcNetwork.install; returns the canister's Principal.
  install(name, wasmPath, options = {}) {
    this.#freeName(name);
    const bytes = readFileSync(wasmPath);
    const id = this.network.install(name, wasmPath, options);
    this.modules.set(name, { moduleHash: sha256(bytes), metadata: wasmMetadata(bytes) });
    this.#wake();
    return Principal.fromUint8Array(id);
  }

  // A canister id for a site without a module; handler(req, res, url) answers its requests.
  addSite(name, handler) {
    this.#freeName(name);
    const id = canisterId(this.network.nextIndex++); // from IcNetwork's sequence: ids stay unique
    this.sites.set(name, { name, id, text: text(id), handler });
    return Principal.fromUint8Array(id);
  }

  // Static files from dir in an asset canister's place, with the ic_env cookie (assets.mjs).
  addAssets(name, dir, { env = {} } = {}) {
    // The cookie is made per request, so env may change (or be mutated) after this call.
    const id = this.addSite(name, assetsHandler(dir,
      () => envCookie(this.rootKey, this.sites.get(name).env)));
    this.sites.get(name).env = env;
    return id;
  }

  setEnv(name, env) {
    const site = this.sites.get(name);
    if (site === undefined || site.env === undefined) throw new Error(`no assets site '${name}'`);
    site.env = env;
  }

  siteUrl(name) {
    const site = this.sites.get(name);
    if (site === undefined) throw new Error(`no site '${name}'`);
    return `http://${site.text}.localhost:${this.port}/`;
  }

  async listen() {
    this.server = createServer((req, res) => this.#serve(req, res));
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, resolve);
    });
    this.port = this.server.address().port;
    this.#schedule(0);
    return this.url;
  }

  async close() {
    this.closed = true;
    if (this.timer) this.timer.cancel();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise((resolve) => this.server.close(resolve));
    }
    for (const r of this.pending) r.resolve();
  }

  #freeName(name) {
    if (this.sites.has(name) || this.network.canisters.has(name)) {
      throw new Error(`'${name}' is a canister or site already`);
    }
  }

  // --- the background loop ---------------------------------------------------------------

  #syncTime() {
    const now = nowNs();
    if (this.network.time < now) this.network.time = now;
  }

  #schedule(ms) {
    if (this.closed || (this.timer && (ms > 0 || this.timer.ms === 0))) return;
    if (this.timer) this.timer.cancel();
    const run = () => {
      this.timer = null;
      this.#pump();
    };
    if (ms === 0) {
      const h = setImmediate(run);
      this.timer = { ms, cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(run, ms);
      this.timer = { ms, cancel: () => clearTimeout(h) };
    }
  }

  #wake() {
    if (this.server) this.#schedule(0);
  }

  // One message, then back to the event loop.
  #pump() {
    if (this.closed) return;
    this.#syncTime();
    let ran = null;
    try {
      ran = this.network.step();
    } catch (e) {
      this.#note({ kind: 'error', message: `the network failed a message: ${e.message}` });
    }
    this.#settle();
    this.#schedule(ran === null ? IDLE_MS : 0);
  }

  #settle() {
    for (const r of this.pending) {
      const result = r.handle.result;
      if (result !== null) {
        if (result.reply !== undefined) {
          Object.assign(r, { status: 'replied', reply: result.reply });
        } else {
          Object.assign(r, { status: 'rejected', rejectCode: result.code,
                             rejectMessage: result.reject, errorCode: errorCode(result) });
        }
        this.pending.delete(r);
        r.resolve();
      } else if (r.status === 'received' &&
                 !this.network.queue.some((e) => e.ingress === r.handle)) {
        r.status = 'processing';
      }
    }
  }

  // --- HTTP --------------------------------------------------------------------------------

  #siteFor(req, url) {
    const hostname = (req.headers.host ?? '').split(':')[0].toLowerCase();
    const m = /^([a-z0-9-]+)\.localhost$/.exec(hostname);
    const wanted = m ? m[1] : url.searchParams.get('canisterId');
    if (!wanted) return null;
    for (const site of this.sites.values()) if (site.text === wanted) return site;
    return null;
  }

  #serve(req, res) {
    const started = Date.now();
    const url = new URL(req.url, 'http://localhost');
    const entry = { method: req.method, path: url.pathname, host: req.headers.host };
    res.on('finish', () => this.#note({ ...entry, status: res.statusCode,
                                        ms: Date.now() - started }));
    const site = this.#siteFor(req, url);
    if (site && !url.pathname.startsWith('/api/')) {
      entry.kind = 'site';
      entry.site = site.name;
      return site.handler(req, res, url);
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    if (req.method === 'OPTIONS') return plain(res, 204, '');
    return this.#api(req, res, url, entry).catch((e) => {
      entry.error = e.message;
      if (e instanceof EnvelopeError || e instanceof AuthError) return plain(res, 400, e.message);
      if (e instanceof HttpError) return plain(res, e.status, e.message);
      this.#note({ kind: 'error', message: e.stack });
      return plain(res, 500, `internal error: ${e.message}`);
    });
  }

  async #api(req, res, url, entry) {
    if (url.pathname === '/api/v2/status' && req.method === 'GET') {
      entry.kind = 'status';
      return cbor(res, 200, { ic_api_version: '0.18.0', impl_version: 'hyv-local-ic',
                              root_key: this.rootKey, replica_health_status: 'healthy' });
    }
    const m = /^\/api\/v([234])\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/
      .exec(url.pathname);
    const route = m && routeOf(Number(m[1]), m[2], m[4]);
    if (route === null) return plain(res, 404, `no such endpoint: ${req.method} ${url.pathname}`);
    if (req.method !== 'POST') return plain(res, 405, `${url.pathname} takes POST`);
    entry.kind = route;
    const body = await readBody(req);
    const where = principalOf(m[3]);
    entry.target = text(where);
    if (route === 'call') return this.#call(Number(m[1]), where, body, res, entry);
    if (route === 'query') return this.#query(where, body, res, entry);
    return this.#readState(m[2] === 'subnet' ? { subnetId: where } : { ecid: where }, body, res,
                           entry);
  }

  #note(entry) {
    if (this.log) this.log({ time: new Date().toISOString(), ...entry });
  }

  // --- canisters and sites by id -----------------------------------------------------------

  #target(id) {
    for (const c of this.network.canisters.values()) {
      if (equalBytes(c.id, id)) return { kind: 'canister', name: c.name, c };
    }
    for (const s of this.sites.values()) if (equalBytes(s.id, id)) return { kind: 'site', s };
    return null;
  }

  #checkEffective(ecid, canister) {
    if (canister.length === 0) return; // the management canister: rejected as a destination
    if (!equalBytes(ecid, canister)) {
      throw new HttpError(400, `Specified CanisterId ${text(canister)} does not match the ` +
                               `effective canister id ${text(ecid)} in the URL`);
    }
  }

  #checkRange(ecid) {
    if (!RANGES.some(([lo, hi]) => ecid.length === lo.length && compareBytes(lo, ecid) <= 0 &&
                                   compareBytes(ecid, hi) <= 0)) {
      throw new HttpError(400, `the effective canister id ${text(ecid)} is not in the canister ` +
                               'ranges of this subnet');
    }
  }

  // Why the IC would refuse a message to this destination before it runs, or null.
  #refusal(canister) {
    if (canister.length === 0) {
      return { code: 3, message: 'IC0302: the local IC endpoint has no management canister; ' +
                                 'install canisters with LocalIc.install' };
    }
    const t = this.#target(canister);
    if (t === null) return { code: 3, message: `IC0301: Canister ${text(canister)} not found` };
    if (t.kind === 'site') {
      return { code: 5, message: `IC0537: Attempted to execute a message, but the canister ` +
                                 `${t.s.text} contains no Wasm module` };
    }
    const status = t.c.host.status;
    if (status !== 'running') {
      return { code: 5, message: status === 'stopped'
        ? `IC0508: Canister ${t.c.text} is stopped` : `IC0509: Canister ${t.c.text} is stopping` };
    }
    return null;
  }

  // --- call ----------------------------------------------------------------------------------

  async #call(version, ecid, body, res, entry) {
    const { content, id, targets } = open(body, 'call', nowNs());
    Object.assign(entry, { method_name: content.method_name, sender: text(content.sender),
                           request_id: toHex(id) });
    checkTarget(targets, content.canister_id);
    this.#checkEffective(ecid, content.canister_id);
    this.#checkRange(ecid);
    let record = this.requests.get(toHex(id));
    if (record === undefined) {
      const refusal = this.#refusal(content.canister_id);
      if (refusal !== null) return this.#uncertifiedReject(version, refusal, res, entry);
      record = this.#submit(id, ecid, content);
    } else entry.duplicate = true;
    if (version === 2) return plain(res, 202, '');
    if (this.pending.has(record)) await within(record.done, this.syncCallTimeoutMs);
    if (this.pending.has(record)) return plain(res, 202, '');
    const certificate = this.#certify([[utf8.encode('request_status'), id]]);
    return cbor(res, 200, version === 3 ? { status: 'replied', certificate } : { certificate });
  }

  #uncertifiedReject(version, { code, message }, res, entry) {
    entry.error = message;
    const reject = { reject_code: code, reject_message: message,
                     error_code: errorCode({ code, reject: message }) };
    return cbor(res, 200, version === 2 ? reject
      : { status: 'non_replicated_rejection', ...reject });
  }

  #submit(id, ecid, content) {
    const t = this.#target(content.canister_id);
    let resolve;
    const done = new Promise((r) => {
      resolve = r;
    });
    const record = { id, ecid, sender: content.sender, expiry: BigInt(content.ingress_expiry),
                     status: 'received', done, resolve,
                     handle: this.network.submit(t.name, content.method_name, content.arg,
                                                 content.sender) };
    this.requests.set(toHex(id), record);
    this.pending.add(record);
    this.#wake();
    return record;
  }

  // --- query ---------------------------------------------------------------------------------

  async #query(ecid, body, res, entry) {
    const { content, id, targets } = open(body, 'query', nowNs());
    Object.assign(entry, { method_name: content.method_name, sender: text(content.sender) });
    checkTarget(targets, content.canister_id);
    this.#checkEffective(ecid, content.canister_id);
    this.#checkRange(ecid);
    const refusal = this.#refusal(content.canister_id);
    let result;
    if (refusal !== null) result = { reject: refusal.message, code: refusal.code };
    else {
      this.#syncTime();
      const t = this.#target(content.canister_id);
      result = this.network.query(t.name, content.method_name, content.arg, content.sender);
    }
    if (result.reject !== undefined) entry.error = result.reject;
    return cbor(res, 200, this.#signedResponse(id, result));
  }

  // The query response and its node signature (IC interface specification: "Request: Query
  // call"): Ed25519 over `\x0Bic-response` · hash_of_map of the response with the timestamp
  // and the request id.
  #signedResponse(id, result) {
    const timestamp = nowNs();
    const response = result.reply !== undefined
      ? { status: 'replied', reply: { arg: result.reply } }
      : { status: 'rejected', reject_code: result.code, reject_message: result.reject,
          error_code: errorCode(result) };
    const hash = hashOfMap({ ...response, timestamp, request_id: id });
    const signature = ed25519.sign(concat(RESPONSE_DOMAIN, hash), this.nodeSecret);
    return { ...response, signatures: [{ timestamp, signature, identity: this.nodeId }] };
  }

  // --- read_state ----------------------------------------------------------------------------

  async #readState(at, body, res, entry) {
    const { content, id, targets } = open(body, 'read_state', nowNs());
    Object.assign(entry, { sender: text(content.sender), request_id: toHex(id) });
    if (at.ecid) {
      this.#checkRange(at.ecid);
      checkTarget(targets, at.ecid);
    } else if (!equalBytes(at.subnetId, this.subnetId)) {
      throw new HttpError(404, `no subnet ${text(at.subnetId)} here; this one is ` +
                               text(this.subnetId));
    }
    authorize(content.paths, at, {
      sender: content.sender, subnetId: this.subnetId,
      request: (rid) => this.requests.get(toHex(rid)),
      canister: (cid) => this.#canisterInfo(cid),
    });
    return cbor(res, 200, { certificate: this.#certify(content.paths) });
  }

  #canisterInfo(id) {
    const t = this.#target(id);
    if (t === null) return null;
    if (t.kind === 'site') return { id, controllers: [], metadata: new Map() };
    // A canister installed on the network directly: its module is not known here.
    const m = this.modules.get(t.name) ?? { moduleHash: undefined, metadata: new Map() };
    return { id, controllers: t.c.host.controllers, moduleHash: m.moduleHash,
             metadata: m.metadata };
  }

  // A certificate of the state tree now, pruned to paths (and /time, always shown).
  #certify(paths) {
    this.#syncTime();
    this.#forget();
    const ids = [...this.network.canisters.values()].map((c) => c.id)
      .concat([...this.sites.values()].map((s) => s.id));
    const tree = build(stateTree({
      timeNs: this.network.time, subnetId: this.subnetId, rootKey: this.rootKey,
      nodeId: this.nodeId, nodeKey: this.nodeKey, ranges: RANGES,
      requests: this.requests.values(), canisters: ids.map((id) => this.#canisterInfo(id)),
    }));
    return this.signer.certify(witness(tree, [[utf8.encode('time')], ...paths]));
  }

  // Statuses may be forgotten once their request has expired (the IC keeps them at least that
  // long, so that a replay is recognised); past expiry, a replay is refused anyway.
  #forget() {
    const before = this.network.time - KEEP_DONE_NS;
    for (const [key, r] of this.requests) {
      if (!this.pending.has(r) && r.expiry < before) this.requests.delete(key);
    }
  }
}

function routeOf(version, where, what) {
  if (where === 'subnet') return what === 'read_state' && version !== 4 ? what : null;
  if (what === 'call') return what;
  return version === 4 ? null : what;
}

function principalOf(textId) {
  try {
    return Principal.fromText(decodeURIComponent(textId)).toUint8Array();
  } catch {
    throw new HttpError(400, `not a principal: ${textId}`);
  }
}

// The IC's error code: the label the message starts with (IcNetwork's do), else one per code.
function errorCode({ code, reject }) {
  const m = /^(IC\d{4})\b/.exec(reject ?? '');
  return m ? m[1] : ERROR_CODES[code] ?? 'IC0500';
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function within(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((r) => {
    timer = setTimeout(r, ms);
  })]).finally(() => clearTimeout(timer));
}

function plain(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function cbor(res, status, value) {
  const bytes = encodeWithSelfDescribedTag(value);
  res.writeHead(status, { 'Content-Type': 'application/cbor', 'Content-Length': bytes.length });
  res.end(bytes);
}
