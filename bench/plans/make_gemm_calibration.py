#!/usr/bin/env python3
"""Writes bench/plans/gemm_calibration.json: the GEMM/GEMV calibration plan built from the model descriptions.

    python3 bench/plans/make_gemm_calibration.py [--list] [--estimate]

What it holds (M = tokens, N = output features, K = input features; C[M,N] = A[M,K] B[K,N], as the plugin runs it):
  - the projection GEMMs of every built-in model in resources/models/*.json, as core/workloads/src/workload_builder.cpp cuts a
    layer: fused qkv (q + 2 kv, hidden), o (hidden, q), gate+up (2 x intermediate or 1 x for a plain MLP, hidden),
    down (hidden, intermediate), lm_head (vocab, hidden); an MoE model's expert gate+up and down (one expert's
    weights) and its router; at token counts from 2 to 8192, powers of two and the odd counts between;
  - the GEMVs of those weights (one token);
  - GEMMs of random odd sizes on 16-element alignment (not 128), on 8 (not 16), on 4 (not 8: FP32/TF32 rows off
    16 bytes) and odd;
  - in every precision the H200 runs: BF16, FP16, FP8_E4M3, INT8, TF32, FP32, rotated so that each weight meets
    every precision and each token count two precisions.
Deterministic: the same file every run. --list prints each case with its family ("model:weight", or "odd:alignN"),
which the plan file has no field for. --estimate prints the GPU time this plan is expected to take on an H200.

The time estimate: per case, samples x (median + 30 us of L2 flush) + the plugin's candidate race + 0.05 s of
setup and verification. Fitted on the committed H200 runs (resources/measurements/h200_*.json): it puts the
workload-shapes run (311 cases) at 41 s against the 42 s its timestamps say, the extended sweep at 55 s against 57.
The median is a roofline guess for the H200 (datasheet peaks x typical efficiency, 4.0 TB/s), so the estimate is as
good as that guess: within about 30 % per case.
"""
import glob
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_workload_shapes  # noqa: E402  (its unique_cases)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRECISIONS = ["BF16", "FP16", "FP8_E4M3", "INT8", "TF32", "FP32"]
ELEMENT_BYTES = {"BF16": 2, "FP16": 2, "FP8_E4M3": 1, "INT8": 1, "TF32": 4, "FP32": 4}
# Token counts of a GEMM: powers of two and the counts between (a serving batch is rarely a power of two).
TOKENS = [2, 3, 4, 8, 12, 16, 24, 32, 48, 64, 100, 128, 200, 256, 384, 512, 768, 1024, 1500, 2048, 3000, 4096, 8192]
# Each (weight, token count) is measured in this many precisions, rotated over the six.
PRECISIONS_PER_POINT = 2
# FP32 and TF32 products above this many FLOP run in BF16 instead: one would take a large part of the plan's time
# (70B gate-up at 8192 tokens is 7.7 TFLOP, 150 ms a sample in FP32) and no layer runs them in FP32.
WIDE_FLOP_CAP = 4e11
# The plan's sampling: a median of 400 samples is steady to well under 1 % (spreads are 1-5 %), and fewer samples
# leave room for more shapes.
MAX_SAMPLES = 400
TIME_BUDGET_S = 0.2

# The H200 roofline guess behind the time estimate [TFLOP/s dense, x typical efficiency] (NVIDIA H200 datasheet).
PEAK_TFLOPS = {"BF16": 989 * 0.7, "FP16": 989 * 0.7, "FP8_E4M3": 1979 * 0.6, "INT8": 1979 * 0.6, "TF32": 494 * 0.6,
               "FP32": 67 * 0.75}
BANDWIDTH_B_S = 4.0e12
FLOOR_US = 4.0
FLUSH_US = 30.0       # a cold sample's L2 flush (120 MiB read)
CASE_OVERHEAD_S = 0.05
RACE_CANDIDATES, RACE_ROUNDS, RACE_MIN_ROUNDS, RACE_BUDGET_S = 9, 15, 3, 0.3


GEMMA3_DEFAULTS = {"vocab_size": 262208, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256}


