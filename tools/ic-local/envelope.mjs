// Request envelopes (IC interface specification: "Authentication", "Request: Call",
// "Request: Query call", "Request: Read state", "CBOR encoding of requests and responses"):
// a CBOR map { content, sender_pubkey?, sender_sig?, sender_delegation? } whose content must
// have the fields its request type needs, a nonce of at most 32 bytes, and an ingress_expiry
// within [now, now + 5 min + drift]. open() returns { content, id, targets } or throws
// EnvelopeError (answered 400 with its message, as the replica answers a malformed, expired or
// badly signed request).
import { decode } from '@dfinity/cbor';
import { AuthError, authenticate } from './signatures.mjs';
import { requestId } from './request_id.mjs';

export const MAX_INGRESS_TTL_NS = 5n * 60n * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = 60n * 1_000_000_000n;
export const MAX_PATHS = 1000;
export const MAX_PATH_LABELS = 127;

export class EnvelopeError extends Error {}

const isBlob = (v) => v instanceof Uint8Array;
const isNat = (v) => typeof v === 'bigint' || (Number.isInteger(v) && v >= 0);
const FIELDS = {
  call: { canister_id: isBlob, method_name: (v) => typeof v === 'string', arg: isBlob },
  query: { canister_id: isBlob, method_name: (v) => typeof v === 'string', arg: isBlob },
  read_state: { paths: (v) => Array.isArray(v) && v.length <= MAX_PATHS &&
    v.every((p) => Array.isArray(p) && p.length <= MAX_PATH_LABELS && p.every(isBlob)) },
};

function parse(body) {
  try {
    return decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  } catch (e) {
    throw new EnvelopeError(`Could not parse body as CBOR: ${e.message}`);
  }
}

function checkContent(content, type) {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new EnvelopeError('Malformed request: the envelope has no content map');
  }
  if (content.request_type !== type) {
    throw new EnvelopeError(`Malformed request: request_type must be "${type}" here, not ` +
                            `${JSON.stringify(String(content.request_type))}`);
  }
  const needed = { sender: (v) => isBlob(v) && v.length <= 29, ingress_expiry: isNat,
                   ...FIELDS[type] };
  for (const [field, ok] of Object.entries(needed)) {
    if (!ok(content[field])) throw new EnvelopeError(`Malformed request: bad or missing ${field}`);
  }
  if (content.nonce !== undefined && !(isBlob(content.nonce) && content.nonce.length <= 32)) {
    throw new EnvelopeError('Malformed request: nonce must be a blob of at most 32 bytes');
  }
}

const iso = (ns) => new Date(Number(ns / 1_000_000n)).toISOString();

// The agent recognises "Invalid request expiry: " and then syncs its clock and retries.
export function checkExpiry(expiry, nowNs) {
  const min = nowNs;
  const max = nowNs + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
  const e = BigInt(expiry);
  if (e < min || e > max) {
    throw new EnvelopeError('Invalid request expiry: Specified ingress_expiry not within ' +
                            `expected range: Minimum allowed expiry: ${iso(min)}, Maximum ` +
                            `allowed expiry: ${iso(max)}, Provided expiry: ${iso(e)}`);
  }
}

// body: the HTTP request body (bytes); type: 'call' | 'query' | 'read_state'; nowNs: the
// endpoint's time.
export function open(body, type, nowNs) {
  const envelope = parse(body);
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    throw new EnvelopeError('Malformed request: the body is not a CBOR map');
  }
  const { content } = envelope;
  checkContent(content, type);
  const id = requestId(content);
  checkExpiry(content.ingress_expiry, nowNs);
  try {
    const targets = authenticate(envelope, content, id, nowNs);
    return { content, id, targets };
  } catch (e) {
    if (e instanceof AuthError) throw new EnvelopeError(e.message);
    throw e;
  }
}
