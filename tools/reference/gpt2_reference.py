#!/usr/bin/env python3
"""Independent GPT-2 forward pass in numpy (float64), the oracle for Hyv's engine tests.

Written from the published architecture (Radford et al. 2019; Hugging Face's GPT2LMHeadModel weight
layout), not from Hyv's C++: token + position embeddings, n_layer pre-LayerNorm blocks of causal
multi-head self-attention and a GELU MLP, a final LayerNorm, logits from the tied embedding matrix.
Every forward recomputes the whole sequence (no KV cache), so it also checks the engine's cache.

Usage:
  gpt2_reference.py MODEL_DIR --ids 1,2,3 [--greedy 16] [--weights model.safetensors]
"""
import argparse
import json
import math
import os
import struct

import numpy as np

# safetensors dtype -> numpy dtype. BF16 has no numpy type: it is read as uint16 and widened.
_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.uint16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_,
}


def read_safetensors(path):
    """Returns {name: float64 array} from a safetensors file, parsed by hand."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    body = data[8 + header_len:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = np.frombuffer(body[begin:end], dtype=_DTYPES[info["dtype"]])
        if info["dtype"] == "BF16":
            raw = (raw.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = raw.astype(np.float64).reshape(info["shape"])
    return tensors


def strip_prefix(tensors):
    """Checkpoints name weights with or without the "transformer." prefix."""
    out = {}
    for name, value in tensors.items():
        out[name[len("transformer."):] if name.startswith("transformer.") else name] = value
    return out


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x, kind):
    if kind == "gelu":  # the exact form, erf-based
        erf = np.vectorize(math.erf)
        return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def attention(x, w, prefix, n_head):
    """Causal multi-head self-attention over the whole sequence x: [T, C]."""
    t, c = x.shape
    d = c // n_head
    qkv = x @ w[prefix + "c_attn.weight"] + w[prefix + "c_attn.bias"]  # Conv1D: (in, out)
    q, k, v = qkv[:, :c], qkv[:, c:2 * c], qkv[:, 2 * c:]
    q = q.reshape(t, n_head, d).transpose(1, 0, 2)  # [H, T, D]
    k = k.reshape(t, n_head, d).transpose(1, 0, 2)
    v = v.reshape(t, n_head, d).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)  # [H, T, T]
    future = np.triu(np.ones((t, t), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(t, c)
    return out @ w[prefix + "c_proj.weight"] + w[prefix + "c_proj.bias"]


def forward(w, config, ids):
    """Logits [T, vocab] for every position of ids (a list of token ids)."""
    eps = config.get("layer_norm_epsilon", 1e-5)
    act = config.get("activation_function", "gelu_new")
    x = w["wte.weight"][ids] + w["wpe.weight"][np.arange(len(ids))]
    for i in range(config["n_layer"]):
        p = "h.%d." % i
        x = x + attention(layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps), w,
                          p + "attn.", config["n_head"])
        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], act)
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    lm_head = w.get("lm_head.weight", w["wte.weight"])  # tied to wte unless stored
    return x @ lm_head.T


def greedy(w, config, ids, n_tokens):
    """n_tokens argmax continuations, each from a fresh full forward pass."""
    ids = list(ids)
    out = []
    for _ in range(n_tokens):
        nxt = int(np.argmax(forward(w, config, ids)[-1]))
        out.append(nxt)
        ids.append(nxt)
    return out


def load(model_dir, weights="model.safetensors"):
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    return strip_prefix(read_safetensors(os.path.join(model_dir, weights))), config


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--ids", required=True, help="comma-separated token ids")
    ap.add_argument("--greedy", type=int, default=0, help="also print N greedy tokens")
    ap.add_argument("--weights", default="model.safetensors")
    args = ap.parse_args()
    w, config = load(args.model_dir, args.weights)
    ids = [int(s) for s in args.ids.split(",")]
    logits = forward(w, config, ids)
    print(json.dumps({"last_logits_argmax": int(np.argmax(logits[-1])),
                      "last_logits_head": [round(float(v), 6) for v in logits[-1][:8]]}))
    if args.greedy:
        print(json.dumps({"greedy": greedy(w, config, ids, args.greedy)}))


if __name__ == "__main__":
    main()
