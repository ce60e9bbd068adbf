// The system state tree the endpoint certifies (IC interface specification: "The system state
// tree"), built from what it knows at the time:
//   /time                                     network time, LEB128 nanoseconds
//   /subnet/<subnet_id>/public_key            the root key (DER): this is the root subnet
//   /subnet/<subnet_id>/canister_ranges       CBOR [[lo, hi]]
//   /subnet/<subnet_id>/node/<node_id>/public_key   the node key that signs query responses
//   /canister_ranges/<subnet_id>/<lo>         the same ranges, in the sharded layout
//   /request_status/<request_id>/status|reply|reject_code|reject_message|error_code
//   /canister/<id>/certified_data|module_hash|controllers|metadata/<name>
// and the read_state rules for which paths a request may ask for.
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { Principal } from '@dfinity/principal';
import { equalBytes, leb128 } from './request_id.mjs';

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const utf8 = new TextDecoder();
const labelText = (l) => utf8.decode(l);

function requestStatus(r) {
  const node = [['status', r.status]];
  if (r.status === 'replied') node.push(['reply', r.reply]);
  if (r.status === 'rejected') {
    node.push(['reject_code', leb128(r.rejectCode)], ['reject_message', r.rejectMessage],
              ['error_code', r.errorCode]);
  }
  return node;
}

// s: { timeNs, subnetId, rootKey, nodeId, nodeKey, ranges: [[lo, hi]], requests: iterable of
// records, canisters: iterable of { id, moduleHash?, controllers, metadata } }.
export function stateTree(s) {
  const ranges = encodeWithSelfDescribedTag(s.ranges);
  return [
    ['time', leb128(s.timeNs)],
    ['subnet', [[s.subnetId, [
      ['public_key', s.rootKey], ['canister_ranges', ranges],
      ['node', [[s.nodeId, [['public_key', s.nodeKey]]]]],
    ]]]],
    ['canister_ranges', [[s.subnetId, s.ranges.map(([lo]) => [lo, ranges])]]],
    ['request_status', [...s.requests].map((r) => [r.id, requestStatus(r)])],
    ['canister', [...s.canisters].map((c) => [c.id, [
      ['certified_data', c.certifiedData ?? new Uint8Array(0)],
      ['module_hash', c.moduleHash ?? undefined],
      ['controllers', encodeWithSelfDescribedTag(c.controllers)],
      ['metadata', c.metadata.size ? [...c.metadata].map(([n, m]) => [n, m.content]) : undefined],
    ]])],
  ];
}

const SUBNET_LEAVES = ['public_key', 'canister_ranges', 'node'];
const STATUS_LEAVES = ['status', 'reply', 'reject_code', 'reject_message', 'error_code'];

// Throws HttpError unless every path may be read. at: { ecid } for the canister endpoint,
// { subnetId } for the subnet one; sender: the read_state request's sender; request(id): the
// record of a call; canister(id): { controllers, metadata } or null.
export function authorize(paths, at, { sender, subnetId, request, canister }) {
  let requestId = null;
  for (const p of paths) {
    const [head, ...rest] = p;
    const name = head === undefined ? '' : labelText(head);
    if (name === 'time' && rest.length === 0) continue;
    if (name === 'api_boundary_nodes' && rest.length <= 2) continue;
    if (name === 'subnet') {
      checkSubnetPath(rest, at, subnetId);
      continue;
    }
    if (name === 'canister_ranges' && rest.length <= 2) continue;
    if (name === 'request_status' && at.ecid && rest.length >= 1 && rest.length <= 2) {
      if (rest.length === 2 && !STATUS_LEAVES.includes(labelText(rest[1]))) {
        throw new HttpError(404, `read_state: /request_status/<id>/${show(rest[1])} cannot be ` +
                                 'requested');
      }
      if (requestId !== null && !equalBytes(requestId, rest[0])) {
        throw new HttpError(400, 'all request_status paths must be for the same request id');
      }
      requestId = rest[0];
      const r = request(rest[0]);
      if (r && (!equalBytes(r.sender, sender) || !equalBytes(r.ecid, at.ecid))) {
        throw new HttpError(403, 'request_status: the request was sent by another principal or ' +
                                 'to another effective canister id');
      }
      continue;
    }
    if (name === 'canister' && at.ecid && rest.length >= 2) {
      checkCanisterPath(rest, at, sender, canister);
      continue;
    }
    throw new HttpError(404, `read_state: path /${p.map(show).join('/')} cannot be requested ` +
                             (at.ecid ? 'at a canister endpoint' : 'at a subnet endpoint'));
  }
}

function show(l) {
  const t = labelText(l);
  return /^[\x20-\x7e]*$/.test(t) ? t : Buffer.from(l).toString('hex');
}

function checkSubnetPath(rest, at, subnetId) {
  if (rest.length <= 1) return;
  const leaf = labelText(rest[1]);
  if (rest.length === 2 && SUBNET_LEAVES.includes(leaf)) return;
  if (leaf === 'node' && rest.length <= 4 &&
      (rest.length < 4 || labelText(rest[3]) === 'public_key')) return;
  if (leaf === 'metrics' && rest.length === 2 && at.subnetId &&
      equalBytes(rest[0], subnetId)) return;
  throw new HttpError(404, `read_state: /subnet/.../${leaf} cannot be requested here`);
}

function checkCanisterPath(rest, at, sender, canister) {
  const [id, what, name] = rest;
  if (!equalBytes(id, at.ecid)) {
    throw new HttpError(403, `read_state: /canister/${Principal.fromUint8Array(id).toText()} ` +
                             'is not the effective canister id');
  }
  const leaf = labelText(what);
  if (rest.length === 2 && (leaf === 'module_hash' || leaf === 'controllers')) return;
  if (leaf === 'metadata' && rest.length === 3) {
    const c = canister(id);
    const m = c?.metadata.get(labelText(name));
    if (m?.visibility === 'private' && !c.controllers.some((x) => equalBytes(x, sender))) {
      throw new HttpError(403, `read_state: metadata ${labelText(name)} is private to the ` +
                               'controllers');
    }
    return;
  }
  throw new HttpError(404, `read_state: /canister/<id>/${leaf} cannot be requested`);
}
