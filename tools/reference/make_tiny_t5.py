#!/usr/bin/env python3
"""Writes tests/fixtures/tiny-t5/ and tests/fixtures/tiny-t5-gated/: random-initialised Hugging Face
T5 folders and the expected outputs of the independent numpy reference (t5_reference.py) for them.

  /usr/bin/python3 tools/reference/make_tiny_t5.py [--out tests/fixtures]

tiny-t5         T5 v1.0 / CodeT5's layout: ReLU MLP, head tied to "shared.weight", a decoder
                deeper than the encoder (3 layers against 2)
tiny-t5-gated   T5 v1.1's layout: gated-gelu MLP, its own lm_head, and the embedding stored only
                as encoder.embed_tokens.weight / decoder.embed_tokens.weight (as transformers'
                safetensors files do once shared copies are dropped)

Each has config.json, model.safetensors (F32) and reference/index.json + *.f32 (raw little-endian
float32): per case the source and target ids, the encoder output [source][d_model], the decoder
logits of every target position [target][vocab], the same logits with the weights through the
engine's q8 round trip (*.q8.logits.f32), and 12 greedy tokens. max_distance is small (20) so
that sources of 40 tokens reach the logarithmic buckets and the cap. The init is wide so attention
is far from uniform; cases are drawn until every greedy step wins by MIN_MARGIN, so int8 weights
cannot flip the engine's greedy test.

With --codet5-small-shape DIR it writes, instead, a random checkpoint of Salesforce/codet5-small's
exact shape (d_model 512, 6 + 6 layers, 8 heads, d_ff 2048, vocab 32,100), initialised as
transformers initialises a new T5, and the reference's outputs for it: too big for the repository, so tests/engine/t5_codet5_shape_test.sh makes it.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t5_reference as ref  # noqa: E402
from make_tiny_gpt2 import compact_json, q8_round_trip, write_safetensors  # noqa: E402

SEED = 20261207
CASES = ((1, 1), (7, 5), (40, 9))  # (source tokens, target tokens)
GREEDY_TOKENS = 12
MIN_MARGIN = 0.3


def config_for(gated):
    return {
        "architectures": ["T5ForConditionalGeneration"], "model_type": "t5",
        "d_model": 64, "d_kv": 16, "d_ff": 128, "num_heads": 4,
        "num_layers": 2, "num_decoder_layers": 2 if gated else 3,
        "relative_attention_num_buckets": 32, "relative_attention_max_distance": 20,
        "feed_forward_proj": "gated-gelu" if gated else "relu", "layer_norm_epsilon": 1e-6,
        "tie_word_embeddings": not gated, "vocab_size": 300, "decoder_start_token_id": 0,
        "pad_token_id": 0, "eos_token_id": 1, "dropout_rate": 0.1, "initializer_factor": 1.0,
        "is_encoder_decoder": True, "use_cache": True,
    }


def codet5_small_config():
    """Salesforce/codet5-small's config.json (the fields a T5 reads)."""
    return {
        "architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "bos_token_id": 1,
        "d_ff": 2048, "d_kv": 64, "d_model": 512, "decoder_start_token_id": 0,
        "dropout_rate": 0.1, "eos_token_id": 2, "feed_forward_proj": "relu",
        "initializer_factor": 1.0, "is_encoder_decoder": True, "layer_norm_epsilon": 1e-06,
        "n_positions": 512, "num_decoder_layers": 6, "num_heads": 8, "num_layers": 6,
        "pad_token_id": 0, "relative_attention_num_buckets": 32, "vocab_size": 32100,
    }


