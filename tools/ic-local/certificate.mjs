// The endpoint's root of trust and its certificates (IC interface specification:
// "Certification", "Root of trust"): a BLS12-381 key in the IC's min-sig scheme, the public key
// in G2 (96 bytes, DER-wrapped as the IC's root key is: 133 bytes), signatures in G1 (48 bytes)
// over `\x0Dic-state-root` · root hash of the tree. There is one subnet, the root subnet, so
// certificates carry no delegation. The key is fresh per endpoint unless a seed is given.
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { sha256 } from '@noble/hashes/sha2';
import { randomBytes } from 'node:crypto';
import { reconstruct } from './hash_tree.mjs';
import { concat } from './request_id.mjs';

export const BLS_DER_PREFIX = Buffer.from(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100', 'hex');
export const BLS_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const STATE_ROOT = concat(Uint8Array.of(13), new TextEncoder().encode('ic-state-root'));

// A BLS secret key from a seed (any string) or at random: 64 bytes reduced into the scalar
// field (a non-zero scalar, as the BLS standard's KeyGen also ensures).
export function blsSecretKey(seed = null) {
  const wide = seed === null ? randomBytes(64)
    : concat(sha256(Buffer.from(`bls:${seed}:0`)), sha256(Buffer.from(`bls:${seed}:1`)));
  const order = bls.fields.Fr.ORDER;
  let n = 0n;
  for (const b of wide) n = (n << 8n) | BigInt(b);
  n = (n % (order - 1n)) + 1n;
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
}

export class CertificateSigner {
  constructor(secretKey) {
    this.secretKey = secretKey;
    // min-sig: the public key in G2 (compressed, 96 bytes), signatures in G1.
    this.publicKey = bls.getPublicKeyForShortSignatures(secretKey);
    this.der = concat(BLS_DER_PREFIX, this.publicKey);
  }

  // The CBOR certificate of a (witness) tree: { tree, signature }.
  certify(tree) {
    const message = concat(STATE_ROOT, reconstruct(tree));
    const signature = bls.signShortSignature(message, this.secretKey, { DST: BLS_DST });
    return encodeWithSelfDescribedTag({ tree, signature });
  }
}
