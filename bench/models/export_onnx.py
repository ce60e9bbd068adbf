#!/usr/bin/env python3
"""Exports the benchmark checkpoint to ONNX for the ONNX Runtime peer run, and checks the export.

The module below is GPT-2 written from the published architecture in plain torch (no
`transformers` here): token + position embeddings, pre-LayerNorm causal self-attention and a tanh
GELU MLP per block, final LayerNorm, lm_head tied to wte. One graph serves prefill and decode:

  inputs   input_ids [1, T] int64, past.{i}.key / past.{i}.value [1, heads, P, 64] f32 (P may be 0)
  outputs  logits [1, vocab] (last token only), present.{i}.key / .value [1, heads, P + T, 64]

Keys and values are one tensor per layer, as Hugging Face Optimum exports them: a single stacked
[layers, 2, ...] tensor would add a slice and a stack, i.e. two extra copies of the whole cache per
token, which ONNX Runtime users do not pay. Only the last token's logits are computed, as our
engine does, so prefill does not spend 128 x 50257 x 768 multiply-adds on logits nobody reads.
Constant folding is left to ONNX Runtime: torch's would store the transposed lm_head as a second
copy of wte and make the file half as big again as the checkpoint (ORT folds it at load, counted in
its load time, and packs the matrix for its GEMM anyway).

The check: torch logits for a prefill of 13 tokens and for 3 decode steps after it are saved; node
runs the .onnx with onnxruntime-node (bench/models/check_onnx.mjs) and numpy compares.
The same reference (tokens and logits) lets gpt2_bench check that our engine computes the same
function on these weights before timing it.

Usage (from the repo root): /usr/bin/python3 bench/models/export_onnx.py [--model DIR]
"""

import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_distilgpt2_random import DEFAULT_OUT, REPO, read_safetensors  # noqa: E402

OPSET = 14


class Gpt2(torch.nn.Module):
    def __init__(self, cfg, weights):
        super().__init__()
        self.n_layer, self.n_head = cfg["n_layer"], cfg["n_head"]
        self.eps = cfg["layer_norm_epsilon"]
        self.d = cfg["n_embd"]
        prefix = "transformer." if "transformer.wte.weight" in weights else ""
        self.w = torch.nn.ParameterDict()
        for name, t in weights.items():
            if name.endswith((".attn.bias", ".attn.masked_bias")):
                continue  # causal-mask buffers; the mask is computed below
            key = name[len(prefix):].replace(".", "_")
            self.w[key] = torch.nn.Parameter(torch.from_numpy(t.copy()), requires_grad=False)

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, (self.d,), self.w[name + "_weight"],
                                              self.w[name + "_bias"], self.eps)

    def conv1d(self, x, name):  # HF Conv1D: weight is (in, out)
        return x @ self.w[name + "_weight"] + self.w[name + "_bias"]

    @staticmethod
    def gelu(x):  # "gelu_new": the tanh approximation
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

    def forward(self, input_ids, *past):
        t = input_ids.shape[1]
        p = past[0].shape[2]
        pos = torch.arange(t, dtype=torch.int64) + p
        x = self.w["wte_weight"][input_ids] + self.w["wpe_weight"][pos]  # [1, T, d]
        d = self.d
        hd = d // self.n_head
        # query at absolute position p + i sees keys 0 .. p + i
        allowed = torch.arange(p + t, dtype=torch.int64)[None, :] <= pos[:, None]
        presents = []
        for i in range(self.n_layer):
            h = f"h_{i}_"
            a = self.conv1d(self.ln(x, h + "ln_1"), h + "attn_c_attn")
            q, k, v = a.split(d, dim=2)
            q, k, v = (z.reshape(1, -1, self.n_head, hd).transpose(1, 2) for z in (q, k, v))
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            s = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(hd))
            s = s.masked_fill(~allowed, -1e30)
            o = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(1, -1, d)
            x = x + self.conv1d(o, h + "attn_c_proj")
            m = self.gelu(self.conv1d(self.ln(x, h + "ln_2"), h + "mlp_c_fc"))
            x = x + self.conv1d(m, h + "mlp_c_proj")
        last = self.ln(x[:, -1, :], "ln_f")  # [1, d]
        logits = torch.nn.functional.linear(last, self.w["wte_weight"])  # tied lm_head
        return (logits, *presents)


