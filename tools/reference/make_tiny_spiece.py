#!/usr/bin/python3
"""Makes tests/fixtures/tiny-t5-spiece/: a small SentencePiece unigram model laid out as T5's.

    /usr/bin/python3 tools/reference/make_tiny_spiece.py      (from the repository root)

Writes, with Debian's python3-sentencepiece (the oracle of hyv::engine::UnigramTokenizer):
  spiece.model    trained by SentencePieceTrainer on docs/*.md: model_type unigram, T5's special
                  ids (pad 0, eos 1, unk 2, no bos), a small vocabulary
  tokenizer.json  the same model as a Hugging Face tokenizer.json (model Unigram, normalizer
                  Precompiled, pre-tokenizer WhitespaceSplit + Metaspace), as t5-small's is laid out
  expected.tsv    ids and sp.decode() of tricky strings, computed by sentencepiece

T5's normalizer is nmt_nfkc, whose precompiled charsmap alone is ~240 KB. The fixture keeps the
same rules, taken from nmt_nfkc's own charsmap, but only for the blocks the tricky strings touch
(control characters and spaces, Latin-1, punctuation, letterlike symbols, ligatures, full-width
forms, ...), so it stays small; tests/tokenizer/unigram_parity_test.sh trains a model with the
whole of nmt_nfkc at test time. The module's functions are shared with that test's helper.

The model is trained on the docs as they are, so a rerun after they change gives another model;
expected.tsv is written with it, and the three files are committed together.
"""

import base64
import glob
import json
import os
import random
import struct
import sys
import tempfile

import sentencepiece as spm

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "tiny-t5-spiece")
SPACE = "\u2581"

# T5's spiece.model: <pad> 0, </s> 1, <unk> 2, no <s>.
T5_IDS = dict(pad_id=0, eos_id=1, unk_id=2, bos_id=-1)

# --- protobuf wire format: just enough to read a ModelProto -----------------------------------


def _varint(buf, pos):
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def fields(buf):
    """Yields (field number, wire type, value) of one message; value is int or bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6


def read_model(data):
    """The parts of a ModelProto a tokenizer.json carries."""
    model = {"pieces": [], "normalizer": {}, "trainer": {}}
    for number, _, value in fields(data):
        if number == 1:
            piece = {"piece": "", "score": 0.0, "type": NORMAL}
            for n, _, v in fields(value):
                if n == 1:
                    piece["piece"] = v.decode("utf-8")
                elif n == 2:
                    piece["score"] = struct.unpack("<f", v)[0]
                elif n == 3:
                    piece["type"] = v
            model["pieces"].append(piece)
        elif number == 2:
            for n, _, v in fields(value):
                model["trainer"][n] = v
        elif number == 3:
            for n, _, v in fields(value):
                model["normalizer"][n] = v
    return model


# --- the precompiled charsmap: <uint32 trie size><darts-clone double array><NUL-ended strings> ---


def charsmap_rules(blob):
    """Every rule of a precompiled charsmap: {source bytes: replacement bytes}."""
    (size,) = struct.unpack_from("<I", blob, 0)
    units = struct.unpack_from("<%dI" % (size // 4), blob, 4)
    strings = blob[4 + size:]

    def offset(u):
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    rules = {}

    def walk(node, key):
        base = node ^ offset(units[node])
        for c in range(1, 256):
            child = base ^ c
            if child >= len(units) or (units[child] & ((1 << 31) | 0xFF)) != c:
                continue
            if (units[child] >> 8) & 1:
                value = units[child ^ offset(units[child])] & ((1 << 31) - 1)
                end = strings.index(b"\0", value)
                rules[key + bytes([c])] = strings[value:end]
            walk(child, key + bytes([c]))

    walk(0, b"")
    return rules


def nmt_nfkc_rules(workdir):
    """nmt_nfkc's rules, read from the charsmap of a model trained with it."""
    corpus = os.path.join(workdir, "rules-corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("abc def ghi\n" * 50)
    prefix = os.path.join(workdir, "rules")
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, vocab_size=13,
                                   model_type="unigram", normalization_rule_name="nmt_nfkc",
                                   minloglevel=2)
    with open(prefix + ".model", "rb") as f:
        model = read_model(f.read())
    return charsmap_rules(model["normalizer"][2])


# Blocks whose nmt_nfkc rules the fixture keeps (by the rule's first code point).
FIXTURE_BLOCKS = [
    (0x0000, 0x024F),  # controls (tab, newline -> space), Latin-1 (NBSP, ª, ½), Latin Extended
    (0x0300, 0x036F),  # combining marks
    (0x2000, 0x206F),  # spaces, dashes, quotes, ellipsis, zero-width characters
    (0x2100, 0x218F),  # letterlike symbols and Roman numerals (™, ℃, Ⅻ)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x3000, 0x3000),  # ideographic space
    (0xFB00, 0xFB06),  # Latin ligatures (ﬁ)
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte order mark
    (0xFF01, 0xFF5E),  # full-width ASCII
]


