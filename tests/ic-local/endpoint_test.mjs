// The local IC endpoint (tools/ic-local/endpoint.mjs) against the unmodified @icp-sdk/core 5.4.0
// agent with its default checks on (certificate and query-signature verification, the root key
// fetched from /api/v2/status or passed in), in front of the built hyv_generator canister:
// updates and queries from anonymous, Ed25519, ECDSA P-256 and delegated identities,
// read_state, canister rejects and traps, and the requests the IC refuses (expired, badly
// signed, expired or mis-targeted delegations, unknown canisters, other senders' statuses,
// replays), certificates under the wrong key, the spec's request-id examples, and an assets
// site with its ic_env cookie.
// Usage: node tests/ic-local/endpoint_test.mjs canisters-dir
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { encodeWithSelfDescribedTag, decode } from '@dfinity/cbor';
import { Actor, AnonymousIdentity, Certificate, HttpAgent, IC_REQUEST_DOMAIN_SEPARATOR,
         lookupResultToBuffer, RejectError, requestIdOf,
         TrustError } from '@icp-sdk/core/agent';
import { getCanisterEnv } from '@icp-sdk/core/agent/canister-env';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity,
         Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { LocalIc } from '../../tools/ic-local/endpoint.mjs';
import { hashOfMap, toHex } from '../../tools/ic-local/request_id.mjs';
import { lookup } from '../../tools/ic-local/hash_tree.mjs';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: endpoint_test.mjs canisters-dir');

const Job = IDL.Record({ id: IDL.Text, state: IDL.Text, owner: IDL.Principal });
const TextResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
const JobRequest = IDL.Record({ data_type: IDL.Text, params: IDL.Text, name: IDL.Opt(IDL.Text),
                                tags: IDL.Vec(IDL.Text) });
const idlFactory = ({ IDL: I }) => I.Service({
  job_submit: I.Func([JobRequest], [TextResult], []),
  job_get: I.Func([I.Text], [I.Variant({ Ok: Job, Err: I.Text })], ['query']),
  jobs_mine: I.Func([], [I.Vec(Job)], ['query']),
  model_register: I.Func([I.Record({ name: I.Text, data_type: I.Text, sha256: I.Text,
                                     is_default: I.Bool })],
                         [I.Variant({ Ok: I.Null, Err: I.Text })], []),
  datasets_list: I.Func([I.Record({ data_type: I.Opt(I.Text), model: I.Opt(I.Text),
                                    tag: I.Opt(I.Text), min_quality: I.Opt(I.Float64),
                                    offset: I.Nat64, limit: I.Nat64 })],
                        [I.Record({ items: I.Vec(I.Reserved), total: I.Nat64 })], ['query']),
  no_such_method: I.Func([], [], []),
});
const TEXT = '{"prompts":["Hello"],"samples":1,"max_tokens":4,"seed":"1"}';
const jobArg = { data_type: 'text', params: TEXT, name: [], tags: [] };
const utf8 = new TextEncoder();
const LEDGER = 'ryjl3-tyaaa-aaaaa-aaaba-cai'; // an id in range other than the generator's

const owner = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));
let ic;
let url;
let gid;
const log = [];

const agentFor = (identity, options = {}) =>
  HttpAgent.create({ host: url, shouldFetchRootKey: true, identity, ...options });
const actorFor = async (identity, options) =>
  Actor.createActor(idlFactory, { agent: await agentFor(identity, options), canisterId: gid });

async function rejects(promise, check) {
  try {
    await promise;
  } catch (e) {
    check(e);
    return e;
  }
  throw new Error('expected the promise to be rejected');
}

// A call envelope made by hand (the agent always makes valid ones): content fields as given,
// signed by identity unless sign is false.
async function envelope(identity, fields = {}, { sign = true } = {}) {
  const content = {
    request_type: 'call', canister_id: gid.toUint8Array(), method_name: 'job_submit',
    arg: IDL.encode([JobRequest], [jobArg]), sender: identity.getPrincipal().toUint8Array(),
    ingress_expiry: BigInt(Date.now() + 120_000) * 1_000_000n,
    nonce: crypto.getRandomValues(new Uint8Array(16)), ...fields,
  };
  const id = requestIdOf(content);
  const body = { content };
  if (sign) {
    body.sender_pubkey = identity.getPublicKey().toDer();
    body.sender_sig = await identity.sign(new Uint8Array([...IC_REQUEST_DOMAIN_SEPARATOR, ...id]));
  }
  return { body, id, content };
}