def model_weights(path):
    """(family, weight, N, K, tokens_scale) of one model description; tokens_scale < 1 for an expert's rows."""
    doc = json.load(open(path))
    c = doc.get("text_config", doc)
    name = os.path.splitext(os.path.basename(path))[0]
    h = c["hidden_size"]
    # transformers' Gemma3TextConfig defaults where the nested text_config leaves them out (as
    # core/workloads/src/model_families.cpp fills them).
    defaults = GEMMA3_DEFAULTS if doc.get("model_type", "").startswith("gemma3") else {}
    c = {**defaults, **c}
    heads = c["num_attention_heads"]
    kv_heads = c.get("num_key_value_heads", heads)
    head_dim = c.get("head_dim", h // heads)
    q, kv = heads * head_dim, kv_heads * head_dim
    out = [(name, "qkv", q + 2 * kv, h, 1.0), (name, "o", h, q, 1.0)]
    experts = c.get("num_local_experts") or c.get("num_experts")
    if experts:
        top_k = c.get("num_experts_per_tok") or c.get("experts_per_token")
        width = c.get("moe_intermediate_size") or c["intermediate_size"]
        out.append((name, "router", experts, h, 1.0))
        # One expert's GEMM sees about tokens x top_k / experts rows.
        out.append((name, "expert_gate_up", 2 * width, h, top_k / experts))
        out.append((name, "expert_down", h, width, top_k / experts))
    else:
        inter = c["intermediate_size"]
        out.append((name, "gate_up", 2 * inter, h, 1.0))
        out.append((name, "down", h, inter, 1.0))
    out.append((name, "lm_head", c["vocab_size"], h, 1.0))
    return h, out


def weights():
    """Unique (N, K) with every family that has it, and whether a Qwen-shaped model (hidden 3584 or 5120) has it."""
    seen = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "resources", "models", "*.json"))):
        hidden, rows = model_weights(path)
        for model, weight, n, k, scale in rows:
            key = (n, k, scale < 1)
            entry = seen.setdefault(key, {"n": n, "k": k, "expert": scale < 1, "families": [], "qwen": False})
            entry["families"].append(f"{model}:{weight}")
            entry["qwen"] |= hidden in (3584, 5120)
    return list(seen.values())


def pick(precision, flop):
    return "BF16" if precision in ("FP32", "TF32") and flop > WIDE_FLOP_CAP else precision


def odd_dim(rng, lo, hi, align):
    v = int(round(10 ** rng.uniform(math.log10(lo), math.log10(hi))))
    if align == 1:
        return v | 1
    v = max(align, v - v % align)
    if v % (2 * align) == 0:  # on `align` but not on twice that
        v += align
    return v


def cases():
    out = []  # (family, kernel, shape, precision)
    for i, w in enumerate(weights()):
        family = "+".join(w["families"])
        n, k = w["n"], w["k"]
        # An expert sees a share of the tokens; the lm_head only the batch's last tokens (prefill keeps one a sequence).
        cap = 1024 if w["expert"] else 512 if all(f.endswith(":lm_head") for f in w["families"]) else max(TOKENS)
        tokens = [t for t in TOKENS if t <= cap]
        for j, m in enumerate(tokens):
            for r in range(PRECISIONS_PER_POINT):
                p = PRECISIONS[(i + j + 3 * r) % 6]
                out.append((family, "gemm", [m, n, k], pick(p, 2.0 * m * n * k)))
        for p in PRECISIONS:
            out.append((family, "gemv", [n, k], p))
    rng = random.Random(20261201)
    # Odd sizes: per alignment and precision, a few skinny (M <= 256) and a few square-ish products.
    for align in (16, 8, 4, 1):
        for p in PRECISIONS:
            for s in range(6):
                lo_m, hi_m = (3, 256) if s % 2 == 0 else (256, 8000)
                m = odd_dim(rng, lo_m, hi_m, align)
                n = odd_dim(rng, 200, 12000, align)
                k = odd_dim(rng, 200, 12000, align)
                out.append((f"odd:align{align}", "gemm", [m, n, k], pick(p, 2.0 * m * n * k)))
    return make_workload_shapes.unique_cases(out)


