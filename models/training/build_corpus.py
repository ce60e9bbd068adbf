#!/usr/bin/env python3
"""Builds the plain-text training corpora for the bundled small models.

  build_corpus.py text OUT_DIR   English prose: Python 3.11's documentation (python3.11-doc, HTML
                                 turned into paragraphs, code blocks dropped) and fortunes
                                 (fortunes, fortunes-min).
  build_corpus.py code OUT_DIR   Python source: the 3.11 standard library, tests and generated
                                 tables left out, exact duplicates dropped.

Each writes OUT_DIR/{train,heldout}.txt (documents separated by blank lines, for the BPE trainer),
OUT_DIR/{train,heldout}.eot.txt (documents joined by <|endoftext|>, for encoding) and
OUT_DIR/corpus.json (counts). The held-out split is by document: a document is held out when the
first byte of sha256(its name) is below 13 (13/256 ~ 5%), so the split never depends on order,
machine or which other files exist.
"""
import hashlib
import html.parser
import json
import os
import re
import sys

PY_DOC = "/usr/share/doc/python3.11/html"
FORTUNES = "/usr/share/games/fortunes"
PY_LIB = "/usr/lib/python3.11"
EOT = "<|endoftext|>"
HELDOUT_BELOW = 13


def is_heldout(name):
    return hashlib.sha256(name.encode()).digest()[0] < HELDOUT_BELOW


class DocText(html.parser.HTMLParser):
    """Paragraph text of a Sphinx page's main body; code blocks, navigation and pilcrows dropped."""

    BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption"}
    SKIP = {"pre", "script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, in_body, skipping) per open element
        self.paragraphs = []
        self.current = []

    def _state(self):
        return self.stack[-1][1:] if self.stack else (False, False)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        in_body, skipping = self._state()
        if tag == "div" and a.get("role") == "main":
            in_body = True
        cls = a.get("class") or ""
        if tag in self.SKIP or "headerlink" in cls or "highlight" in cls.split():
            skipping = True
        if tag in self.BLOCKS:
            self._flush()
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            return  # void elements never close
        self.stack.append((tag, in_body, skipping))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        in_body, skipping = self._state()
        if in_body and not skipping:
            self.current.append(data)

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        self.current = []
        if len(text) >= 2:
            self.paragraphs.append(text)


def python_doc_pages():
    wanted = ("tutorial", "howto", "faq", "reference", "library", "using", "installing",
              "extending", "whatsnew")
    for top in wanted:
        for root, dirs, files in os.walk(os.path.join(PY_DOC, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".html") and f != "changelog.html":
                    yield os.path.join(root, f)


def python_doc_documents():
    for path in python_doc_pages():
        parser = DocText()
        with open(path, encoding="utf-8") as fh:
            parser.feed(fh.read())
        parser.close()
        text = "\n".join(parser.paragraphs)
        if len(text) > 200:
            yield "pydoc/" + os.path.relpath(path, PY_DOC), text


def fortune_documents(per_doc=40):
    """Fortunes grouped in runs of per_doc, so the held-out split samples every file."""
    for name in sorted(os.listdir(FORTUNES)):
        path = os.path.join(FORTUNES, name)
        if "." in name or not os.path.isfile(path):
            continue  # .dat indexes and .u8 links
        with open(path, encoding="utf-8", errors="replace") as fh:
            items = [s.strip("\n") for s in re.split(r"^%\n", fh.read(), flags=re.M)]
        items = [s for s in items if s.strip()]
        for start in range(0, len(items), per_doc):
            yield f"fortunes/{name}/{start}", "\n\n".join(items[start:start + per_doc])


def code_documents():
    skip_dirs = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__",
                 "pydoc_data", "encodings", "ensurepip", "config-3.11-x86_64-linux-gnu"}
    seen = set()
    for root, dirs, files in os.walk(PY_LIB):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs and not d.startswith("test"))
        for f in sorted(files):
            if not f.endswith(".py") or f.startswith("test_"):
                continue
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                raw = fh.read()
            digest = hashlib.sha256(raw).digest()
            if digest in seen or len(raw) > 300_000 or len(raw) < 100:
                continue  # duplicates, generated tables, empty __init__ files
            seen.add(digest)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield "stdlib/" + os.path.relpath(path, PY_LIB), text.replace("\r\n", "\n")


def write(out_dir, documents):
    os.makedirs(out_dir, exist_ok=True)
    splits = {"train": [], "heldout": []}
    for name, text in documents:
        text = text.replace(EOT, "")
        splits["heldout" if is_heldout(name) else "train"].append((name, text.strip("\n") + "\n"))
    stats = {}
    for split, docs in splits.items():
        with open(os.path.join(out_dir, split + ".txt"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(t for _, t in docs))
        with open(os.path.join(out_dir, split + ".eot.txt"), "w", encoding="utf-8") as fh:
            fh.write(EOT + EOT.join(t for _, t in docs))
        stats[split] = {"documents": len(docs),
                        "bytes": sum(len(t.encode("utf-8")) for _, t in docs)}
        with open(os.path.join(out_dir, split + ".names"), "w", encoding="utf-8") as fh:
            fh.write("".join(n + "\n" for n, _ in docs))
    with open(os.path.join(out_dir, "corpus.json"), "w") as fh:
        json.dump(stats, fh, indent=1)
    print(json.dumps(stats))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("text", "code"):
        sys.exit(__doc__)
    kind, out_dir = sys.argv[1], sys.argv[2]
    if kind == "text":
        missing = [p for p in (PY_DOC, FORTUNES) if not os.path.isdir(p)]
        if missing:
            sys.exit(f"build_corpus: {missing} not found; apt-get install python3.11-doc fortunes "
                     "fortunes-min")
        write(out_dir, [*python_doc_documents(), *fortune_documents()])
    else:
        write(out_dir, code_documents())


if __name__ == "__main__":
    main()
