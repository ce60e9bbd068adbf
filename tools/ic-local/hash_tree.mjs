// The IC's certified hash trees (IC interface specification: "Certification", "Encoding of
// certificates", "Lookup"): nodes are arrays as the CBOR encoding has them,
//   [0] Empty, [1, left, right] Fork, [2, label, subtree] Labeled, [3, value] Leaf,
//   [4, hash] Pruned,
// the labels of one level sorted bytewise, forks balanced over them. A witness keeps the paths
// asked for, replaces everything else by Pruned nodes of the same hash (so the root hash, which
// the certificate signs, is the same), and keeps the labels next to a label that is not there,
// so that its absence is proven rather than unknown.
import { sha256 } from '@noble/hashes/sha2';
import { compareBytes, concat, equalBytes } from './request_id.mjs';

const utf8 = new TextEncoder();
const domain = (s) => concat(Uint8Array.of(s.length), utf8.encode(s));
const EMPTY = domain('ic-hashtree-empty');
const FORK = domain('ic-hashtree-fork');
const LABELED = domain('ic-hashtree-labeled');
const LEAF = domain('ic-hashtree-leaf');

export const label = (l) => (typeof l === 'string' ? utf8.encode(l) : Uint8Array.from(l));

// tree from a nested description: a leaf is a Uint8Array (or a string, as UTF-8); a level is an
// array of [label, child] pairs or a Map label -> child (labels as strings or bytes).
export function build(node) {
  if (node instanceof Uint8Array) return [3, node];
  if (typeof node === 'string') return [3, utf8.encode(node)];
  const entries = [...(node instanceof Map ? node.entries() : node)]
    .filter(([, child]) => child !== undefined)
    .map(([l, child]) => [label(l), child]);
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  const labeled = entries.map(([l, child]) => [2, l, build(child)]);
  return balance(labeled);
}

function balance(nodes) {
  if (nodes.length === 0) return [0];
  if (nodes.length === 1) return nodes[0];
  const mid = Math.ceil(nodes.length / 2);
  return [1, balance(nodes.slice(0, mid)), balance(nodes.slice(mid))];
}

export function reconstruct(t) {
  switch (t[0]) {
    case 0: return sha256(EMPTY);
    case 1: return sha256(concat(FORK, reconstruct(t[1]), reconstruct(t[2])));
    case 2: return sha256(concat(LABELED, t[1], reconstruct(t[2])));
    case 3: return sha256(concat(LEAF, t[1]));
    case 4: return t[1];
    default: throw new Error(`hash tree: unknown node type ${t[0]}`);
  }
}

// The labeled children of one level, in order (forks flattened).
function levelLabels(t, out = []) {
  if (t[0] === 1) {
    levelLabels(t[1], out);
    levelLabels(t[2], out);
  } else if (t[0] === 2) out.push(t[1]);
  return out;
}

// The labels a witness must show at this level: those asked for, and for each label asked for
// that is not there, its neighbours (which prove it absent).
function neighbours(t, wanted) {
  const labels = levelLabels(t);
  const keep = [];
  for (const w of wanted) {
    if (labels.some((l) => equalBytes(l, w))) continue;
    const after = labels.findIndex((l) => compareBytes(l, w) > 0);
    if (after > 0) keep.push(labels[after - 1]);
    if (after >= 0) keep.push(labels[after]);
    if (after < 0 && labels.length) keep.push(labels[labels.length - 1]);
  }
  return keep;
}

// paths: arrays of labels (bytes); [] reveals the whole (sub)tree.
export function witness(t, paths) {
  if (paths.some((p) => p.length === 0)) return t;
  if (paths.length === 0) return [4, reconstruct(t)];
  const boundary = neighbours(t, paths.map((p) => p[0]));
  return level(t, paths, boundary);
}

function level(t, paths, boundary) {
  switch (t[0]) {
    case 1: {
      const l = level(t[1], paths, boundary);
      const r = level(t[2], paths, boundary);
      return l[0] === 4 && r[0] === 4 ? [4, reconstruct(t)] : [1, l, r];
    }
    case 2: {
      const sub = paths.filter((p) => equalBytes(p[0], t[1])).map((p) => p.slice(1));
      if (sub.length) return [2, t[1], witness(t[2], sub)];
      if (boundary.some((b) => equalBytes(b, t[1]))) return [2, t[1], [4, reconstruct(t[2])]];
      return [4, reconstruct(t)];
    }
    default:
      return t; // Empty, a leaf where the path goes deeper, or already pruned: shown as they are
  }
}

// lookup(path, tree): { found: value } | { absent: true } | { unknown: true }; for the endpoint's
// own checks and the tests, following the specification's lookup.
export function lookup(path, t) {
  if (path.length === 0) {
    if (t[0] === 3) return { found: t[1] };
    if (t[0] === 4) return { unknown: true };
    return { absent: true };
  }
  const found = find(label(path[0]), t);
  if (found === 'unknown') return { unknown: true };
  if (found === null) return { absent: true };
  return lookup(path.slice(1), found);
}

function find(l, t) {
  if (t[0] === 2) return equalBytes(l, t[1]) ? t[2] : null;
  if (t[0] === 4) return 'unknown';
  if (t[0] !== 1) return null;
  const left = find(l, t[1]);
  if (left !== null && left !== 'unknown') return left;
  const right = find(l, t[2]);
  if (right !== null && right !== 'unknown') return right;
  return left === 'unknown' || right === 'unknown' ? 'unknown' : null;
}