def empty_past(cfg):
    hd = cfg["n_embd"] // cfg["n_head"]
    return [torch.zeros(1, cfg["n_head"], 0, hd) for _ in range(2 * cfg["n_layer"])]


def io_names(cfg):
    ins, outs, axes = ["input_ids"], ["logits"], {"input_ids": {1: "tokens"}}
    for i in range(cfg["n_layer"]):
        for kv in ("key", "value"):
            ins.append(f"past.{i}.{kv}")
            outs.append(f"present.{i}.{kv}")
            axes[ins[-1]] = {2: "past"}
            axes[outs[-1]] = {2: "total"}
    return ins, outs, axes


def reference(model, cfg):
    """Logits after a 13-token prefill and after each of 3 decode steps that follow it."""
    rng = np.random.default_rng(7)
    ids = rng.integers(0, cfg["vocab_size"], size=16).astype(np.int64)
    with torch.no_grad():
        out = model(torch.from_numpy(ids[None, :13]), *empty_past(cfg))
        rows = [out[0][0].numpy()]
        past = out[1:]
        for j in range(13, 16):
            out = model(torch.from_numpy(ids[None, j:j + 1]), *past)
            rows.append(out[0][0].numpy())
            past = out[1:]
        # decoding must equal a plain forward over the same tokens
        full = model(torch.from_numpy(ids[None, :]), *empty_past(cfg))[0][0].numpy()
    cache_diff = float(np.abs(full - rows[-1]).max())
    if cache_diff > 1e-4:
        sys.exit(f"torch module: cached decode differs from full forward by {cache_diff}")
    return ids, np.stack(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=DEFAULT_OUT, help="checkpoint folder (default: %(default)s)")
    args = ap.parse_args()
    out_dir = os.path.join(args.model, "onnx")
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    model = Gpt2(cfg, read_safetensors(os.path.join(args.model, "model.safetensors"))).eval()

    ids, ref_logits = reference(model, cfg)
    ref_path = os.path.join(out_dir, "reference.json")
    with open(ref_path, "w") as f:
        json.dump({"tokens": ids.tolist(), "prefill_tokens": 13,
                   "logits": ref_logits.tolist()}, f)

    ins, outs, axes = io_names(cfg)
    onnx_path = os.path.join(out_dir, "model.onnx")
    example = (torch.from_numpy(ids[None, :4]), *empty_past(cfg))
    with torch.no_grad():
        torch.onnx.export(model, example, onnx_path + ".tmp", input_names=ins, output_names=outs,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=False)
    os.replace(onnx_path + ".tmp", onnx_path)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.1f} MB, opset {OPSET})")

    # onnxruntime-node runs the graph; numpy judges.
    got_path = os.path.join(out_dir, "check_ort.json")
    subprocess.run(["node", os.path.join(REPO, "bench", "models", "check_onnx.mjs"), onnx_path,
                    ref_path, got_path], check=True)
    with open(got_path) as f:
        got = np.array(json.load(f)["logits"], dtype=np.float32)
    diff = float(np.abs(got - ref_logits).max())
    same_argmax = bool((got.argmax(-1) == ref_logits.argmax(-1)).all())
    print(json.dumps({"check": "onnx_vs_torch", "max_abs_diff": diff, "same_argmax": same_argmax}))
    if diff > 1e-3 or not same_argmax:
        os.remove(onnx_path)
        sys.exit(f"ONNX export differs from the torch module: max abs diff {diff}")


if __name__ == "__main__":
    main()