const post = (path, body) => fetch(`${url}${path}`, {
  method: 'POST', headers: { 'Content-Type': 'application/cbor' },
  body: body instanceof Uint8Array ? body : encodeWithSelfDescribedTag(body) });

// A GET with a Host header of our choosing, the raw path sent as it is.
function get(path, host) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path, headers: { Host: host } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                      body: Buffer.concat(chunks).toString('utf8') }));
      });
    req.on('error', reject);
    req.end();
  });
}

const jobsOf = async (identity) => (await (await actorFor(identity)).jobs_mine()).length;
const runs = (method) => ic.network.history.filter((h) => h.method === method).length;

const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('the spec\'s request-id examples', () => {
  const call = { request_type: 'call', sender: Uint8Array.of(4),
                 ingress_expiry: 1685570400000000000n,
                 canister_id: Uint8Array.of(0, 0, 0, 0, 0, 0, 4, 0xd2), method_name: 'hello',
                 arg: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0x00, 0xfd, 0x2a) };
  const id = hashOfMap(call);
  assert.equal(toHex(id), '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101');
  assert.equal(toHex(requestIdOf(call)), toHex(id), 'the agent agrees');
  const readState = { request_type: 'read_state', sender: Uint8Array.of(4),
                      ingress_expiry: 1685570400000000000n,
                      paths: [[utf8.encode('request_status'), id]] };
  assert.equal(toHex(hashOfMap(readState)),
               '3cde0f14a953c3afbe1335f22e861bb62389f1449beca02707ab197e6829c2a3');
  // The spec's nested-map example: a map value contributes its own hash_of_map.
  const nested = hashOfMap({ reply: { arg: utf8.encode('DIDL\x00\x00') } });
  assert.equal(toHex(nested), toHex(requestIdOf({ reply: { arg: utf8.encode('DIDL\x00\x00') } })));
});

test('status: CBOR with the 133-byte DER root key; the agent fetches it', async () => {
  const res = await fetch(`${url}/api/v2/status`);
  const status = decode(new Uint8Array(await res.arrayBuffer()));
  assert.equal(status.replica_health_status, 'healthy');
  assert.equal(status.root_key.length, 133);
  assert.deepEqual(status.root_key, ic.rootKey);
  const agent = await agentFor(new AnonymousIdentity());
  assert.deepEqual(new Uint8Array(agent.rootKey), ic.rootKey);
});

test('an update from an Ed25519 identity (a controller), with the root key passed in', async () => {
  const actor = Actor.createActor(idlFactory,
    { agent: await HttpAgent.create({ host: url, identity: owner, rootKey: ic.rootKey }),
      canisterId: gid });
  assert.deepEqual(await actor.model_register({ name: 'text-small', data_type: 'text',
                                                sha256: 'ab'.repeat(32), is_default: true }),
                   { Ok: null });
  const r = await actor.job_submit(jobArg);
  assert.ok('Ok' in r, JSON.stringify(r));
  const j = await actor.job_get(r.Ok);
  assert.ok('Ok' in j);
  assert.equal(j.Ok.owner.toText(), owner.getPrincipal().toText());
});

test('the anonymous principal: job_submit answers Err', async () => {
  const r = await (await actorFor(new AnonymousIdentity())).job_submit(jobArg);
  assert.ok('Err' in r && /anonymous/.test(r.Err), JSON.stringify(r));
});

test('an update from an ECDSA P-256 identity', async () => {
  const id = await ECDSAKeyIdentity.generate();
  const r = await (await actorFor(id)).job_submit(jobArg);
  assert.ok('Ok' in r, JSON.stringify(r));
  assert.equal(await jobsOf(id), 1);
});

