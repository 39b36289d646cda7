#!/usr/bin/env python3
"""Error of a profile on a results file, per class of shape: what `roofline validate` reports, split up.

    python3 bench/workload_classes.py ROOFLINE RESULTS.json --hardware KEY [--hardware KEY2 ...] [--mode refined ...]
        [--markdown]

Classes: GEMV; skinny GEMM (M <= 200); projection GEMM (M > 200) of a real layer's weight; odd-sized GEMM (none of
the layers' weights: the random sizes of bench/plans/workload_shapes.json); square GEMM (M = N = K). A shape is a
layer's if bench/plans/make_workload_shapes.py lists its weight (N, K). Also the Qwen-shaped family (hidden 3584 or
5120), which item 1 of issue 13 leaves out of calibration.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plans"))
import make_workload_shapes  # noqa: E402

LAYER_WEIGHTS = {(n, k): model for model, _, n, k in make_workload_shapes.weights()}


def classes_of(row):
    kernel, shape = row["kernel_type"], row["shape"]
    out = ["all"]
    if kernel == "gemv":
        out.append("GEMV")
        n, k = shape
        weight = (n, k)
    else:
        m, n, k = shape
        weight = (n, k)
        if m == n == k:
            out.append("square GEMM")
        elif weight in LAYER_WEIGHTS:
            out.append("skinny GEMM (M <= 200)" if m <= 200 else "projection GEMM (M > 200)")
        else:
            out.append("odd-sized GEMM")
    if LAYER_WEIGHTS.get(weight, "").startswith("qwen"):
        out.append("Qwen family (hidden 3584/5120)")
    return out


ORDER = ["all", "GEMV", "skinny GEMM (M <= 200)", "projection GEMM (M > 200)", "odd-sized GEMM", "square GEMM",
         "Qwen family (hidden 3584/5120)"]


def summary(rows):
    errs = [abs(r["error_pct"]) for r in rows]
    if not errs:
        return None
    green = sum(1 for e in errs if e < 10)
    signed = statistics.mean(r["error_pct"] for r in rows)
    return len(errs), statistics.mean(errs), statistics.median(errs), 100.0 * green / len(errs), signed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("roofline")
    p.add_argument("results")
    p.add_argument("--hardware", action="append", required=True)
    p.add_argument("--mode", action="append")
    p.add_argument("--markdown", action="store_true")
    a = p.parse_args()
    modes = a.mode or ["refined", "realistic"]
    if a.markdown:
        print("| profile | mode | class | rows | mean abs % | median abs % | green % | mean signed % |")
        print("|---|---|---|---|---|---|---|---|")
    for hw in a.hardware:
        for mode in modes:
            out = subprocess.run([a.roofline, "validate", "--hardware", hw, "--mode", mode, a.results, "--json"],
                                 check=True, capture_output=True, text=True).stdout
            rows = [r for r in json.loads(out)["results"] if r.get("error_pct") is not None]
            by = {}
            for r in rows:
                for c in classes_of(r):
                    by.setdefault(c, []).append(r)
            for c in ORDER:
                s = summary(by.get(c, []))
                if not s:
                    continue
                if a.markdown:
                    print(f"| {hw} | {mode} | {c} | {s[0]} | {s[1]:.1f} | {s[2]:.1f} | {s[3]:.0f} | {s[4]:+.1f} |")
                else:
                    print(f"{hw:10s} {mode:9s} {c:32s} n={s[0]:3d}  mean {s[1]:5.1f} %  median {s[2]:5.1f} %  "
                          f"green {s[3]:3.0f} %  signed {s[4]:+6.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
