// Request authentication (IC interface specification: "Authentication", "Signatures",
// "Special forms of Principals"): the sender must be the anonymous principal with no key or
// signature, or the self-authenticating principal of sender_pubkey (SHA-224 of the DER key ·
// 0x02); the chain of delegations starts at that key, each delegation signed by the key before
// it over `\x1Aic-request-auth-delegation` · hash_of_map(delegation), none expired, at most 20,
// no key twice; sender_sig is by the chain's last key over `\x0Aic-request` · request id.
// Schemes: Ed25519, ECDSA on P-256 and on secp256k1 (SHA-256, signature r·s, 64 bytes), each
// DER-wrapped (SubjectPublicKeyInfo). Not supported: canister signatures and WebAuthn keys.
// Failures throw AuthError with the message the endpoint answers (HTTP 400).
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha224, sha256 } from '@noble/hashes/sha2';
import { Principal } from '@dfinity/principal';
import { concat, equalBytes, hashOfMap } from './request_id.mjs';

const utf8 = new TextEncoder();
export const REQUEST_DOMAIN = concat(Uint8Array.of(10), utf8.encode('ic-request'));
export const DELEGATION_DOMAIN = concat(Uint8Array.of(26),
  utf8.encode('ic-request-auth-delegation'));
export const MAX_DELEGATIONS = 20;
export const MAX_TARGETS = 1000;
export const ANONYMOUS = Uint8Array.of(4);

const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
const SCHEMES = [
  { name: 'Ed25519', prefix: hex('302a300506032b6570032100'), keyBytes: 32,
    verify: (raw, msg, sig) => sig.length === 64 && ed25519.verify(sig, msg, raw) },
  { name: 'ECDSA P-256', prefix: hex('3059301306072a8648ce3d020106082a8648ce3d030107034200'),
    keyBytes: 65,
    verify: (raw, msg, sig) => sig.length === 64 &&
      p256.verify(sig, sha256(msg), raw, { prehash: false, lowS: false, format: 'compact' }) },
  { name: 'ECDSA secp256k1', prefix: hex('3056301006072a8648ce3d020106052b8104000a034200'),
    keyBytes: 65,
    verify: (raw, msg, sig) => sig.length === 64 &&
      secp256k1.verify(sig, sha256(msg), raw, { prehash: false, lowS: false, format: 'compact' }) },
];

export class AuthError extends Error {}

export const selfAuthenticating = (der) => concat(sha224(der), Uint8Array.of(2));
const text = (bytes) => Principal.fromUint8Array(bytes).toText();

function scheme(der) {
  const s = SCHEMES.find((x) => der.length === x.prefix.length + x.keyBytes &&
                                equalBytes(der.subarray(0, x.prefix.length), x.prefix));
  if (s === undefined) throw new AuthError('unsupported or malformed public key (DER)');
  return s;
}

// Whether sig is der's signature of msg; throws AuthError for a key it cannot read.
export function verifySignature(der, msg, sig) {
  const s = scheme(der);
  if (!(sig instanceof Uint8Array)) return false;
  try {
    return s.verify(der.subarray(s.prefix.length), msg, sig);
  } catch {
    return false;
  }
}

// envelope: the decoded CBOR envelope; content its content map (already checked for shape);
// id: the request id; nowNs: the time delegations must not have expired at. Returns the
// canister ids the delegations allow (null: any).
export function authenticate(envelope, content, id, nowNs) {
  const { sender } = content;
  const { sender_pubkey: pubkey, sender_sig: sig, sender_delegation: chain } = envelope;
  if (equalBytes(sender, ANONYMOUS)) {
    if (pubkey !== undefined || sig !== undefined || chain !== undefined) {
      throw new AuthError('Invalid signature: an anonymous request carries no key, signature or ' +
                          'delegation');
    }
    return null;
  }
  if (!(pubkey instanceof Uint8Array) || !(sig instanceof Uint8Array)) {
    throw new AuthError(`Invalid signature: a request from ${text(sender)} needs sender_pubkey ` +
                        'and sender_sig');
  }
  if (!equalBytes(selfAuthenticating(pubkey), sender)) {
    throw new AuthError(`Invalid signature: sender ${text(sender)} is not the self-` +
                        'authenticating principal of sender_pubkey');
  }
  const { key, targets } = followChain(pubkey, chain ?? [], nowNs);
  if (!verifySignature(key, concat(REQUEST_DOMAIN, id), sig)) {
    throw new AuthError(`Invalid signature: the sender_sig of request 0x${hexOf(id)} does not ` +
                        `verify with the ${scheme(key).name} key`);
  }
  return targets;
}

const hexOf = (b) => Buffer.from(b).toString('hex');

function followChain(first, chain, nowNs) {
  if (!Array.isArray(chain)) throw new AuthError('Invalid delegation: not an array');
  if (chain.length > MAX_DELEGATIONS) {
    throw new AuthError(`Invalid delegation: ${chain.length} delegations, at most ` +
                        `${MAX_DELEGATIONS} are allowed`);
  }
  let key = first;
  const seen = [first];
  let targets = null;
  chain.forEach((signed, i) => {
    const d = signed?.delegation;
    if (!(d?.pubkey instanceof Uint8Array) || !isNat(d.expiration) ||
        !(signed.signature instanceof Uint8Array)) {
      throw new AuthError(`Invalid delegation: delegation ${i} is malformed`);
    }
    if (!verifySignature(key, concat(DELEGATION_DOMAIN, hashOfMap(d)), signed.signature)) {
      throw new AuthError(`Invalid delegation: the signature of delegation ${i} does not verify`);
    }
    if (BigInt(d.expiration) < nowNs) {
      throw new AuthError(`Invalid delegation: delegation ${i} expired at ` +
                          `${new Date(Number(BigInt(d.expiration) / 1_000_000n)).toISOString()}`);
    }
    if (seen.some((k) => equalBytes(k, d.pubkey))) {
      throw new AuthError(`Invalid delegation: delegation ${i} repeats a key of the chain`);
    }
    targets = narrow(targets, d.targets, i);
    seen.push(d.pubkey);
    key = d.pubkey;
  });
  return { key, targets };
}

const isNat = (n) => typeof n === 'bigint' || (Number.isInteger(n) && n >= 0);

function narrow(targets, more, i) {
  if (more === undefined) return targets;
  if (!Array.isArray(more) || more.length > MAX_TARGETS ||
      !more.every((t) => t instanceof Uint8Array)) {
    throw new AuthError(`Invalid delegation: the targets of delegation ${i} are malformed or ` +
                        `more than ${MAX_TARGETS}`);
  }
  return targets === null ? more : targets.filter((t) => more.some((m) => equalBytes(m, t)));
}

// Throws unless the delegations allow canister id (bytes).
export function checkTarget(targets, canisterId) {
  if (targets !== null && !targets.some((t) => equalBytes(t, canisterId))) {
    throw new AuthError(`Invalid delegation: canister ${text(canisterId)} is not one of the ` +
                        'delegation targets');
  }
}