test('an update and a query through a delegation chain of two, targeted at the canister',
  async () => {
    const root = Ed25519KeyIdentity.generate();
    const middle = await ECDSAKeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const first = await DelegationChain.create(root, middle.getPublicKey(),
      new Date(Date.now() + 3_600_000), { targets: [gid] });
    const chain = await DelegationChain.create(middle, session.getPublicKey(),
      new Date(Date.now() + 3_600_000), { previous: first });
    const id = DelegationIdentity.fromDelegation(session, chain);
    assert.equal(id.getPrincipal().toText(), root.getPrincipal().toText());
    const r = await (await actorFor(id)).job_submit(jobArg);
    assert.ok('Ok' in r, JSON.stringify(r));
    const mine = await (await actorFor(id)).jobs_mine();
    assert.equal(mine.length, 1);
    assert.equal(mine[0].owner.toText(), root.getPrincipal().toText(), 'the chain\'s principal');
  });

test('an expired delegation and one whose targets exclude the canister are refused (400)',
  async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const expired = DelegationIdentity.fromDelegation(session,
      await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() - 1000)));
    await rejects((await actorFor(expired, { retryTimes: 0 })).job_submit(jobArg),
      (e) => assert.match(e.message, /400[\s\S]*expired/));
    const elsewhere = DelegationIdentity.fromDelegation(session,
      await DelegationChain.create(root, session.getPublicKey(), undefined,
                                   { targets: [Principal.fromText(LEDGER)] }));
    await rejects((await actorFor(elsewhere, { retryTimes: 0 })).job_submit(jobArg),
      (e) => assert.match(e.message, /400[\s\S]*not one of the delegation targets/));
    await rejects((await actorFor(elsewhere, { retryTimes: 0 })).jobs_mine(),
      (e) => assert.match(e.message, /not one of the delegation targets/));
    assert.equal(await jobsOf(root), 0, 'nothing ran');
  });

test('a query with the agent\'s signature verification: replied and rejected (code 4)',
  async () => {
    const actor = await actorFor(owner);
    assert.ok((await actor.jobs_mine()).length >= 1);
    const e = await rejects(actor.datasets_list({ data_type: [], model: [], tag: [],
                                                  min_quality: [], offset: 0n, limit: 0n }),
      (err) => assert.ok(err instanceof RejectError, String(err)));
    assert.equal(e.cause.code.rejectCode, 4);
    assert.match(e.cause.code.rejectMessage, /limit: must be 1-100/);
  });

test('a canister reject (4, malformed Candid), a trap (5) and a missing method (5) in updates',
  async () => {
    const agent = await agentFor(owner);
    const bad = await rejects(agent.update(gid, { methodName: 'job_submit', arg: Uint8Array.of(1),
                                                  effectiveCanisterId: gid }),
      (err) => assert.ok(err instanceof RejectError, String(err)));
    assert.equal(bad.cause.code.rejectCode, 4);
    assert.match(bad.cause.code.rejectMessage, /malformed Candid/);
    ic.network.trapNext('g', { method: 'job_submit', message: 'the test traps it' });
    const trap = await rejects((await actorFor(owner)).job_submit(jobArg),
      (err) => assert.ok(err instanceof RejectError, String(err)));
    assert.equal(trap.cause.code.rejectCode, 5);
    assert.match(trap.cause.code.rejectMessage, /trapped explicitly: the test traps it/);
    assert.equal(trap.cause.code.rejectErrorCode, 'IC0503');
    const missing = await rejects((await actorFor(owner)).no_such_method(),
      (err) => assert.ok(err instanceof RejectError, String(err)));
    assert.equal(missing.cause.code.rejectCode, 5);
  });

