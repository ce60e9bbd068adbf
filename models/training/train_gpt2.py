#!/usr/bin/env python3
"""Trains a small GPT-2 on token ids and writes a Hugging Face GPT-2 folder.

Plain torch (Debian's python3-torch), written from the published GPT-2 architecture: token and
position embeddings, pre-LayerNorm blocks of causal self-attention and a tanh-GELU MLP, a final
LayerNorm, lm_head tied to wte. Weights are held in Hugging Face's Conv1D (in, out) layout so the
export is a plain copy. AdamW, linear warm-up then cosine decay, fixed seed.

  train_gpt2.py --train train.u16 --heldout heldout.u16 --tokenizer TOKDIR --out DIR \
      --n-layer 4 --n-head 4 --n-embd 192 --n-positions 256 --steps 3000 [--max-minutes 25]

Token files are little-endian uint16 ids (documents joined by <|endoftext|>). The run stops after
--steps, or earlier when --max-minutes is spent; the learning-rate schedule follows whichever of the
two is further along, so a run cut short by a busy machine still ends with a decayed rate. With
one thread and the same steps the run is deterministic.

Writes DIR/config.json, DIR/model.safetensors (F16, no lm_head since it is tied), vocab.json,
merges.txt and tokenizer.json copied from TOKDIR, tokenizer_config.json, and DIR/training.json (shapes, steps,
tokens, wall time, held-out loss and perplexity of the exported F16 weights).
"""
import argparse
import json
import math
import os
import shutil
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, n_embd, n_head, eps):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = torch.nn.LayerNorm(n_embd, eps=eps)
        self.ln_2 = torch.nn.LayerNorm(n_embd, eps=eps)
        # Conv1D layout: y = x @ W + b with W of shape (in, out), as Hugging Face stores GPT-2.
        self.c_attn_w = torch.nn.Parameter(torch.empty(n_embd, 3 * n_embd))
        self.c_attn_b = torch.nn.Parameter(torch.zeros(3 * n_embd))
        self.c_proj_w = torch.nn.Parameter(torch.empty(n_embd, n_embd))
        self.c_proj_b = torch.nn.Parameter(torch.zeros(n_embd))
        self.c_fc_w = torch.nn.Parameter(torch.empty(n_embd, 4 * n_embd))
        self.c_fc_b = torch.nn.Parameter(torch.zeros(4 * n_embd))
        self.mlp_proj_w = torch.nn.Parameter(torch.empty(4 * n_embd, n_embd))
        self.mlp_proj_b = torch.nn.Parameter(torch.zeros(n_embd))

    def forward(self, x, mask):
        b, t, c = x.shape
        hd = c // self.n_head
        qkv = torch.addmm(self.c_attn_b, self.ln_1(x).view(-1, c), self.c_attn_w).view(b, t, 3, self.n_head, hd)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (b, head, t, hd)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd))
        att = att.masked_fill(mask[:t, :t], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b * t, c)
        x = x + torch.addmm(self.c_proj_b, y, self.c_proj_w).view(b, t, c)
        h = F.gelu(torch.addmm(self.c_fc_b, self.ln_2(x).view(-1, c), self.c_fc_w), approximate="tanh")
        return x + torch.addmm(self.mlp_proj_b, h, self.mlp_proj_w).view(b, t, c)


class Gpt2(torch.nn.Module):
    def __init__(self, vocab_size, n_positions, n_embd, n_layer, n_head, eps):
        super().__init__()
        self.wte = torch.nn.Parameter(torch.empty(vocab_size, n_embd))
        self.wpe = torch.nn.Parameter(torch.empty(n_positions, n_embd))
        self.h = torch.nn.ModuleList(Block(n_embd, n_head, eps) for _ in range(n_layer))
        self.ln_f = torch.nn.LayerNorm(n_embd, eps=eps)
        self.register_buffer("mask", torch.ones(n_positions, n_positions, dtype=torch.bool).triu(1),
                             persistent=False)
        # GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer).
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith("proj_w") else 0.02
                torch.nn.init.normal_(p, 0.0, std)
        torch.nn.init.normal_(self.wpe, 0.0, 0.01)

    def forward(self, idx):
        b, t = idx.shape
        x = self.wte[idx] + self.wpe[:t]
        for block in self.h:
            x = block(x, self.mask)
        return self.ln_f(x) @ self.wte.t()  # tied lm_head


