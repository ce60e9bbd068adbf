#!/usr/bin/env python3
"""An independent byte-level BPE encoder, the oracle of hyv::engine::BpeTokenizer on RoBERTa-style
folders (Salesforce/codet5-small's: vocab.json, merges.txt, added_tokens.json,
special_tokens_map.json, tokenizer_config.json).

Written from the published algorithm, not from the C++:
- added tokens (every entry of the three JSON files) are found first, leftmost and longest, and
  cut the text into pieces; a token with lstrip / rstrip also takes the white space beside it (but
  never what an earlier token took), as Hugging Face's AddedVocabulary does;
- each piece is split by GPT-2's pattern
    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+
  (Python's `regex` module, Debian's python3-regex: `re` has no \\p{L});
- each pre-token's bytes are spelled with GPT-2's bytes_to_unicode and merged as GPT-2's
  encoder.py does: repeatedly the pair of lowest rank in merges.txt, every occurrence at once.
Bytes that are not UTF-8 are decoded with surrogateescape, so each is a character of its own that
is neither letter, number nor space (the engine's rule; Hugging Face takes only valid UTF-8).

  /usr/bin/python3 tools/reference/bpe_reference.py DIR < text     # prints the ids as JSON
  import bpe_reference; tok = bpe_reference.Tokenizer(DIR); tok.encode(b"def f(): pass")
"""
import json
import os
import sys

import regex

PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
TRAILING_SPACE = regex.compile(r"\s+\Z")  # \s: Unicode White_Space, as Rust's is_whitespace
LEADING_SPACE = regex.compile(r"\A\s+")
SPECIAL_FIELDS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
                  "mask_token")


def bytes_to_unicode():
    """GPT-2's map: printable bytes stand for themselves, the others for U+0100 upwards."""
    printable = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255]
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def added_tokens(folder, vocab):
    """content -> [id, special, lstrip, rstrip] from the three files, in transformers' order."""
    tokens = {}

    def mention(value, token_id=None, special=None):
        if isinstance(value, str):
            content, flags = value, {}
        else:
            content, flags = value["content"], value
        entry = tokens.setdefault(content, [None, False, False, False])
        if token_id is not None:
            entry[0] = token_id
        if special is not None:
            entry[1] = special
        elif "special" in flags:
            entry[1] = flags["special"]
        entry[2] = flags.get("lstrip", entry[2])
        entry[3] = flags.get("rstrip", entry[3])

    def special_fields(doc):
        for field in SPECIAL_FIELDS:
            if doc.get(field) is not None:
                mention(doc[field], special=True)
        for value in doc.get("additional_special_tokens") or []:
            mention(value, special=True)

    for content, token_id in (read_json(os.path.join(folder, "added_tokens.json")) or {}).items():
        mention(content, token_id)
    config = read_json(os.path.join(folder, "tokenizer_config.json")) or {}
    for key, value in (config.get("added_tokens_decoder") or {}).items():
        mention(value, int(key))
    special_fields(config)
    special_fields(read_json(os.path.join(folder, "special_tokens_map.json")) or {})
    for content, entry in tokens.items():
        if entry[0] is None:
            entry[0] = vocab[content]
    return tokens


class Tokenizer:
    def __init__(self, folder):
        self.vocab = read_json(os.path.join(folder, "vocab.json"))
        self.ranks = {}
        with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
            for line in f.read().split("\n"):
                if line and not line.startswith("#version"):
                    left, right = line.split(" ")
                    self.ranks[(left, right)] = len(self.ranks)
        self.byte_chars = bytes_to_unicode()
        self.added = added_tokens(folder, self.vocab)
        # Longest first: Python's alternation takes the first alternative that matches.
        contents = sorted(self.added, key=len, reverse=True)
        self.added_pattern = regex.compile("|".join(regex.escape(c) for c in contents)) \
            if contents else None
        self.special_ids = {e[0] for e in self.added.values() if e[1]}

    def bpe(self, word):
        parts = list(word)
        while len(parts) > 1:
            pairs = {(parts[i], parts[i + 1]) for i in range(len(parts) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return [self.vocab[p] for p in parts]

    def encode_plain(self, text, out):
        for piece in PATTERN.findall(text):
            raw = piece.encode("utf-8", "surrogateescape")
            out.extend(self.bpe("".join(self.byte_chars[b] for b in raw)))

    def encode(self, data):
        """bytes -> ids."""
        text = data.decode("utf-8", "surrogateescape")
        out, pos = [], 0
        matches = self.added_pattern.finditer(text) if self.added_pattern else []
        for m in matches:
            start, end = m.start(), m.end()
            if start < pos:  # inside the white space an rstrip token took
                continue
            _, _, lstrip, rstrip = self.added[m.group()]
            if lstrip:
                space = TRAILING_SPACE.search(text[pos:start])
                start -= len(space.group()) if space else 0
            if rstrip:
                space = LEADING_SPACE.match(text[end:])
                end += len(space.group()) if space else 0
            self.encode_plain(text[pos:start], out)
            out.append(self.added[m.group()][0])
            pos = end
        self.encode_plain(text[pos:], out)
        return out


if __name__ == "__main__":
    print(json.dumps(Tokenizer(sys.argv[1]).encode(sys.stdin.buffer.read())))
