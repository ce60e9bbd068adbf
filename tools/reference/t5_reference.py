#!/usr/bin/env python3
"""Independent T5 forward pass in numpy (float64), the oracle for Hyv's T5 engine tests.

Written from the published architecture (Raffel et al. 2020, "Exploring the Limits of Transfer
Learning with a Unified Text-to-Text Transformer"; Hugging Face's T5ForConditionalGeneration weight
layout), not from Hyv's C++:
  - RMS norm without mean or bias: x / sqrt(mean(x^2) + eps) * w, before every sub-layer and after
    each stack;
  - multi-head attention without the 1/sqrt(d) scale, plus a learned relative position bias
    (per bucket and head) held by each stack's first layer and added in every layer: buckets are
    bidirectional in the encoder, causal in the decoder; cross-attention has no bias;
  - a ReLU MLP, or a gated one (act(x wi_0) * (x wi_1)) for "gated-gelu"/"gated-silu";
  - logits from the shared embedding with the decoder output scaled by d_model^-0.5 when tied,
    else from lm_head.
Every call recomputes the whole decoder sequence (no cache), so it also checks the engine's caches.

Usage:
  t5_reference.py MODEL_DIR --source 5,6,7 --target 0,9 [--greedy 8]
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import read_safetensors  # noqa: E402  (the file format, not the model)


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * w


def relative_bucket(relative, bidirectional, num_buckets, max_distance):
    """Bucket of (key position - query position), as the paper's Mesh TensorFlow code defines."""
    bucket = 0
    if bidirectional:
        num_buckets //= 2
        if relative > 0:
            bucket += num_buckets
        n = abs(relative)
    else:
        n = max(-relative, 0)
    max_exact = num_buckets // 2
    if n < max_exact:
        return bucket + n
    large = max_exact + int(math.log(n / max_exact) / math.log(max_distance / max_exact)
                            * (num_buckets - max_exact) + 1e-9)
    return bucket + min(large, num_buckets - 1)


def position_bias(table, n_query, n_key, bidirectional, config, query_offset=0):
    """[heads, n_query, n_key] additive bias from a [buckets, heads] table."""
    nb = config.get("relative_attention_num_buckets", 32)
    md = config.get("relative_attention_max_distance", 128)
    buckets = np.array([[relative_bucket(k - (q + query_offset), bidirectional, nb, md)
                         for k in range(n_key)] for q in range(n_query)])
    return table[buckets].transpose(2, 0, 1)


def attention(x, kv, w, prefix, config, bias, causal):
    heads, d_kv = config["num_heads"], config["d_kv"]
    q = (x @ w[prefix + "q.weight"].T).reshape(len(x), heads, d_kv).transpose(1, 0, 2)
    k = (kv @ w[prefix + "k.weight"].T).reshape(len(kv), heads, d_kv).transpose(1, 0, 2)
    v = (kv @ w[prefix + "v.weight"].T).reshape(len(kv), heads, d_kv).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1)  # no 1/sqrt(d_kv): T5 folds it into the initialisation
    if bias is not None:
        scores = scores + bias
    if causal:
        scores = np.where(np.triu(np.ones(scores.shape[1:], dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=-1, keepdims=True)
    out = (probs @ v).transpose(1, 0, 2).reshape(len(x), heads * d_kv)
    return out @ w[prefix + "o.weight"].T


def activation(x, name):
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "gelu":
        erf = np.vectorize(math.erf)
        return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    if name == "gelu_new":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "silu":
        return x / (1.0 + np.exp(-x))
    raise ValueError("unknown activation " + name)


def feed_forward(x, w, prefix, config):
    proj = config.get("feed_forward_proj", "relu")
    gated = proj.startswith("gated-")
    act = "gelu_new" if proj == "gated-gelu" else proj.split("-")[-1]
    if gated:
        h = activation(x @ w[prefix + "wi_0.weight"].T, act) * (x @ w[prefix + "wi_1.weight"].T)
    else:
        h = activation(x @ w[prefix + "wi.weight"].T, act)
    return h @ w[prefix + "wo.weight"].T


def embedding(w):
    for name in ("shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"):
        if name in w:
            return w[name]
    raise KeyError("no embedding")


def encode(w, config, source):
    eps = config.get("layer_norm_epsilon", 1e-6)
    x = embedding(w)[source]
    bias = position_bias(w["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"],
                         len(source), len(source), True, config)
    for i in range(config["num_layers"]):
        p = "encoder.block.%d.layer." % i
        h = rms_norm(x, w[p + "0.layer_norm.weight"], eps)
        x = x + attention(h, h, w, p + "0.SelfAttention.", config, bias, False)
        x = x + feed_forward(rms_norm(x, w[p + "1.layer_norm.weight"], eps), w,
                             p + "1.DenseReluDense.", config)
    return rms_norm(x, w["encoder.final_layer_norm.weight"], eps)


def decode(w, config, encoded, target):
    """Logits [len(target), vocab] for every decoder position."""
    eps = config.get("layer_norm_epsilon", 1e-6)
    x = embedding(w)[target]
    bias = position_bias(w["decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"],
                         len(target), len(target), False, config)
    for i in range(config.get("num_decoder_layers", config["num_layers"])):
        p = "decoder.block.%d.layer." % i
        h = rms_norm(x, w[p + "0.layer_norm.weight"], eps)
        x = x + attention(h, h, w, p + "0.SelfAttention.", config, bias, True)
        h = rms_norm(x, w[p + "1.layer_norm.weight"], eps)
        x = x + attention(h, encoded, w, p + "1.EncDecAttention.", config, None, False)
        x = x + feed_forward(rms_norm(x, w[p + "2.layer_norm.weight"], eps), w,
                             p + "2.DenseReluDense.", config)
    x = rms_norm(x, w["decoder.final_layer_norm.weight"], eps)
    if config.get("tie_word_embeddings", True):
        return (x * config["d_model"] ** -0.5) @ embedding(w).T
    return x @ w["lm_head.weight"].T


def greedy(w, config, source, n_tokens):
    """n_tokens argmax decoder tokens after decoder_start_token_id, each from a full recompute."""
    encoded = encode(w, config, source)
    target = [config.get("decoder_start_token_id", 0)]
    for _ in range(n_tokens):
        target.append(int(np.argmax(decode(w, config, encoded, target)[-1])))
    return target[1:]


def load(model_dir, weights="model.safetensors"):
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    return read_safetensors(os.path.join(model_dir, weights)), config


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--source", required=True, help="comma-separated encoder token ids")
    ap.add_argument("--target", default="", help="comma-separated decoder token ids")
    ap.add_argument("--greedy", type=int, default=0, help="also print N greedy tokens")
    args = ap.parse_args()
    w, config = load(args.model_dir)
    source = [int(s) for s in args.source.split(",")]
    target = [int(s) for s in args.target.split(",")] if args.target else \
        [config.get("decoder_start_token_id", 0)]
    logits = decode(w, config, encode(w, config, source), target)
    print(json.dumps({"last_logits_argmax": int(np.argmax(logits[-1])),
                      "last_logits_head": [round(float(v), 6) for v in logits[-1][:8]]}))
    if args.greedy:
        print(json.dumps({"greedy": greedy(w, config, source, args.greedy)}))


if __name__ == "__main__":
    main()
