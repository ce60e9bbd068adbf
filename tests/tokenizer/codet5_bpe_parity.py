#!/usr/bin/env python3
"""Writes the cases of the CodeT5 byte-level BPE parity test into DIR:

  DIR/folder     a Salesforce/codet5-small-layout tokenizer folder (32,000 tokens + 100 sentinels),
                 trained here by tools/reference/make_codet5_folder.py
  DIR/cases.tsv  one case per line: the text's bytes in hex, a tab, the ids that the independent
                 encoder tools/reference/bpe_reference.py gives, space-separated

Texts: chunks of Python sources the tokenizer was not trained on (the end of the standard library
in sorted order), random strings over letters, digits, punctuation, CJK, emoji and runs of white
space, the same with the special tokens and sentinels spliced in (with and without white space
around them: <mask> takes the space to its left), and bytes that are not UTF-8.

  /usr/bin/python3 tests/tokenizer/codet5_bpe_parity.py DIR [--hyv build/hyv]
"""
import argparse
import glob
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
import bpe_reference  # noqa: E402

SPECIALS = ["<s>", "</s>", "<pad>", "<unk>", "<mask>", "<extra_id_0>", "<extra_id_7>",
            "<extra_id_99>", "<extra_id_100>", "<extra_id_", "< mask>"]
PALETTE = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ ()[]{}:;.,'\"#=+-*/\\"
           "\n\t  éüßçñ你好世界日本語😀🐍—“”\u00a0\u3000'sll've")


def source_chunks(rng, n):
    files = sorted(glob.glob("/usr/lib/python3.11/**/*.py", recursive=True))[-200:]
    chunks = []
    while len(chunks) < n:
        with open(rng.choice(files), "rb") as f:
            data = f.read()
        if not data:
            continue
        start = rng.randrange(len(data))
        chunks.append(data[start:start + rng.randint(1, 400)])
    return chunks


def random_text(rng):
    return "".join(rng.choice(PALETTE) for _ in range(rng.randint(1, 60)))


def with_specials(rng):
    parts = []
    for _ in range(rng.randint(1, 6)):
        parts.append(random_text(rng) if rng.random() < 0.7 else "")
        parts.append(rng.choice(["", " ", "  ", "\n"]) + rng.choice(SPECIALS) +
                     rng.choice(["", " ", "\t"]))
    return "".join(parts).encode("utf-8")


def not_utf8(rng):
    raw = bytearray(random_text(rng).encode("utf-8"))
    for _ in range(rng.randint(1, 3)):
        raw.insert(rng.randrange(len(raw) + 1), rng.choice([0x80, 0xC3, 0xE2, 0xF0, 0xFF]))
    return bytes(raw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--hyv", default=os.path.join(ROOT, "build", "hyv"))
    args = ap.parse_args()
    folder = os.path.join(args.dir, "folder")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "reference",
                                                 "make_codet5_folder.py"),
                    "--out", folder, "--weights", "none", "--hyv", args.hyv], check=True)
    tok = bpe_reference.Tokenizer(folder)
    rng = random.Random(20261207)
    texts = source_chunks(rng, 1500)
    texts += [random_text(rng).encode("utf-8") for _ in range(1500)]
    texts += [with_specials(rng) for _ in range(1500)]
    texts += [not_utf8(rng) for _ in range(300)]
    with open(os.path.join(args.dir, "cases.tsv"), "w") as out:
        for t in texts:
            out.write(t.hex() + "\t" + " ".join(map(str, tok.encode(t))) + "\n")
    print(f"codet5_bpe_parity: {len(texts)} cases")


if __name__ == "__main__":
    main()
