#!/usr/bin/env python3
"""Writes the README.md model card of a bundled model from the files its training left behind.

  write_card.py text|code MODEL_DIR CORPUS_DIR

Reads MODEL_DIR/{config.json,training.json,model.safetensors} and CORPUS_DIR/corpus.json, so the
figures in the card are the measured ones.
"""
import json
import os
import sys

DATA = {
    "text": {
        "title": "text-small",
        "what": "English prose",
        "sources": (
            "- **Python 3.11 documentation** (Debian package `python3.11-doc`, the HTML pages of the "
            "tutorial, HOWTOs, FAQ, language reference, library reference, *What's New* without the "
            "changelog, *Using*, *Installing* and *Extending*). Only the main body's paragraphs, list "
            "items, definitions, headings and table cells are kept; code blocks, navigation and "
            "pilcrows are dropped.\n"
            "- **Fortunes** (Debian packages `fortunes` and `fortunes-min`, the `fortune-mod` data "
            "files: quotations, jokes, poems), grouped 40 fortunes to a document."
        ),
        "license": (
            "Python's documentation is © 2001-2023 Python Software Foundation and others, under the "
            "Python Software Foundation License Version 2 (see `/usr/share/doc/python3.11-doc/copyright`"
            " on Debian). The fortune files are distributed by Debian under the BSD licence of "
            "fortune-mod (see `/usr/share/doc/fortunes/copyright`); the quotations come from many authors."
        ),
        "prompt": "The",
    },
    "code": {
        "title": "code-small",
        "what": "Python source code",
        "sources": (
            "- **The Python 3.11 standard library** as Debian installs it (`/usr/lib/python3.11`, "
            "package `libpython3.11-stdlib` and friends): every `.py` file except test suites "
            "(`test*/`, `idle_test/`, `test_*.py`), `site-packages`/`dist-packages`, the generated "
            "`pydoc_data` and `encodings` tables, `ensurepip`, files over 300 kB or under 100 bytes; exact "
            "duplicates dropped."
        ),
        "license": (
            "The Python standard library is © 2001-2023 Python Software Foundation and others, under "
            "the Python Software Foundation License Version 2 (some modules carry additional "
            "permissive notices; see `/usr/share/doc/python3.11/copyright` on Debian)."
        ),
        "prompt": "def ",
    },
}


def main():
    kind, model_dir, corpus_dir = sys.argv[1:4]
    d = DATA[kind]
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    tr = json.load(open(os.path.join(model_dir, "training.json")))
    corpus = json.load(open(os.path.join(corpus_dir, "corpus.json")))
    size_mb = os.path.getsize(os.path.join(model_dir, "model.safetensors")) / 1e6
    minutes = tr["train_seconds"] / 60
    tokens_m = tr["tokens_trained"] / 1e6
    epochs = tr["tokens_trained"] / tr["train_tokens_available"]
    bpb = f", **{tr['heldout_bits_per_byte']} bits per byte**" if "heldout_bits_per_byte" in tr else ""
    guard = f"MAX_MINUTES={tr['max_minutes']:g} " if tr.get("max_minutes") else ""
    stopped = ""
    if tr.get("stopped_by") == "time":
        stopped = (f" The run had a wall-clock guard of {tr['max_minutes']:g} minutes (a shared, busy "
                   f"machine) and stopped at step {tr['steps']} of {tr['steps_planned']}; with the "
                   "guard the learning-rate schedule follows elapsed time (it still decays fully), so "
                   "the command below reproduces this model only approximately, and without the guard "
                   f"it runs all {tr['steps_planned']} steps.")
    card = f"""---
license: other
language: {"en" if kind == "text" else "code"}
library_name: hyv
pipeline_tag: text-generation
tags: [gpt2, small]
---
# {d['title']}

A small GPT-2 ({cfg['n_layer']} layers, {cfg['n_head']} heads, width {cfg['n_embd']}, \
{cfg['n_positions']} positions, {cfg['vocab_size']}-token byte-level BPE vocabulary) trained on \
{d['what']}, bundled with Hyv as the default model for `hyv generate {kind}`. It is a demonstration \
model: it writes locally plausible {d['what']} and knows little.

## Files
A standard Hugging Face GPT-2 folder: `config.json` (`GPT2LMHeadModel`, activation `gelu_new`), \
`model.safetensors` (F16, Hugging Face names and Conv1D `(in, out)` layout, `lm_head` tied to \
`transformer.wte` and therefore not stored; {size_mb:.1f} MB), the tokenizer as `vocab.json` + \
`merges.txt` and `tokenizer.json`, `tokenizer_config.json`, and `training.json` with every figure \
below. `<|endoftext|>` (id {cfg['eos_token_id']}) separates documents and is BOS and EOS.

## Data
{d['sources']}

Documents: {corpus['train']['documents']} for training ({corpus['train']['bytes'] / 1e6:.2f} MB, \
{tr['train_tokens_available']:,} tokens), {corpus['heldout']['documents']} held out \
({corpus['heldout']['bytes'] / 1e6:.3f} MB, {tr['heldout_tokens'] + 1:,} tokens). A document is held \
out when the first byte of the SHA-256 of its name is below 13 (about 5% of documents), so the split \
does not depend on order or machine.

## Tokenizer
Trained with Hyv's own byte-level BPE trainer (`hyv tokenizer train --vocab-size \
{cfg['vocab_size']}`) on the training split only; GPT-2's pre-tokenizer and byte map.

## Training
`models/training/train_gpt2.py` (plain torch, written from the published GPT-2 architecture): \
{tr['parameters']:,} parameters; {tr['steps']} steps of {tr['batch']} × {cfg['n_positions']} tokens \
= {tokens_m:.2f} M tokens ({epochs:.2f} epochs); AdamW (β = 0.9, 0.95, weight decay \
{tr['weight_decay']} on matrices), learning rate {tr['lr']} with {tr['warmup']} warm-up steps and \
cosine decay to {tr['min_lr']}, gradient clipping at 1.0, no dropout, seed {tr['seed']}; \
{minutes:.1f} minutes on {tr['threads']} CPU thread (Debian's python3-torch with OpenBLAS).{stopped}

## Evaluation
On the held-out documents, with the exported F16 weights, in consecutive windows of \
{cfg['n_positions']} tokens: mean loss {tr['heldout_loss']} nats/token over {tr['heldout_tokens']:,} \
predicted tokens, **perplexity {tr['heldout_perplexity']}**{bpb}. Perplexity is per token of this \
model's own vocabulary, so it compares only with models that share the tokenizer; bits per byte \
compare across tokenizers.

## Reproduce
```
{guard}COPY=1 models/training/train_all.sh {kind}
```
It installs the Debian packages it needs, builds `hyv`, rebuilds the corpus, the tokenizer and the \
token ids in `models/cache/{kind}/`, trains, and writes the folder to `models/cache/{kind}/model` \
and copies it here. With one thread, the same steps and the same OpenBLAS build it gives the same weights.

## Licence of the data
{d['license']}

Try it: `build/hyv generate {kind} --prompt "{d['prompt']}" --max-tokens 40`.
"""
    with open(os.path.join(model_dir, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(card)


if __name__ == "__main__":
    main()
