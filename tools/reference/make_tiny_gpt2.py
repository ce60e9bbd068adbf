#!/usr/bin/env python3
"""Writes tests/fixtures/tiny-gpt2/: a complete, random-initialised Hugging Face GPT-2 folder and the
expected outputs of the independent numpy reference (gpt2_reference.py) for it.

  /usr/bin/python3 tools/reference/make_tiny_gpt2.py [--out tests/fixtures/tiny-gpt2]

Contents:
  config.json, vocab.json, merges.txt   a GPT2Config and a tiny byte-level BPE (256 byte tokens, a
                                        few dozen merges, <|endoftext|>)
  model.safetensors                     F32, names with "transformer.", causal-mask buffers
                                        attn.bias (F32 in layer 0, BOOL in layer 1) and
                                        attn.masked_bias, as real checkpoints carry
  model-f16.safetensors                 the same weights as F16, names without the prefix
  model-bf16.safetensors                the same weights as BF16, without the prefix, plus an
                                        explicit lm_head.weight (equal to wte)
  reference/index.json + *.f32          per prompt: token ids, logits of every position (raw
                                        little-endian float32, rows x vocab), 16 greedy tokens,
                                        and the logits of the same model with its weights passed
                                        through the engine's q8 quantisation (*.q8.f32)

Weights are rounded to values that BF16 and F16 both hold exactly, so the three files carry identical
numbers and one set of expected logits serves all of them. The init is wider than GPT-2's 0.02 so that
attention is far from uniform and the next-token distribution is peaked, as in a trained model; the
script checks that the greedy choices win by a margin that int8 quantisation cannot overturn.
"""
import argparse
import json
import os
import re
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt2_reference as ref  # noqa: E402

SEED = 20240611
N_LAYER, N_HEAD, N_EMBD, N_POSITIONS = 2, 4, 64, 128
N_MERGES = 40
PROMPT_LENGTHS = (1, 5, 17, 64)
GREEDY_TOKENS = 16
MIN_MARGIN = 0.15  # logits; every greedy step of a fixture prompt wins by at least this
Q8_BLOCK = 32  # the engine's q8 block along the input dimension (simulated below)

CORPUS = """The quick brown fox jumps over the lazy dog. The dog sleeps in the sun, and the fox
runs into the forest. There is the river, and there are the trees. In the evening the animals
return to their homes; the fox thinks of the dog, the dog thinks of nothing at all.
def main(): return the_answer(42) if the else None
"""


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable unicode characters, in GPT-2's id order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return list(zip(bs, [chr(c) for c in cs]))


def train_bpe(text, n_merges):
    """Ranked merges from a plain BPE count over GPT-2-style pre-tokens (ASCII text only)."""
    byte_map = dict(bytes_to_unicode())
    pattern = r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+"""
    words = {}
    for piece in re.findall(pattern, text):
        key = tuple(byte_map[b] for b in piece.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(n_merges):
        pairs = {}
        for word, count in words.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + count
        best = max(sorted(pairs), key=lambda p: pairs[p])  # ties: first in sorted order
        merges.append(best)
        merged = {}
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    return merges


def tokenizer_files(merges):
    vocab = {}
    for _, ch in bytes_to_unicode():
        vocab[ch] = len(vocab)
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    merges_txt = "#version: 0.2\n" + "".join("%s %s\n" % m for m in merges)
    return vocab, merges_txt


def exact_in_bf16_and_f16(x):
    """Rounds to BF16 (nearest even) and flushes values below F16's normal range to zero."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    y = bits.astype(np.uint32).view(np.float32).copy()
    y[np.abs(y) < 2.0 ** -14] = 0.0
    assert np.array_equal(y.astype(np.float16).astype(np.float32), y)
    return y


