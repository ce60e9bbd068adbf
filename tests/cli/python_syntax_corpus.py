#!/usr/bin/python3
"""Python samples with CPython's verdicts, for checking `hyv score code` against ast.parse.

Usage: python_syntax_corpus.py OUT.jsonl VERDICTS.json

Every top-level statement of the first 60 standard-library modules (valid), each followed by a
corrupted copy (a character or line dropped, cut short, or a line indented), so about a fifth
fail to parse. Fixed seed: the same Python gives the same corpus.
"""
import ast
import glob
import json
import os
import random
import sys
import sysconfig

files = sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "*.py")))[:60]
rng = random.Random(1)
samples = []
for f in files:
    src = open(f, encoding='utf-8', errors='replace').read()
    try:
        tree = ast.parse(src)
    except Exception:
        continue
    lines = src.split('\n')
    for node in tree.body:
        if not hasattr(node, 'end_lineno'):
            continue
        seg = '\n'.join(lines[node.lineno - 1:node.end_lineno]) + '\n'
        if len(seg) > 3000:
            continue
        samples.append(seg)
        # A corrupted copy: drop a character, a line, or cut it short.
        kind = rng.randrange(4)
        if kind == 0 and len(seg) > 2:
            i = rng.randrange(len(seg)); bad = seg[:i] + seg[i+1:]
        elif kind == 1:
            ls = seg.split('\n'); i = rng.randrange(len(ls)); bad = '\n'.join(ls[:i] + ls[i+1:])
        elif kind == 2:
            bad = seg[:rng.randrange(len(seg))]
        else:
            ls = seg.split('\n'); i = rng.randrange(len(ls)); ls[i] = ' ' * rng.randrange(1, 5) + ls[i]; bad = '\n'.join(ls)
        samples.append(bad)
out = open(sys.argv[1], 'w')
verdicts = []
for s in samples:
    try:
        ast.parse(s); ok = True
    except Exception:
        ok = False
    verdicts.append(ok)
    out.write(json.dumps({"code": s}) + '\n')
json.dump(verdicts, open(sys.argv[2], 'w'))
print(len(verdicts), sum(verdicts))
