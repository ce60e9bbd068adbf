#!/usr/bin/env python3
"""Writes a folder with Salesforce/codet5-small's layout: a RoBERTa-style byte-level BPE tokenizer
and a T5 config (and, if asked, random weights), for tests that must not download the model.

  /usr/bin/python3 tools/reference/make_codet5_folder.py --out DIR [--hyv build/hyv]
      [--tiny] [--vocab 32000] [--weights random|none] [--format bin|safetensors|both]
  /usr/bin/python3 tools/reference/make_codet5_folder.py --fixture   # tests/fixtures/tiny-codet5

Files, in the real folder's formats:
  vocab.json               <pad> 0, <s> 1, </s> 2, <unk> 3, <mask> 4, then the trained tokens
                           (32,000 entries by default)
  merges.txt               "#version: 0.2" and the merges in rank order
  added_tokens.json        the 100 sentinels after vocab.json: <extra_id_99> first, <extra_id_0>
                           last (32000 and 32099 at the real size), as T5's sentinels run
  special_tokens_map.json  bos/eos/unk/sep/pad/cls as strings, mask_token as an AddedToken object
                           with lstrip true (RobertaTokenizer's default), the sentinels as
                           additional_special_tokens
  tokenizer_config.json    RobertaTokenizer's fields (the special tokens as plain strings)
  config.json              codet5-small's config (T5ForConditionalGeneration, d_model 512, d_ff 2048,
                           d_kv 64, 6 + 6 layers, 8 heads, relu, vocab 32,100, pad 0, bos 1, eos 2,
                           decoder_start 0, head tied to the embedding by T5Config's default);
                           --tiny: d_model 64, d_ff 128, d_kv 16, 4 heads, 2 + 2 layers, same vocab
  pytorch_model.bin        --weights random: torch.save of a state dict initialised as transformers
  model.safetensors        initialises a new T5 (make_tiny_t5.make_weights), F32

The tokenizer is trained by `hyv tokenizer train` on Python's standard library sources (the first
--corpus-mb megabytes of /usr/lib/python3.11/*.py in sorted path order), so the same machine gives
the same files in a few seconds. It is not CodeT5's vocabulary, only its layout.

--fixture writes tests/fixtures/tiny-codet5: 1,000 vocab.json entries + 100 sentinels (vocab_size
1,100 in config.json), d_model 32, 1 + 2 layers, both weight formats from one state dict.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tiny_t5 import codet5_small_config, make_weights  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>", "<mask>"]
SENTINELS = 100
SEED = 20260311


def corpus_files(corpus, megabytes):
    files, total = [], 0
    for path in sorted(glob.glob(os.path.join(corpus, "**", "*.py"), recursive=True)):
        if total >= megabytes * 1e6:
            break
        if os.path.isfile(path) and not os.path.islink(path):
            files.append(path)
            total += os.path.getsize(path)
    return files


def train(hyv, corpus, megabytes, vocab):
    """The trainer's tokens (its <|endoftext|> dropped) in id order, and its merges.txt."""
    with tempfile.TemporaryDirectory() as tmp:
        # +1: the trainer adds <|endoftext|>, which a RoBERTa vocabulary does not have.
        size = vocab - len(SPECIALS) + 1
        subprocess.run([hyv, "tokenizer", "train", "--vocab-size", str(size), "-o", tmp] +
                       corpus_files(corpus, megabytes), check=True, stderr=subprocess.DEVNULL)
        with open(os.path.join(tmp, "vocab.json"), encoding="utf-8") as f:
            trained = json.load(f)
        with open(os.path.join(tmp, "merges.txt"), encoding="utf-8") as f:
            merges = f.read()
    tokens = [t for t, _ in sorted(trained.items(), key=lambda kv: kv[1]) if t != "<|endoftext|>"]
    if len(tokens) != vocab - len(SPECIALS):
        sys.exit("make_codet5_folder: the corpus gave %d tokens, not %d; raise --corpus-mb"
                 % (len(tokens), vocab - len(SPECIALS)))
    return tokens, merges