def estimated_median_us(kernel, shape, precision):
    if kernel == "gemv":
        n, k = shape
        flop, bytes_ = 2.0 * n * k, ELEMENT_BYTES[precision] * n * k
    else:
        m, n, k = shape
        flop, bytes_ = 2.0 * m * n * k, ELEMENT_BYTES[precision] * (m * k + k * n + m * n)
    return max(flop / (PEAK_TFLOPS[precision] * 1e12), bytes_ / BANDWIDTH_B_S) * 1e6 + FLOOR_US


def estimated_case_s(median_us, max_samples=MAX_SAMPLES, budget_s=TIME_BUDGET_S):
    # Short kernels never reach the 1 % spread target and run to max_samples or the budget; long ones stop early.
    samples = min(max_samples, max(10, int(budget_s / ((median_us + FLUSH_US) * 1e-6)))) if median_us < 45 else 30
    race_s = min(RACE_CANDIDATES * RACE_ROUNDS * median_us * 1e-6,
                 max(RACE_BUDGET_S, RACE_CANDIDATES * RACE_MIN_ROUNDS * median_us * 1e-6))
    return samples * (median_us + FLUSH_US) * 1e-6 + race_s + CASE_OVERHEAD_S


def check_estimate_on(path):
    """The estimate against a committed run's own timestamps, with its measured medians."""
    import datetime
    doc = json.load(open(path))
    meta = doc["meta"]
    parse = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
    wall = (parse(meta["finished"]) - parse(meta["timestamp"])).total_seconds()
    est = sum(estimated_case_s(r["measured_time_us"], 2000, 0.3) if "measured_time_us" in r else CASE_OVERHEAD_S
              for r in doc["benchmarks"])
    return len(doc["benchmarks"]), wall, est


def main():
    all_cases = cases()
    if "--list" in sys.argv:
        for family, kernel, shape, p in all_cases:
            print(family, kernel, "x".join(map(str, shape)), p)
        return 0
    total_s = sum(estimated_case_s(estimated_median_us(k, s, p)) for _, k, s, p in all_cases)
    if "--estimate" in sys.argv:
        for name in ("h200_workload_shapes", "h200_extended_cold"):
            n, wall, est = check_estimate_on(os.path.join(ROOT, "resources", "measurements", name + ".json"))
            print(f"check: {name}: {n} cases, {wall:.0f} s by its timestamps, {est:.0f} s estimated")
        by = {}
        for family, kernel, shape, p in all_cases:
            key = ("odd" if family.startswith("odd") else kernel, p)
            by[key] = by.get(key, 0) + 1
        for key in sorted(by):
            print(f"  {key[0]:5s} {key[1]:9s} {by[key]:4d} cases")
        cost = {}
        for family, kernel, shape, p in all_cases:
            key = family.split(":")[-1].split("+")[0] if not family.startswith("odd") else "odd"
            cost[key] = cost.get(key, 0) + estimated_case_s(estimated_median_us(kernel, shape, p))
        print("  estimated seconds by weight: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(cost.items(), key=lambda x: -x[1])))
        print(f"  Qwen-shaped (hidden 3584 or 5120): "
              f"{sum(1 for f, *_ in all_cases if any(w['qwen'] and '+'.join(w['families']) == f for w in weights()))} cases")
    plan = {
        "name": "gemm-calibration",
        "cache_mode": "cold",
        "time_budget_per_case_s": TIME_BUDGET_S,
        "max_samples": MAX_SAMPLES,
        "cases": [{"kernel_type": k, "shape": s, "precision": p} for _, k, s, p in all_cases],
    }
    with open(os.path.join(ROOT, "bench", "plans", "gemm_calibration.json"), "w") as f:
        f.write(json.dumps(plan, indent=None).replace('{"kernel_type"', '\n    {"kernel_type"') + "\n")
    print(f"{len(all_cases)} cases, about {total_s / 60:.1f} min of H200 time (estimated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