def rules_tsv(rules, blocks):
    """normalization_rule_tsv lines for the rules whose first code point is in blocks."""
    lines = []
    for src, trg in sorted(rules.items()):
        first = ord(src.decode("utf-8")[0])
        if not any(lo <= first <= hi for lo, hi in blocks):
            continue
        hexes = lambda s: " ".join("%X" % ord(ch) for ch in s.decode("utf-8"))
        lines.append("%s\t%s\n" % (hexes(src), hexes(trg)))
    return "".join(lines)


def docs_corpus(workdir, names=None):
    """The repository's docs as one training file (one line per sentence, as spm reads it)."""
    paths = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    if names:
        paths = [p for p in paths if os.path.basename(p) in names]
    out = os.path.join(workdir, "corpus.txt")
    with open(out, "w", encoding="utf-8") as f:
        for p in paths:
            with open(p, encoding="utf-8") as src:
                f.write(src.read())
    return out


def train(corpus, prefix, vocab_size, **options):
    """Trains a unigram model; returns the bytes of prefix.model.

    The trainer records its input paths in the model, so it runs in the corpus's folder and is
    given bare file names: no path of this machine ends up in a fixture."""
    cwd = os.getcwd()
    os.chdir(os.path.dirname(os.path.abspath(corpus)))
    try:
        if "normalization_rule_tsv" in options:
            options["normalization_rule_tsv"] = os.path.basename(options["normalization_rule_tsv"])
        spm.SentencePieceTrainer.train(input=os.path.basename(corpus),
                                       model_prefix=os.path.basename(prefix),
                                       vocab_size=vocab_size, model_type="unigram",
                                       num_threads=1, minloglevel=2, **options)
        with open(os.path.basename(prefix) + ".model", "rb") as f:
            return f.read()
    finally:
        os.chdir(cwd)


# --- Hugging Face tokenizer.json ---------------------------------------------------------------


def tokenizer_json(model_bytes):
    """The model as Hugging Face's SentencePiece converter lays out t5-small's tokenizer.json.

    remove_extra_whitespaces is the WhitespaceSplit pre-tokenizer and add_dummy_prefix Metaspace's
    add_prefix_space; control pieces and <unk> are special added tokens, user-defined pieces
    non-special ones."""
    model = read_model(model_bytes)
    norm = model["normalizer"]
    remove_extra = norm.get(4, 1) == 1
    add_prefix = norm.get(3, 1) == 1
    if norm.get(5, 1) != 1:
        raise ValueError("escape_whitespaces false has no tokenizer.json form")
    pieces = model["pieces"]
    unk_id = next(i for i, p in enumerate(pieces) if p["type"] == UNKNOWN)
    added = []
    for i, p in enumerate(pieces):
        if p["type"] in (CONTROL, UNKNOWN, USER_DEFINED):
            added.append({"id": i, "content": p["piece"], "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": p["type"] == USER_DEFINED,
                          "special": p["type"] != USER_DEFINED})
    metaspace = {"type": "Metaspace", "replacement": SPACE, "add_prefix_space": add_prefix}
    pre = metaspace
    if remove_extra:
        pre = {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]}
    charsmap = norm.get(2, b"")
    normalizer = None
    if charsmap:
        normalizer = {"type": "Precompiled",
                      "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")}
    eos = [i for i, p in enumerate(pieces) if p["piece"] == "</s>" and p["type"] == CONTROL]
    post = None
    if eos:
        post = {"type": "TemplateProcessing",
                "single": [{"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                "pair": [{"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "</s>", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 0}},
                         {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                "special_tokens": {"</s>": {"id": "</s>", "ids": eos, "tokens": ["</s>"]}}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": normalizer,
        "pre_tokenizer": pre,
        "post_processor": post,
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": unk_id,
                  "vocab": [[p["piece"], p["score"]] for p in pieces],
                  "byte_fallback": model["trainer"].get(35, 0) == 1},
    }