test('an unknown canister: calls and queries are rejected with DESTINATION_INVALID (3)',
  async () => {
    const nobody = Principal.fromUint8Array(Uint8Array.of(0, 0, 0, 0, 0, 0, 0x30, 0x39, 1, 1));
    const agent = await agentFor(owner);
    const call = await rejects(agent.update(nobody, { methodName: 'x', arg: IDL.encode([], []),
                                                      effectiveCanisterId: nobody }),
      (err) => assert.ok(err instanceof RejectError, String(err)));
    assert.equal(call.cause.code.rejectCode, 3);
    const query = await rejects(agent.query(nobody, { methodName: 'x', arg: IDL.encode([], []) })
      .then((r) => {
        if (r.status === 'rejected') throw Object.assign(new Error('rejected'), { r });
        return r;
      }), () => {});
    assert.equal(query.r.reject_code, 3);
  });

test('read_state: /time, and the request status of a call to its sender only', async () => {
  const agent = await agentFor(owner);
  const { requestId } = await agent.call(gid, { methodName: 'jobs_mine',
                                                arg: IDL.encode([], []) });
  const paths = [[utf8.encode('request_status'), requestId]];
  const state = await agent.readState(gid, { paths: [[utf8.encode('time')], ...paths] });
  const cert = await Certificate.create({ certificate: state.certificate, rootKey: agent.rootKey,
                                          principal: { canisterId: gid } });
  const time = lookupResultToBuffer(cert.lookup_path(['time']));
  assert.ok(time && time.length >= 8);
  const status = lookupResultToBuffer(cert.lookup_path(['request_status', requestId, 'status']));
  assert.equal(new TextDecoder().decode(status), 'replied');
  const reply = lookupResultToBuffer(cert.lookup_path(['request_status', requestId, 'reply']));
  assert.ok(IDL.decode([IDL.Vec(Job)], reply)[0].length >= 1);
  // (The agent's own lookup compares labels loosely, so ask the spec's lookup.)
  assert.deepEqual(lookup(['canister', gid.toUint8Array(), 'module_hash'], cert.cert.tree),
                   { unknown: true }, 'what was not asked for is pruned');
  const other = await agentFor(Ed25519KeyIdentity.generate(), { retryTimes: 0 });
  await rejects(other.readState(gid, { paths }), (e) => assert.match(e.message, /403/));
  const hash = await agent.readState(gid, {
    paths: [[utf8.encode('canister'), gid.toUint8Array(), utf8.encode('module_hash')]] });
  const hashCert = await Certificate.create({ certificate: hash.certificate,
                                              rootKey: agent.rootKey,
                                              principal: { canisterId: gid } });
  assert.equal(lookupResultToBuffer(hashCert.lookup_path(['canister', gid.toUint8Array(),
                                                          'module_hash'])).length, 32);
});

test('an asynchronous (v2) call, polled through read_state', async () => {
  const agent = await agentFor(owner);
  const before = await jobsOf(owner);
  const { requestId, response } = await agent.call(gid, {
    methodName: 'job_submit', arg: IDL.encode([JobRequest], [jobArg]), callSync: false });
  assert.equal(response.status, 202);
  const { pollForResponse } = await import('@icp-sdk/core/agent');
  const { reply } = await pollForResponse(agent, gid, requestId);
  assert.ok('Ok' in IDL.decode([TextResult], reply)[0]);
  assert.equal(await jobsOf(owner), before + 1);
});

test('a call not answered within the sync timeout: 202, then the agent polls read_state',
  async () => {
    const actor = await actorFor(owner);
    const before = await jobsOf(owner);
    const step = ic.network.step;
    ic.network.step = () => null; // as if the network were busy: nothing runs for a while
    ic.syncCallTimeoutMs = 50;
    setTimeout(() => {
      ic.network.step = step;
    }, 400);
    try {
      const r = await actor.job_submit(jobArg);
      assert.ok('Ok' in r, JSON.stringify(r));
    } finally {
      ic.network.step = step;
      ic.syncCallTimeoutMs = 10_000;
    }
    const calls = log.filter((e) => e.kind === 'call' && e.method_name === 'job_submit');
    assert.equal(calls.at(-1).status, 202);
    assert.ok(log.slice(log.indexOf(calls.at(-1))).some((e) => e.kind === 'read_state'),
              'polled');
    assert.equal(await jobsOf(owner), before + 1);
  });