def make_weights(config, rng, t5_init=False):
    """Wide random weights (sharp attention and logits), or with t5_init the widths of
    T5PreTrainedModel._init_weights, i.e. what T5ForConditionalGeneration(config) starts from."""
    d, ff, heads = config["d_model"], config["d_ff"], config["num_heads"]
    inner, vocab = heads * config["d_kv"], config["vocab_size"]
    d_kv = config["d_kv"]
    std = {"bias": d ** -0.5, "q": (d * d_kv) ** -0.5, "k": d ** -0.5, "v": d ** -0.5,
           "o": inner ** -0.5, "wi": d ** -0.5, "wo": ff ** -0.5, "norm": 0.0} if t5_init else \
        {"bias": 1.0, "q": 1.5 / np.sqrt(d), "k": 1.5 / np.sqrt(d), "v": 1.0 / np.sqrt(d),
         "o": 0.5 / np.sqrt(inner), "wi": 1.0 / np.sqrt(d), "wo": 0.5 / np.sqrt(ff), "norm": 0.1}
    w = {}

    def normal(shape, std):
        return rng.normal(0.0, std, size=shape).astype(np.float32)

    def norm():
        return (1.0 + rng.normal(0, std["norm"], d)).astype(np.float32)

    w["shared.weight"] = normal((vocab, d), 1.0)
    for stack, layers in (("encoder", config["num_layers"]),
                          ("decoder", config["num_decoder_layers"])):
        w[stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight"] = \
            normal((config["relative_attention_num_buckets"], heads), std["bias"])
        for i in range(layers):
            p = "%s.block.%d.layer." % (stack, i)
            attentions = ["0.SelfAttention"] + (["1.EncDecAttention"] if stack == "decoder" else [])
            for j, a in enumerate(attentions):
                w[p + "%d.layer_norm.weight" % j] = norm()
                for m in ("q", "k", "v"):
                    w[p + a + ".%s.weight" % m] = normal((inner, d), std[m])
                w[p + a + ".o.weight"] = normal((d, inner), std["o"])
            f = p + "%d." % len(attentions)
            w[f + "layer_norm.weight"] = norm()
            for wi in (("wi_0", "wi_1") if config["feed_forward_proj"].startswith("gated") else ("wi",)):
                w[f + "DenseReluDense.%s.weight" % wi] = normal((ff, d), std["wi"])
            w[f + "DenseReluDense.wo.weight"] = normal((d, ff), std["wo"])
        w[stack + ".final_layer_norm.weight"] = norm()
    if not config.get("tie_word_embeddings", True):
        w["lm_head.weight"] = normal((vocab, d), 4.0 / np.sqrt(d))
    return w


def stored(w, gated):
    """The names the file holds: tied folders keep shared.weight; the gated one only the copies."""
    out = dict(w)
    if gated:
        emb = out.pop("shared.weight")
        out["encoder.embed_tokens.weight"] = emb
        out["decoder.embed_tokens.weight"] = emb
    return out


def q8_simulated(w):
    """Every matrix the engine quantises (all but the relative position bias tables), through
    its q8 round trip: the engine's q8 logits must match these to float rounding."""
    return {n: q8_round_trip(v) if v.ndim == 2 and "relative_attention_bias" not in n else v
            for n, v in w.items()}


def write_case(out, index, weights, config, rng, n_source, n_target, min_margin=MIN_MARGIN,
               greedy_tokens=GREEDY_TOKENS):
    vocab = config["vocab_size"]
    for _ in range(200):
        source = [int(i) for i in rng.integers(2, vocab, size=n_source)]
        greedy = ref.greedy(weights, config, source, greedy_tokens)
        encoded = ref.encode(weights, config, source)
        path = ref.decode(weights, config, encoded, [0] + greedy)[:greedy_tokens]
        top2 = np.sort(path, axis=1)[:, -2:]
        margin = float((top2[:, 1] - top2[:, 0]).min())
        if margin >= min_margin:
            break
    else:
        sys.exit("no source of %d tokens with clear greedy margins: change SEED" % n_source)
    target = [0] + [int(i) for i in rng.integers(2, vocab, size=n_target - 1)]
    logits = ref.decode(weights, config, encoded, target)
    q8 = q8_simulated(weights)
    q8_logits = ref.decode(q8, config, ref.encode(q8, config, source), target)
    name = "case-%d-%d" % (n_source, n_target)
    q8_logits.astype("<f4").tofile(os.path.join(out, "reference", name + ".q8.logits.f32"))
    encoded.astype("<f4").tofile(os.path.join(out, "reference", name + ".encoder.f32"))
    logits.astype("<f4").tofile(os.path.join(out, "reference", name + ".logits.f32"))
    index["cases"].append({"source": source, "target": target, "encoder": name + ".encoder.f32",
                           "logits": name + ".logits.f32", "q8_logits": name + ".q8.logits.f32",
                           "greedy": greedy})
    return margin


def make_folder(out, config, rng, cases=CASES, min_margin=MIN_MARGIN,
                greedy_tokens=GREEDY_TOKENS, t5_init=False):
    os.makedirs(os.path.join(out, "reference"), exist_ok=True)
    gated = config["feed_forward_proj"].startswith("gated")
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    w = stored(make_weights(config, rng, t5_init), gated)
    write_safetensors(os.path.join(out, "model.safetensors"),
                      [(n, "F32", v.shape, v.astype("<f4").tobytes()) for n, v in sorted(w.items())])
    weights, cfg = ref.load(out)  # the expected values come from what was written
    index = {"model": os.path.basename(out), "seed": SEED, "vocab_size": config["vocab_size"],
             "format": "little-endian float32, rows x columns", "cases": []}
    margin = min(write_case(out, index, weights, cfg, rng, s, t, min_margin, greedy_tokens)
                 for s, t in cases)
    index["notes"] = {"min_top1_top2_margin_on_greedy_path": round(margin, 4)}
    with open(os.path.join(out, "reference", "index.json"), "w") as f:
        f.write(compact_json(index))
    print(os.path.basename(out), json.dumps(index["notes"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default="tests/fixtures")
    ap.add_argument("--codet5-small-shape", metavar="DIR",
                    help="instead, write a random checkpoint of CodeT5-small's exact shape (60M "
                         "weights, 240 MB) and its reference outputs to DIR")
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    if args.codet5_small_shape:
        # One case, no margin search: each greedy candidate costs full float64 recomputes.
        make_folder(args.codet5_small_shape, codet5_small_config(), rng, cases=((13, 6),),
                    min_margin=0.0, greedy_tokens=4, t5_init=True)
        return
    make_folder(os.path.join(args.out, "tiny-t5"), config_for(False), rng)
    make_folder(os.path.join(args.out, "tiny-t5-gated"), config_for(True), rng)


if __name__ == "__main__":
    main()
