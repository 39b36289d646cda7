#!/usr/bin/env python3
"""Writes bench/plans/workload_shapes.json: a held-out set of the shapes real workloads run.

    python3 bench/plans/make_workload_shapes.py [--list]

Projection GEMMs of real layers at token counts 8..4096 (M = tokens, N = output features, K = input features, as
the plugin runs a GEMM: C[M,N] = A[M,K] B[K,N]), the GEMVs of the same weights (tokens = 1), and GEMMs of random
odd sizes, in BF16, FP16, FP8_E4M3, INT8, TF32 and FP32. Deterministic: the same file every run. --list prints
every case with its family (model and weight, or "odd"), which the plan file itself has no field for.
"""
import json
import random
import sys

PRECISIONS = ["BF16", "FP16", "FP8_E4M3", "INT8", "TF32", "FP32"]
TOKENS = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
# FP32 and TF32 products above this many FLOP are run in a 16-bit precision instead: they would take most of the
# plan's time (70B gate-up at 4096 tokens is 3.8 TFLOP, 80 ms a sample in FP32) and no layer runs them.
WIDE_FLOP_CAP = 4e11


def weights():
    """(model, weight, N, K): fused q, fused k+v, o, fused gate+up, down."""
    rows = []
    def llama_like(model, hidden, inter, q_heads, kv_heads, head_dim):
        q = q_heads * head_dim
        kv = 2 * kv_heads * head_dim
        rows.append((model, "q", q, hidden))
        rows.append((model, "kv", kv, hidden))
        if q != hidden:
            rows.append((model, "o", hidden, q))  # o equals q's shape when q_heads * head_dim == hidden
        rows.append((model, "gate_up", 2 * inter, hidden))
        rows.append((model, "down", hidden, inter))
    llama_like("llama-3.1-8b", 4096, 14336, 32, 8, 128)
    llama_like("llama-3.1-70b", 8192, 28672, 64, 8, 128)
    llama_like("qwen2.5-7b", 3584, 18944, 28, 4, 128)
    llama_like("qwen2.5-32b", 5120, 27648, 40, 8, 128)
    llama_like("gpt-oss-20b", 2880, 2880, 64, 8, 64)  # expert MLP: intermediate 2880
    return rows


def pick(precision, flop, alternative):
    if precision in ("FP32", "TF32") and flop > WIDE_FLOP_CAP:
        return alternative
    return precision


def cases():
    out = []  # (family, kernel, shape, precision)
    for i, (model, weight, n, k) in enumerate(weights()):
        family = f"{model}:{weight}"
        for j, m in enumerate(t for p, t in enumerate(TOKENS) if p % 2 == i % 2):
            flop = 2.0 * m * n * k
            a = PRECISIONS[(i + j) % 6]
            b = PRECISIONS[(i + j + 3) % 6]
            for p, alt in ((a, "BF16"), (b, "FP8_E4M3")):
                out.append((family, "gemm", [m, n, k], pick(p, flop, alt)))
        for p in (PRECISIONS[i % 6], PRECISIONS[(i + 2) % 6]):
            out.append((family, "gemv", [n, k], p))
    rng = random.Random(20261201)
    def dim(lo, hi, align):
        v = int(round(10 ** rng.uniform(__import__("math").log10(lo), __import__("math").log10(hi))))
        if align == 16:  # on 16-element alignment but not on a 128 tile
            v = max(16, v - v % 16)
            if v % 128 == 0:
                v += 16
        elif align == 8:  # 8 but not 16
            v = v - v % 8
            if v % 16 == 0:
                v += 8
        else:  # odd
            v |= 1
        return v
    for s in range(30):
        align = (16, 8, 1)[s % 3]
        m, n, k = dim(3, 8000, align), dim(200, 12000, align), dim(200, 12000, align)
        flop = 2.0 * m * n * k
        a = PRECISIONS[rng.randrange(6)]
        b = PRECISIONS[rng.randrange(6)]
        if b == a:
            b = PRECISIONS[(PRECISIONS.index(a) + 3) % 6]
        for p, alt in ((a, "BF16"), (b, "FP16")):
            out.append((f"odd:align{align}", "gemm", [m, n, k], pick(p, flop, alt)))
    return unique_cases(out)


def unique_cases(out):
    """Without duplicates (a weight shape shared by two models, a rotation that picked one precision twice): the
    first (family, kernel, shape, precision) of each kernel, shape and precision."""
    seen, unique = set(), []
    for c in out:
        key = (c[1], tuple(c[2]), c[3])
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


def main():
    all_cases = cases()
    if "--list" in sys.argv:
        for family, kernel, shape, p in all_cases:
            print(family, kernel, "x".join(map(str, shape)), p)
        return 0
    plan = {
        "name": "workload-shapes",
        "cache_mode": "cold",
        "time_budget_per_case_s": 0.3,
        "cases": [{"kernel_type": k, "shape": s, "precision": p} for _, k, s, p in all_cases],
    }
    with open("bench/plans/workload_shapes.json", "w") as f:
        f.write(json.dumps(plan, indent=None).replace('{"kernel_type"', '\n    {"kernel_type"') + "\n")
    print(len(all_cases), "cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