test('subnet read_state: the canister ranges and node keys, certified for the subnet',
  async () => {
    const agent = await agentFor(new AnonymousIdentity());
    const subnetId = await agent.getSubnetIdFromCanister(gid);
    assert.deepEqual(subnetId.toUint8Array(), ic.subnetId);
    const state = await agent.readSubnetState(subnetId, {
      paths: [[utf8.encode('canister_ranges'), ic.subnetId], [utf8.encode('subnet')]] });
    const cert = await Certificate.create({ certificate: state.certificate,
                                            rootKey: agent.rootKey, principal: { subnetId } });
    const key = lookupResultToBuffer(cert.lookup_path(['subnet', ic.subnetId, 'node', ic.nodeId,
                                                       'public_key']));
    assert.equal(key.length, 44);
    const shards = cert.lookup_subtree(['canister_ranges', ic.subnetId]);
    assert.equal(shards.status, 'Found');
  });

test('an expired request, a flipped signature byte and bad CBOR are 400', async () => {
  const expired = await envelope(owner, {
    ingress_expiry: BigInt(Date.now() - 60_000) * 1_000_000n });
  let res = await post(`/api/v4/canister/${gid}/call`, expired.body);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Invalid request expiry/);
  const far = await envelope(owner, {
    ingress_expiry: BigInt(Date.now() + 3_600_000) * 1_000_000n });
  assert.equal((await post(`/api/v4/canister/${gid}/call`, far.body)).status, 400);
  const flipped = await envelope(owner);
  flipped.body.sender_sig[5] ^= 1;
  res = await post(`/api/v4/canister/${gid}/call`, flipped.body);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Invalid signature/);
  const unsigned = await envelope(owner, {}, { sign: false });
  assert.equal((await post(`/api/v4/canister/${gid}/call`, unsigned.body)).status, 400);
  const garbage = await post(`/api/v4/canister/${gid}/call`, Uint8Array.of(0xd9, 0xd9, 0xf7, 0xff));
  assert.equal(garbage.status, 400);
  const wrongEcid = await envelope(owner);
  assert.equal((await post(`/api/v4/canister/${LEDGER}/call`, wrongEcid.body))
    .status, 400, 'the effective canister id must be the canister id');
});

test('a replayed request runs once and gets the same answer', async () => {
  const before = await jobsOf(owner);
  const submits = runs('job_submit');
  const e = await envelope(owner);
  const first = await post(`/api/v4/canister/${gid}/call`, e.body);
  const second = await post(`/api/v4/canister/${gid}/call`, e.body);
  const third = await post(`/api/v2/canister/${gid}/call`, e.body);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(third.status, 202);
  const replyOf = async (res) => {
    const { certificate } = decode(new Uint8Array(await res.arrayBuffer()));
    const cert = await Certificate.create({ certificate, rootKey: ic.rootKey,
                                            principal: { canisterId: gid } });
    return lookupResultToBuffer(cert.lookup_path(['request_status', e.id, 'reply']));
  };
  assert.deepEqual(await replyOf(first), await replyOf(second));
  assert.equal(runs('job_submit'), submits + 1, 'the method ran once');
  assert.equal(await jobsOf(owner), before + 1);
});

test('the v3 call and the v2 query routes answer too; unknown routes are 404', async () => {
  const e = await envelope(owner);
  const v3 = await post(`/api/v3/canister/${gid}/call`, e.body);
  assert.equal(v3.status, 200);
  const body = decode(new Uint8Array(await v3.arrayBuffer()));
  assert.equal(body.status, 'replied');
  const cert = await Certificate.create({ certificate: body.certificate, rootKey: ic.rootKey,
                                          principal: { canisterId: gid } });
  assert.equal(new TextDecoder().decode(lookupResultToBuffer(
    cert.lookup_path(['request_status', e.id, 'status']))), 'replied');
  const signed = await envelope(owner, { request_type: 'query', method_name: 'jobs_mine',
                                         arg: IDL.encode([], []) });
  const v2 = await post(`/api/v2/canister/${gid}/query`, signed.body);
  assert.equal(decode(new Uint8Array(await v2.arrayBuffer())).status, 'replied');
  assert.equal((await post(`/api/v4/canister/${gid}/query`, signed.body)).status, 404);
});