def write_json(out, name, value, **kwargs):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, **kwargs)
        f.write("\n")


def write_tokenizer(out, tokens, merges):
    vocab = {t: i for i, t in enumerate(SPECIALS + tokens)}
    write_json(out, "vocab.json", vocab)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write(merges)
    sentinels = ["<extra_id_%d>" % n for n in reversed(range(SENTINELS))]
    write_json(out, "added_tokens.json", {s: len(vocab) + i for i, s in enumerate(sentinels)})
    mask = {"content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False,
            "normalized": True}
    write_json(out, "special_tokens_map.json", {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "pad_token": "<pad>", "cls_token": "<s>", "mask_token": mask,
        "additional_special_tokens": sentinels})
    write_json(out, "tokenizer_config.json", {
        "errors": "replace", "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
        "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "add_prefix_space": False, "trim_offsets": True, "model_max_length": 512,
        "tokenizer_class": "RobertaTokenizer"})
    return len(vocab) + SENTINELS


def model_config(tiny, vocab_size, fixture=False):
    config = codet5_small_config()
    config.update({"gradient_checkpointing": False, "output_past": True, "torch_dtype": "float32",
                   "use_cache": True, "vocab_size": vocab_size})
    if tiny:
        config.update({"d_model": 64, "d_ff": 128, "d_kv": 16, "num_heads": 4, "num_layers": 2,
                       "num_decoder_layers": 2})
    if fixture:  # a decoder deeper than the encoder, as in tiny-t5, catches a swapped count
        config.update({"d_model": 32, "d_ff": 64, "d_kv": 8, "num_heads": 4, "num_layers": 1,
                       "num_decoder_layers": 2})
    return config


def write_weights(out, config, fmt):
    w = make_weights(config, np.random.default_rng(SEED), t5_init=True)
    names = sorted(w)
    if fmt in ("bin", "both"):
        import torch  # only here: the tokenizer files need no torch
        torch.save({n: torch.from_numpy(w[n]) for n in names},
                   os.path.join(out, "pytorch_model.bin"))
    if fmt in ("safetensors", "both"):
        from make_tiny_gpt2 import write_safetensors
        write_safetensors(os.path.join(out, "model.safetensors"),
                          [(n, "F32", w[n].shape, w[n].astype("<f4").tobytes()) for n in names])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--hyv", default=os.path.join(ROOT, "build", "hyv"))
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--vocab", type=int, default=32000, help="entries of vocab.json")
    ap.add_argument("--weights", choices=("random", "none"), default="none")
    ap.add_argument("--format", choices=("bin", "safetensors", "both"), default="bin")
    ap.add_argument("--corpus", default="/usr/lib/python3.11")
    ap.add_argument("--corpus-mb", type=float, default=8.0)
    ap.add_argument("--fixture", action="store_true",
                    help="write tests/fixtures/tiny-codet5 (overrides the other sizes)")
    args = ap.parse_args()
    if args.fixture:
        args.out = os.path.join(ROOT, "tests", "fixtures", "tiny-codet5")
        args.vocab, args.weights, args.format, args.corpus_mb = 1000, "random", "both", 2.0
    if not args.out:
        ap.error("--out DIR (or --fixture) is required")
    os.makedirs(args.out, exist_ok=True)
    tokens, merges = train(args.hyv, args.corpus, args.corpus_mb, args.vocab)
    vocab_size = write_tokenizer(args.out, tokens, merges)
    config = model_config(args.tiny, vocab_size, args.fixture)
    write_json(args.out, "config.json", config, indent=2)
    if args.weights == "random":
        write_weights(args.out, config, args.format)
    print("make_codet5_folder: %s: %d tokens + %d sentinels, d_model %d, weights %s"
          % (args.out, args.vocab, SENTINELS, config["d_model"], args.weights))


if __name__ == "__main__":
    main()