def hf_tensors(model):
    """The model's weights under Hugging Face GPT2LMHeadModel names (lm_head omitted: tied)."""
    out = {"transformer.wte.weight": model.wte, "transformer.wpe.weight": model.wpe,
           "transformer.ln_f.weight": model.ln_f.weight, "transformer.ln_f.bias": model.ln_f.bias}
    for i, blk in enumerate(model.h):
        p = f"transformer.h.{i}."
        out.update({
            p + "ln_1.weight": blk.ln_1.weight, p + "ln_1.bias": blk.ln_1.bias,
            p + "attn.c_attn.weight": blk.c_attn_w, p + "attn.c_attn.bias": blk.c_attn_b,
            p + "attn.c_proj.weight": blk.c_proj_w, p + "attn.c_proj.bias": blk.c_proj_b,
            p + "ln_2.weight": blk.ln_2.weight, p + "ln_2.bias": blk.ln_2.bias,
            p + "mlp.c_fc.weight": blk.c_fc_w, p + "mlp.c_fc.bias": blk.c_fc_b,
            p + "mlp.c_proj.weight": blk.mlp_proj_w, p + "mlp.c_proj.bias": blk.mlp_proj_b,
        })
    return out


def write_safetensors_f16(path, tensors):
    """safetensors: 8-byte little-endian header length, JSON header, then the raw tensor bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float16).contiguous().numpy().astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the data section starts 8-byte aligned
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)))
        fh.write(raw)
        for b in blobs:
            fh.write(b)


def gpt2_config(args, vocab_size, eot_id):
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": eot_id,
        "embd_pdrop": 0.0,
        "eos_token_id": eot_id,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-5,
        "model_type": "gpt2",
        "n_ctx": args.n_positions,
        "n_embd": args.n_embd,
        "n_head": args.n_head,
        "n_inner": None,
        "n_layer": args.n_layer,
        "n_positions": args.n_positions,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.0,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": True,
        "torch_dtype": "float16",
        "use_cache": True,
        "vocab_size": vocab_size,
    }


@torch.no_grad()
def evaluate(model, ids, ctx, batch=16):
    """Mean next-token NLL over ids in consecutive windows of ctx tokens (each window starts with no
    earlier context). Returns (total_nll, predicted_tokens)."""
    model.eval()
    n_win = (len(ids) - 1) // ctx
    total, count = 0.0, 0
    for s in range(0, n_win, batch):
        rows = range(s, min(s + batch, n_win))
        x = torch.stack([torch.from_numpy(ids[r * ctx:r * ctx + ctx].astype(np.int64)) for r in rows])
        y = torch.stack([torch.from_numpy(ids[r * ctx + 1:r * ctx + ctx + 1].astype(np.int64)) for r in rows])
        logits = model(x)
        total += F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), reduction="sum").item()
        count += y.numel()
    tail = ids[n_win * ctx:]
    if len(tail) > 1:
        x = torch.from_numpy(tail[:-1].astype(np.int64))[None]
        logits = model(x)
        total += F.cross_entropy(logits[0], torch.from_numpy(tail[1:].astype(np.int64)), reduction="sum").item()
        count += len(tail) - 1
    model.train()
    return total, count


def lr_at(progress, step, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * min(progress, 1.0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--heldout-bytes", type=int, default=0, help="UTF-8 bytes of the held-out text, for bits per byte")
    ap.add_argument("--tokenizer", required=True, help="folder with vocab.json and merges.txt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=192)
    ap.add_argument("--n-positions", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop earlier when this much wall time is spent")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log-every", type=int, default=50)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    with open(os.path.join(args.tokenizer, "vocab.json"), encoding="utf-8") as fh:
        vocab = json.load(fh)
    vocab_size = max(vocab.values()) + 1
    eot_id = vocab["<|endoftext|>"]
    train_ids = np.fromfile(args.train, dtype="<u2")
    heldout_ids = np.fromfile(args.heldout, dtype="<u2")
    assert train_ids.max() < vocab_size and heldout_ids.max() < vocab_size, "ids outside the vocabulary"

    model = Gpt2(vocab_size, args.n_positions, args.n_embd, args.n_layer, args.n_head, 1e-5)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95))
    print(f"params {n_params} train_tokens {len(train_ids)} heldout_tokens {len(heldout_ids)}", flush=True)

    T, B = args.n_positions, args.batch
    t0 = time.time()
    budget_s = args.max_minutes * 60 if args.max_minutes > 0 else float("inf")
    step, smooth = 0, None
    while step < args.steps:
        elapsed = time.time() - t0
        if elapsed >= budget_s:
            break
        progress = max(step / args.steps, elapsed / budget_s)
        lr = lr_at(progress, step, args)
        for g in opt.param_groups:
            g["lr"] = lr
        starts = rng.integers(0, len(train_ids) - T - 1, size=B)
        x = torch.from_numpy(np.stack([train_ids[s:s + T] for s in starts]).astype(np.int64))
        y = torch.from_numpy(np.stack([train_ids[s + 1:s + T + 1] for s in starts]).astype(np.int64))
        loss = F.cross_entropy(model(x).view(-1, vocab_size), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        step += 1
        if step % args.log_every == 0:
            el = time.time() - t0
            print(f"step {step} loss {smooth:.3f} lr {lr:.2e} {el:.0f}s {step * B * T / el:.0f} tok/s", flush=True)
    train_s = time.time() - t0

    # Evaluate the weights exactly as exported (rounded to F16).
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.float16).to(torch.float32))
    nll, count = evaluate(model, heldout_ids, T)
    result = {
        "n_layer": args.n_layer, "n_head": args.n_head, "n_embd": args.n_embd,
        "n_positions": args.n_positions, "vocab_size": vocab_size, "parameters": n_params,
        "steps": step, "steps_planned": args.steps, "max_minutes": args.max_minutes,
        "stopped_by": "steps" if step >= args.steps else "time", "batch": B, "tokens_trained": step * B * T, "train_tokens_available": int(len(train_ids)),
        "train_seconds": round(train_s, 1), "lr": args.lr, "min_lr": args.min_lr, "warmup": args.warmup,
        "weight_decay": args.weight_decay, "seed": args.seed, "threads": args.threads,
        "final_train_loss_smoothed": round(smooth, 4),
        "heldout_tokens": count, "heldout_loss": round(nll / count, 4),
        "heldout_perplexity": round(math.exp(nll / count), 2),
    }
    if args.heldout_bytes:
        result["heldout_bytes"] = args.heldout_bytes
        result["heldout_bits_per_byte"] = round(nll / math.log(2) / args.heldout_bytes, 4)
    print(json.dumps(result), flush=True)

    os.makedirs(args.out, exist_ok=True)
    write_safetensors_f16(os.path.join(args.out, "model.safetensors"), hf_tensors(model))
    with open(os.path.join(args.out, "config.json"), "w") as fh:
        json.dump(gpt2_config(args, vocab_size, eot_id), fh, indent=2)
        fh.write("\n")
    for f in ("vocab.json", "merges.txt", "tokenizer.json"):
        if os.path.exists(os.path.join(args.tokenizer, f)):
            shutil.copyfile(os.path.join(args.tokenizer, f), os.path.join(args.out, f))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as fh:
        json.dump({"tokenizer_class": "GPT2Tokenizer", "model_max_length": args.n_positions,
                   "add_prefix_space": False, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                   "unk_token": "<|endoftext|>"}, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(args.out, "training.json"), "w") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
