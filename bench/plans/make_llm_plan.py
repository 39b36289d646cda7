#!/usr/bin/env python3
"""Writes bench/plans/llm.json: the `llm` plan as the core builds it from the built-in model descriptions
(core/benchmarking/src/llm_plan.cpp over resources/models/*.json), one case a line, and prints what it holds.

    python3 bench/plans/make_llm_plan.py [--roofline build/cli/roofline] [--list]

The plan is reachable by name too (`roofline bench --plan llm`); the file is what a machine without this build runs
(`roofline bench --plan bench/plans/llm.json`), and tests/core/benchmarking/tst_llm_plan.cpp checks that it is current. --list prints
every case with its phase.
"""
import argparse
import collections
import json
import subprocess
import sys

OUT = "bench/plans/llm.json"


def phase(case):
    """decode: one query a sequence (attention) or at most 256 tokens (FFN); else prefill."""
    shape = case["shape"]
    if case["kernel_type"] == "attention":
        return "decode" if shape[3] == 1 else "prefill"
    return "decode" if shape[0] <= 256 else "prefill"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roofline", default="build/cli/roofline", help="the roofline CLI built from this tree")
    parser.add_argument("--list", action="store_true", help="print every case with its phase")
    args = parser.parse_args()
    text = subprocess.run([args.roofline, "bench", "--plan", "llm", "--print-plan"], check=True,
                          capture_output=True, text=True).stdout
    plan = json.loads(text)
    cases = plan.pop("cases")
    head = json.dumps(plan)[:-1]
    with open(OUT, "w") as f:
        f.write(head + ', "cases": [\n')
        f.write(",\n".join("    " + json.dumps(c) for c in cases))
        f.write("\n]}\n")
    counts = collections.Counter((c["kernel_type"], phase(c)) for c in cases)
    precisions = collections.Counter(c["precision"] for c in cases)
    warm = sum(1 for c in cases if c.get("cache_mode", plan["cache_mode"]) == "warm")
    if args.list:
        for c in cases:
            print(c["kernel_type"], phase(c), "x".join(map(str, c["shape"])), c["precision"],
                  "causal" if c.get("causal") else "", f"window {c['window']}" if c.get("window") else "",
                  "plain" if c.get("gated") is False else "", c.get("cache_mode", ""))
    print(f"wrote {OUT}: {len(cases)} cases;",
          ", ".join(f"{k} {p} {n}" for (k, p), n in sorted(counts.items())) + ";",
          ", ".join(f"{p} {n}" for p, n in sorted(precisions.items())) + f"; {warm} warm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
