#!/usr/bin/env python3
"""Beam search over the numpy T5 reference (t5_reference.py), written from the algorithm as
Hugging Face's generate(num_beams=N, early_stopping=False) describes it, not from the engine:

  - every step, each live beam's next-token log-softmax is added to its summed score; the 2N best
    (beam, token) pairs over all beams are taken in order (ties: lower beam, then lower token);
  - a pair whose token is </s> and whose rank is below N becomes a finished hypothesis scored
    sum / length ** length_penalty, length = its generated tokens with </s>; other pairs become
    the next live beams until there are N;
  - the N best hypotheses are kept; the search ends when N are finished and the best live beam's
    sum / generated ** length_penalty cannot beat the worst of them, or when the live beams have
    max_tokens tokens (they then count as hypotheses without </s>).

It recomputes every decoder position at every step (no caches). Writes, for the encoder sources of
a fixture's reference/index.json, the best hypothesis of a few settings to reference/beams.json:

  /usr/bin/python3 tools/reference/t5_beam_reference.py tests/fixtures/tiny-t5

Random models rarely predict </s> (id 1), so each case also runs with eos set to a token the
model does predict (the case's second greedy token), to exercise finished hypotheses; the engine's
test loads the model with that eos_token_id. "min_gap" is the smallest score gap that decided a
choice, so float32 rounding in the engine cannot change the result when it is far above 1e-4.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t5_reference as ref  # noqa: E402
from make_tiny_gpt2 import compact_json  # noqa: E402

SETTINGS = ((4, 12, 1.0), (3, 8, 0.6), (2, 10, 2.0))  # (beams, max_tokens, length_penalty)


def log_softmax(v):
    top = v.max()
    return v - top - np.log(np.exp(v - top).sum())


def beam_search(w, config, source, beams, max_tokens, length_penalty, eos):
    encoded = ref.encode(w, config, source)
    start = config.get("decoder_start_token_id", 0)
    live = [([start], 0.0)]
    finished = []  # (score, order, generated, eos)
    gaps = []

    def add(generated, score, ended):
        finished.append((score, len(finished), generated, ended))
        finished.sort(key=lambda h: (-h[0], h[1]))
        del finished[beams:]

    while True:
        cands = []
        for b, (tokens, score) in enumerate(live):
            lp = log_softmax(ref.decode(w, config, encoded, tokens)[-1])
            cands += [(score + float(lp[t]), b, t) for t in range(len(lp))]
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        cands = cands[:2 * beams * len(live)]
        gaps.append(min(abs(a[0] - b[0]) for a, b in zip(cands[:2 * beams], cands[1:2 * beams + 1])))
        nxt = []
        for rank, (score, b, t) in enumerate(cands):
            if len(nxt) == beams:
                break
            tokens = live[b][0]
            if t == eos:
                if rank < beams:
                    add(tokens[1:], score / len(tokens) ** length_penalty, True)
            else:
                nxt.append((tokens + [t], score))
        live = nxt
        generated = len(live[0][0]) - 1 if live else 0
        if not live or generated >= max_tokens:
            for tokens, score in live:
                add(tokens[1:], score / generated ** length_penalty, False)
            break
        if len(finished) >= beams and \
                live[0][1] / generated ** length_penalty <= min(h[0] for h in finished):
            break
    best = finished[0]
    return {"tokens": best[2], "eos_ended": best[3], "score": round(best[0], 6),
            "min_gap": round(min(gaps), 6)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("model_dir")
    args = ap.parse_args()
    w, config = ref.load(args.model_dir)
    with open(os.path.join(args.model_dir, "reference", "index.json")) as f:
        index = json.load(f)
    runs = []
    for case in index["cases"]:
        for eos in sorted({config["eos_token_id"], case["greedy"][1]}):
            for beams, max_tokens, alpha in SETTINGS:
                r = beam_search(w, config, case["source"], beams, max_tokens, alpha, eos)
                r.update({"source": case["source"], "eos": eos, "beams": beams,
                          "max_tokens": max_tokens, "length_penalty": alpha})
                runs.append(r)
    out = {"model": index["model"], "runs": runs,
           "min_gap": min(r["min_gap"] for r in runs),
           "eos_ended_runs": sum(r["eos_ended"] for r in runs)}
    with open(os.path.join(args.model_dir, "reference", "beams.json"), "w") as f:
        f.write(compact_json(out))
    print(json.dumps({k: out[k] for k in ("min_gap", "eos_ended_runs")}), len(runs), "runs")


if __name__ == "__main__":
    main()
