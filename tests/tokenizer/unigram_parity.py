#!/usr/bin/python3
"""Writes the live oracle for UnigramParity.LiveOracle (tests/engine/unigram_tokenizer_test.cpp).

    /usr/bin/python3 tests/tokenizer/unigram_parity.py OUT_DIR

Trains unigram models with SentencePiece (Debian's python3-sentencepiece) on the repository's
docs, and writes for each OUT_DIR/<name>/spiece.model, tokenizer.json (when the model has that
form) and cases.tsv: seeded random strings (mixes of full-width letters, ligatures, accents,
spaces of every kind, emoji, invalid UTF-8, code and lines of repository files) with the ids
sp.encode gives and sp.decode of those ids. OUT_DIR/models.txt lists the names.

  t5       T5's settings with the whole nmt_nfkc charsmap (the committed fixture has a part of it)
  udbf     nmt_nfkc plus user-defined and control pieces and byte_fallback
  identity no charsmap, extra whitespace and the dummy prefix kept
"""

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                                "reference"))

import sentencepiece as spm  # noqa: E402

import make_tiny_spiece as tiny  # noqa: E402

MODELS = [
    ("t5", 2000, dict(normalization_rule_name="nmt_nfkc", **tiny.T5_IDS), 3000),
    ("udbf", 1200, dict(normalization_rule_name="nmt_nfkc", byte_fallback=True,
                        user_defined_symbols=["<sep>", "::", "->", "é"],
                        control_symbols=["<extra_id_0>"], **tiny.T5_IDS), 1500),
    ("identity", 800, dict(normalization_rule_name="identity", remove_extra_whitespaces=False,
                           add_dummy_prefix=False, **tiny.T5_IDS), 1500),
]


def decodes_tsv(sp, seed, count):
    """Lines "ids<TAB>sp.decode(ids) hex" for random id sequences: control, unknown, byte and
    "▁" pieces anywhere, the start of the text included, not only what encode() makes."""
    rng = random.Random(seed)
    size = sp.get_piece_size()
    lines = []
    for _ in range(count):
        ids = [rng.randrange(size) if rng.random() < 0.7 else rng.randrange(min(size, 300))
               for _ in range(rng.randrange(0, 12))]
        text = sp.decode(ids).encode("utf-8", "surrogateescape")
        lines.append("%s\t%s\n" % (" ".join(map(str, ids)), text.hex()))
    return "".join(lines)


def main(out):
    os.makedirs(out, exist_ok=True)
    corpus = tiny.docs_corpus(out)
    lines = tiny.repo_lines(2000)
    names = []
    for seed, (name, vocab, options, count) in enumerate(MODELS):
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        model = tiny.train(corpus, os.path.join(out, name + "-train"), vocab, **options)
        with open(os.path.join(folder, "spiece.model"), "wb") as f:
            f.write(model)
        tiny.write_tokenizer_json(model, os.path.join(folder, "tokenizer.json"))
        sp = spm.SentencePieceProcessor(model_proto=model)
        inputs = tiny.TRICKY + tiny.TRICKY_BYTES + tiny.random_strings(100 + seed, count, lines)
        if name == "udbf":  # the user-defined and control pieces inside text
            extra = ["a<sep>b", "x::y->z", "<extra_id_0> sentinel", "café::<sep>", "-> é é"]
            inputs += extra + [s + " " + t for s in extra for t in tiny.TRICKY[:20]]
        with open(os.path.join(folder, "cases.tsv"), "w", encoding="utf-8") as f:
            f.write(tiny.cases_tsv(sp, inputs))
        with open(os.path.join(folder, "decodes.tsv"), "w", encoding="utf-8") as f:
            f.write(decodes_tsv(sp, seed, count // 3))
        names.append(name)
    with open(os.path.join(out, "models.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
