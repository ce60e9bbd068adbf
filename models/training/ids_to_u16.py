#!/usr/bin/env python3
"""Turns the JSON id array printed by `hyv tokenize` (stdin) into little-endian uint16 ids (argv[1]),
the format train_gpt2.py reads, and prints the token count and how many <|endoftext|> ids it has."""
import json
import sys

import numpy as np

ids = np.asarray(json.load(sys.stdin), dtype=np.int64)
if ids.size == 0 or ids.min() < 0 or ids.max() > 0xFFFF:
    sys.exit(f"ids_to_u16: {ids.size} ids, range outside uint16")
ids.astype("<u2").tofile(sys.argv[1])
eot = int(sys.argv[2]) if len(sys.argv) > 2 else -1
print(json.dumps({"file": sys.argv[1], "tokens": int(ids.size), "eot": int((ids == eot).sum())}))
