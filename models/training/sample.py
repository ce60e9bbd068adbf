#!/usr/bin/env python3
"""Reads a GPT-2 folder written by train_gpt2.py back from disk (config.json, F16 model.safetensors,
vocab.json) and samples from it with torch: a check of the exported files independent of the C++
engine.

  sample.py MODEL_DIR [--ids 464,3290] [--tokens 60] [--temperature 0.8] [--seed 1]

Without --ids the sample starts after <|endoftext|>. Prompt ids can come from
`hyv tokenize --tokenizer MODEL_DIR`.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_gpt2 import Gpt2, hf_tensors  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F16", f"{name}: dtype {info['dtype']}"
        s, e = info["data_offsets"]
        arr = np.frombuffer(raw[base + s:base + e], dtype="<f2").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32))
    return out


def byte_decoder():
    """Inverse of GPT-2's bytes_to_unicode map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--ids", default="")
    ap.add_argument("--tokens", type=int, default=60)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    vocab = json.load(open(os.path.join(args.model, "vocab.json"), encoding="utf-8"))
    model = Gpt2(cfg["vocab_size"], cfg["n_positions"], cfg["n_embd"], cfg["n_layer"], cfg["n_head"],
                 cfg["layer_norm_epsilon"])
    weights = read_safetensors(os.path.join(args.model, "model.safetensors"))
    targets = hf_tensors(model)
    assert set(weights) == set(targets), set(weights) ^ set(targets)
    with torch.no_grad():
        for name, p in targets.items():
            assert tuple(weights[name].shape) == tuple(p.shape), name
            p.copy_(weights[name])
    model.eval()
    ids = [int(i) for i in args.ids.split(",") if i] or [cfg["eos_token_id"]]
    prompt_len = len(ids)
    with torch.no_grad():
        for _ in range(args.tokens):
            logits = model(torch.tensor([ids[-cfg["n_positions"]:]]))[0, -1]
            if args.temperature <= 0:
                ids.append(int(logits.argmax()))
            else:
                ids.append(int(torch.multinomial((logits / args.temperature).softmax(-1), 1)))
    inv = {v: k for k, v in vocab.items()}
    dec = byte_decoder()
    text = b"".join(bytes(dec[c] for c in inv[i]) if not inv[i].startswith("<|") else inv[i].encode()
                    for i in ids[prompt_len if args.ids else 1:])
    sys.stdout.write(text.decode("utf-8", errors="replace") + "\n")


if __name__ == "__main__":
    main()