def make_weights(vocab_size, rng):
    """HF GPT-2 names (no prefix) -> float32 arrays in HF layout (Conv1D weights are (in, out))."""
    c = N_EMBD
    w = {}

    def normal(shape, std):
        w_ = rng.normal(0.0, std, size=shape)
        return exact_in_bf16_and_f16(w_)

    w["wte.weight"] = normal((vocab_size, c), 0.3)
    w["wpe.weight"] = normal((N_POSITIONS, c), 0.5)
    for i in range(N_LAYER):
        p = "h.%d." % i
        for ln in ("ln_1", "ln_2"):
            w[p + ln + ".weight"] = exact_in_bf16_and_f16(1.0 + rng.normal(0, 0.1, c))
            w[p + ln + ".bias"] = normal((c,), 0.05)
        w[p + "attn.c_attn.weight"] = normal((c, 3 * c), 2.0 / np.sqrt(c))
        w[p + "attn.c_attn.bias"] = normal((3 * c,), 0.05)
        w[p + "attn.c_proj.weight"] = normal((c, c), 0.5 / np.sqrt(c))
        w[p + "attn.c_proj.bias"] = normal((c,), 0.05)
        w[p + "mlp.c_fc.weight"] = normal((c, 4 * c), 1.0 / np.sqrt(c))
        w[p + "mlp.c_fc.bias"] = normal((4 * c,), 0.05)
        w[p + "mlp.c_proj.weight"] = normal((4 * c, c), 0.5 / np.sqrt(4 * c))
        w[p + "mlp.c_proj.bias"] = normal((c,), 0.05)
    w["ln_f.weight"] = exact_in_bf16_and_f16(1.0 + rng.normal(0, 0.1, c))
    w["ln_f.bias"] = normal((c,), 0.05)
    return w


