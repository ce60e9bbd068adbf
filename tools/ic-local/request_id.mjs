// The IC's representation-independent hash of structured data (IC interface specification:
// "Representation-independent hashing of structured data", "Request ids"): a request id is the
// hash of a request's content map, and the same hash covers delegations and query responses.
// Values are hashed as the CBOR decoder gives them: byte strings as they are, text as UTF-8,
// natural numbers (number or bigint) as unsigned LEB128, arrays as the hash of their elements'
// hashes concatenated, maps recursively.
import { sha256 } from '@noble/hashes/sha2';

const utf8 = new TextEncoder();

export function leb128(n) {
  let v = BigInt(n);
  if (v < 0n) throw new Error(`leb128: ${n} is negative`);
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export const equalBytes = (a, b) => compareBytes(a, b) === 0;

export function hashValue(value) {
  if (value instanceof Uint8Array) return sha256(value);
  if (typeof value === 'string') return sha256(utf8.encode(value));
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
    return sha256(leb128(value));
  }
  if (Array.isArray(value)) return sha256(concat(...value.map(hashValue)));
  if (value !== null && typeof value === 'object') return hashOfMap(value);
  throw new Error(`cannot hash ${typeof value} ${String(value)}`);
}

// Fields whose value is undefined are absent (omitted optional fields are omitted).
export function hashOfMap(map) {
  const pairs = Object.entries(map).filter(([, v]) => v !== undefined)
    .map(([k, v]) => concat(sha256(utf8.encode(k)), hashValue(v)));
  pairs.sort(compareBytes);
  return sha256(concat(...pairs));
}

export const requestId = (content) => hashOfMap(content);

export const toHex = (b) => Buffer.from(b).toString('hex');