def write_tokenizer_json(model_bytes, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(model_bytes), f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


# --- expected ids --------------------------------------------------------------------------------

TRICKY = [
    "", " ", "   ", "\t\n", "Hello world", "  Hello   world  ", "hello\tworld\nnext line\r\n",
    "Ｈｅｌｌｏ　ｗｏｒｌｄ", "ＡＢＣ１２３！？", "ﬁnd the ﬂow", "ﬃ ﬄ ﬀ", "café résumé naïve",
    "cafe\u0301 e\u0301", "Ångström Ærøskøbing", "a\u00a0b\u00a0\u00a0c", "a\u2002b\u2003c\u2009d",
    "zero\u200bwidth\u200djoiner", "\ufeffbom at start", "em—dash – en … ellipsis",
    "“quoted” ‘single’", "½ ¼ ² ³ ª º", "™ ℃ Ⅻ ①②③", "emoji 😀🎉 and 👍🏽", "中文字符 日本語 한국어",
    "Привет мир", "مرحبا", "\x00nul\x01ctrl\x7f", "def f(x):\n    return x * 2  # comment\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }", "SELECT * FROM t WHERE a <> 'b';",
    "<pad></s><unk> control pieces in text", "</s>", "▁already▁escaped▁", "x" * 40,
    "tokenizers tokenize tokenization", "The quick brown fox jumps over the lazy dog.",
    "mixed ＦＵＬＬ and half", "tab\tseparated\tvalues\t", " leading", "trailing ",
    "multiple\n\n\nnewlines", "\u3000ideographic\u3000space\u3000",
]

TRICKY_BYTES = [
    b"\xff", b"invalid \xff\xfe bytes", b"cut \xe2\x96", b"overlong \xc0\xaf", b"\xed\xa0\x80 surrogate",
    b"\xf4\x90\x80\x80 above max", b"ok \xc3\xa9 then \x80 lone continuation",
]


def cases_tsv(sp, inputs):
    """Lines "input hex<TAB>ids<TAB>sp.decode(ids) hex" for each input (str or bytes)."""
    lines = []
    for s in inputs:
        raw = s if isinstance(s, bytes) else s.encode("utf-8")
        ids = sp.encode(raw)
        decoded = sp.decode(ids).encode("utf-8", "surrogateescape")
        lines.append("%s\t%s\t%s\n" % (raw.hex(), " ".join(map(str, ids)), decoded.hex()))
    return "".join(lines)


def random_strings(seed, count, lines):
    """Seeded random mixes of the tricky strings, random code points and repository lines."""
    rng = random.Random(seed)
    alphabet = ("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,;:!?()[]{}<>=+-*/_#'\"\\ \t\n"
                "éàüöñçßøåÉÀ€£¥©®°±×÷µ¶§ ‌‍ 　ﬁﬂＡＢｚ０１！￥—–…“”‘’½²™①ⅫＳ😀🎉👍🏽中文日本한국ПриветمرحباΩ≈√∞")
    out = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        elif kind == 1:
            s = " ".join(rng.choice(TRICKY) for _ in range(rng.randrange(1, 4)))
        elif kind == 2:
            s = rng.choice(lines)
        elif kind == 3:
            s = "".join(chr(rng.choice([rng.randrange(0x20, 0x2FF), rng.randrange(0x300, 0x370),
                                        rng.randrange(0x1100, 0x1200),
                                        rng.randrange(0x2000, 0x2BFF),
                                        rng.randrange(0x3000, 0xD7FF),
                                        rng.randrange(0xF900, 0xFFFD),
                                        rng.randrange(0x10000, 0x1FAFF)]))
                        for _ in range(rng.randrange(1, 20)))
        else:
            b = bytearray((rng.choice(lines) or "x").encode("utf-8"))
            for _ in range(rng.randrange(1, 4)):
                b.insert(rng.randrange(len(b) + 1), rng.randrange(0x80, 0x100))
            s = bytes(b)
        out.append(s)
    return out


def repo_lines(limit=400):
    """Lines of a few repository files: prose, C++, CMake, shell."""
    files = ["docs/fuzzing.md", "engine/src/tokenizer.cpp", "fuzz/CMakeLists.txt", "fuzz/run.sh"]
    lines = []
    for name in files:
        path = os.path.join(ROOT, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                lines.extend(line.rstrip("\n") for line in f)
    return lines[:limit]


def main():
    os.makedirs(FIXTURE, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        rules = nmt_nfkc_rules(tmp)
        tsv = os.path.join(tmp, "rules.tsv")
        with open(tsv, "w", encoding="utf-8") as f:
            f.write(rules_tsv(rules, FIXTURE_BLOCKS))
        corpus = docs_corpus(tmp, ["fuzzing.md", "generator.md", "service.md"])
        model = train(corpus, os.path.join(tmp, "spiece"), 600, normalization_rule_tsv=tsv,
                      **T5_IDS)
    with open(os.path.join(FIXTURE, "spiece.model"), "wb") as f:
        f.write(model)
    write_tokenizer_json(model, os.path.join(FIXTURE, "tokenizer.json"))
    sp = spm.SentencePieceProcessor(model_proto=model)
    rng_cases = random_strings(5, 60, repo_lines(120))
    with open(os.path.join(FIXTURE, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("# input (hex)\tsentencepiece ids\tsp.decode(ids) (hex); make_tiny_spiece.py\n")
        f.write(cases_tsv(sp, TRICKY + TRICKY_BYTES + rng_cases))
    for name in ("spiece.model", "tokenizer.json", "expected.tsv"):
        print("%-15s %7d bytes" % (name, os.path.getsize(os.path.join(FIXTURE, name))))


if __name__ == "__main__":
    sys.exit(main())