def to_bf16_bytes(x):
    return (np.asarray(x, dtype=np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype string, shape, raw little-endian bytes)."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, _, raw in tensors:
            f.write(raw)


def q8_round_trip(m):
    """m: [out, in] after the engine's q8 round trip: int8, one scale per block of Q8_BLOCK inputs.

    Scales and rounding are computed in float32 as the engine does (scale = max|w| / 127,
    q = round-half-even(w / scale)), so the int8 values are the engine's own."""
    m = m.astype(np.float32)
    out = np.empty(m.shape, dtype=np.float64)
    for b in range(0, m.shape[1], Q8_BLOCK):
        block = m[:, b:b + Q8_BLOCK]
        scale = np.abs(block).max(axis=1, keepdims=True) / np.float32(127)
        safe = np.where(scale == 0, np.float32(1), scale)
        q = np.clip(np.round(block / safe), -127, 127)
        out[:, b:b + Q8_BLOCK] = q.astype(np.float64) * scale.astype(np.float64)
    return out


def q8_simulated(w):
    """The weights after the engine's q8 round trip (q8_round_trip) of every matrix it quantises."""
    q = dict(w)
    for name, value in w.items():
        if name.endswith("c_attn.weight") or name.endswith("c_proj.weight") or \
                name.endswith("c_fc.weight"):
            q[name] = q8_round_trip(value.T).T  # Conv1D (in, out): blocks along in
        elif name == "wte.weight":
            q[name] = q8_round_trip(value)
    return q


def compact_json(value, indent=""):
    """Indented objects, but each list of numbers on one line (the index stays readable)."""
    if isinstance(value, dict):
        inner = indent + "  "
        items = ",\n".join('%s"%s": %s' % (inner, k, compact_json(v, inner)) for k, v in value.items())
        return "{\n%s\n%s}" % (items, indent) + ("\n" if not indent else "")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = indent + "  "
        return "[\n%s\n%s]" % (",\n".join(inner + compact_json(v, inner) for v in value), indent)
    return json.dumps(value)


def compact_json(value, indent=""):
    """Indented objects, but each list of numbers on one line (the index stays readable)."""
    if isinstance(value, dict):
        inner = indent + "  "
        items = ",\n".join('%s"%s": %s' % (inner, k, compact_json(v, inner)) for k, v in value.items())
        return "{\n%s\n%s}" % (items, indent) + ("\n" if not indent else "")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = indent + "  "
        return "[\n%s\n%s]" % (",\n".join(inner + compact_json(v, inner) for v in value), indent)
    return json.dumps(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default="tests/fixtures/tiny-gpt2")
    args = ap.parse_args()
    out = args.out
    os.makedirs(os.path.join(out, "reference"), exist_ok=True)
    rng = np.random.default_rng(SEED)

    vocab, merges_txt = tokenizer_files(train_bpe(CORPUS, N_MERGES))
    vocab_size = len(vocab)
    eos = vocab["<|endoftext|>"]
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write(merges_txt)
    config = {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
        "activation_function": "gelu_new", "bos_token_id": eos, "eos_token_id": eos,
        "layer_norm_epsilon": 1e-5, "n_ctx": N_POSITIONS, "n_positions": N_POSITIONS,
        "n_embd": N_EMBD, "n_head": N_HEAD, "n_layer": N_LAYER, "n_inner": None,
        "vocab_size": vocab_size, "initializer_range": 0.02, "resid_pdrop": 0.1,
        "embd_pdrop": 0.1, "attn_pdrop": 0.1, "scale_attn_weights": True, "use_cache": True,
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")

    w = make_weights(vocab_size, rng)
    f32 = [("transformer." + n, "F32", v.shape, v.astype("<f4").tobytes()) for n, v in w.items()]
    causal = np.tril(np.ones((N_POSITIONS, N_POSITIONS)))
    f32.append(("transformer.h.0.attn.bias", "F32", (1, 1, N_POSITIONS, N_POSITIONS),
                causal.astype("<f4").tobytes()))
    f32.append(("transformer.h.1.attn.bias", "BOOL", (1, 1, N_POSITIONS, N_POSITIONS),
                causal.astype(np.uint8).tobytes()))
    for i in range(N_LAYER):
        f32.append(("transformer.h.%d.attn.masked_bias" % i, "F32", (),
                    np.array(-1e4, "<f4").tobytes()))
    write_safetensors(os.path.join(out, "model.safetensors"), f32)
    write_safetensors(os.path.join(out, "model-f16.safetensors"),
                      [(n, "F16", v.shape, v.astype("<f2").tobytes()) for n, v in w.items()])
    bf16 = [(n, "BF16", v.shape, to_bf16_bytes(v)) for n, v in w.items()]
    bf16.append(("lm_head.weight", "BF16", w["wte.weight"].shape, to_bf16_bytes(w["wte.weight"])))
    write_safetensors(os.path.join(out, "model-bf16.safetensors"), bf16)

    # The oracle reads the files back by hand: the expected values come from what was written.
    weights, cfg = ref.load(out)
    for other in ("model-f16.safetensors", "model-bf16.safetensors"):
        wo, _ = ref.load(out, other)
        assert all(np.array_equal(weights[n], wo[n]) for n in w), other
    q8 = q8_simulated({n: v for n, v in weights.items() if n in w})

    index = {"model": "tiny-gpt2", "seed": SEED, "vocab_size": vocab_size,
             "logits_format": "little-endian float32, rows x vocab_size", "prompts": []}
    worst_q8, min_margin = 0.0, float("inf")
    for n in PROMPT_LENGTHS:
        # Random prompts are drawn until every greedy step wins by MIN_MARGIN and the q8-simulated
        # model picks the same tokens: a near-tie would make the engine's q8 greedy test a coin flip.
        for _ in range(200):
            ids = [int(i) for i in rng.integers(0, vocab_size, size=n)]
            continuation = ref.greedy(weights, cfg, ids, GREEDY_TOKENS)
            full = ref.forward(weights, cfg, ids + continuation)
            path = full[n - 1:n - 1 + GREEDY_TOKENS]
            top2 = np.sort(path, axis=1)[:, -2:]
            margin = float((top2[:, 1] - top2[:, 0]).min())
            q8_full = ref.forward(q8, cfg, ids + continuation)
            q8_tokens = [int(t) for t in np.argmax(q8_full[n - 1:n - 1 + GREEDY_TOKENS], axis=1)]
            if margin >= MIN_MARGIN and q8_tokens == continuation:
                break
        else:
            sys.exit("no prompt of length %d with clear greedy margins: change SEED or the init" % n)
        min_margin = min(min_margin, margin)
        worst_q8 = max(worst_q8, float(np.abs(q8_full - full).max()))
        name = "prompt-%d.f32" % n
        full[:n].astype("<f4").tofile(os.path.join(out, "reference", name))
        q8_name = "prompt-%d.q8.f32" % n
        q8_full[:n].astype("<f4").tofile(os.path.join(out, "reference", q8_name))
        index["prompts"].append({"ids": ids, "logits": name, "q8_logits": q8_name, "rows": n,
                                 "greedy": continuation})
    index["notes"] = {
        "min_top1_top2_margin_on_greedy_path": round(float(min_margin), 4),
        "q8_block%d_weights_max_abs_logit_diff" % Q8_BLOCK: round(worst_q8, 4),
    }
    with open(os.path.join(out, "reference", "index.json"), "w") as f:
        f.write(compact_json(index))
    print(json.dumps(index["notes"]))


if __name__ == "__main__":
    main()