test('certificates signed with another key are refused by the agent', async () => {
  const forger = new LocalIc({ network: ic.network, wrongCertificateKey: true });
  const forgedUrl = await forger.listen();
  try {
    const agent = await HttpAgent.create({ host: forgedUrl, rootKey: forger.rootKey,
                                           identity: owner, retryTimes: 0 });
    const actor = Actor.createActor(idlFactory, { agent, canisterId: gid });
    const refused = (e) => {
      assert.ok(e instanceof TrustError, String(e));
      assert.match(e.message, /Invalid signature|Signature verification failed/);
    };
    await rejects(actor.job_submit(jobArg), refused); // the v4 call's certificate
    await rejects(actor.jobs_mine(), refused); // the certificate with the node keys
    await rejects(agent.readState(gid, { paths: [[utf8.encode('time')]] })
      .then((r) => Certificate.create({ certificate: r.certificate, rootKey: forger.rootKey,
                                        principal: { canisterId: gid } })), refused);
  } finally {
    await forger.close();
  }
});

test('the assets site: index.html, content types, the ic_env cookie, traversal refused',
  async () => {
    const host = `${ic.sites.get('web').text}.localhost:${new URL(url).port}`;
    assert.equal(ic.siteUrl('web'), `http://${host}/`);
    const index = await get('/', host);
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'], /text\/html/);
    assert.match(index.body, /hello site/);
    const cookie = index.headers['set-cookie'][0];
    assert.match(cookie, /; path=\/; SameSite=Strict$/);
    globalThis.document = { cookie: cookie.split(';')[0] };
    const env = getCanisterEnv();
    assert.deepEqual(env.IC_ROOT_KEY, ic.rootKey);
    assert.equal(env['PUBLIC_CANISTER_ID:hyv_generator'], gid.toText());
    assert.equal((await get('/jobs/42', host)).body, index.body, 'client routes get index.html');
    const js = await get('/app.js', host);
    assert.match(js.headers['content-type'], /text\/javascript/);
    assert.equal((await get('/missing.css', host)).status, 404);
    for (const bad of ['/../secret.txt', '/%2e%2e/secret.txt', '/a/%252e%252e/../secret.txt',
                       '/..%2fsecret.txt', '/a\\..\\secret.txt']) {
      assert.equal((await get(bad, host)).status, 400, bad);
    }
    assert.equal((await get('/api/v2/status', host)).status, 200, '/api/ goes to the endpoint');
  });

test('every request was logged', () => {
  assert.ok(log.some((e) => e.kind === 'call' && e.status === 200));
  assert.ok(log.some((e) => e.kind === 'query'));
  assert.ok(log.some((e) => e.kind === 'site'));
});

async function main() {
  const site = mkdtempSync(`${tmpdir()}/hyv-endpoint-`);
  mkdirSync(`${site}/www`);
  writeFileSync(`${site}/www/index.html`, '<!doctype html><p>hello site</p>');
  writeFileSync(`${site}/www/app.js`, 'console.log(1);');
  writeFileSync(`${site}/secret.txt`, 'outside the site');
  ic = new LocalIc({ seed: 'endpoint-test', log: (e) => log.push(e) });
  gid = ic.install('g', `${dir}/hyv_generator.wasm`,
                   { controllers: [owner.getPrincipal().toUint8Array()] });
  const env = {};
  ic.addAssets('web', `${site}/www`, { env });
  env['PUBLIC_CANISTER_ID:hyv_generator'] = gid.toText(); // known only after install
  url = await ic.listen();
  let failed = 0;
  for (const [name, fn] of cases) {
    const started = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}\n${e.stack}`);
    }
  }
  await ic.close();
  rmSync(site, { recursive: true });
  if (failed > 0) {
    console.log(`${failed} of ${cases.length} cases failed`);
    process.exit(1);
  }
  console.log(`endpoint_test: all ${cases.length} cases passed`);
}

await main();
