#!/usr/bin/env python3
"""Writes bench/plans/ggml_device.json: the part of the `ggml` plan (core/benchmarking/src/ggml_plan.cpp) that one
device call can run. llama-3.1-8b's four projection shapes in the types a Q4_K_M, Q6_K, Q8_0, F16 or MXFP4 model
holds them, at 1-2048 tokens; every other model's shapes at 1 and 512 tokens in the type the plan gave them; every
attention case; the layer ops at the plan's token counts up to 512.

    bench/plans/make_ggml_device_plan.py [build/bin/roofline]
"""
import json
import subprocess
import sys

LLAMA_SHAPES = {(4096, 4096), (1024, 4096), (14336, 4096), (4096, 14336)}
LLAMA_TYPES = {"Q4_K", "Q6_K", "Q8_0", "F16", "MXFP4"}
LLAMA_TOKENS = {1, 2, 4, 8, 16, 64, 256, 512, 2048}
OTHER_TOKENS = {1, 512}


def tokens_and_nk(case):
    shape = case["shape"]
    return (1, tuple(shape)) if case["kernel_type"] == "gemv" else (shape[0], tuple(shape[1:]))


def keep(case):
    kind = case["kernel_type"]
    if kind == "attention":
        return True
    if kind not in ("gemm", "gemv"):
        return case["shape"][0] <= 512
    tokens, nk = tokens_and_nk(case)
    if nk in LLAMA_SHAPES:
        return case.get("weights") in LLAMA_TYPES and tokens in LLAMA_TOKENS
    return tokens in OTHER_TOKENS


def main():
    roofline = sys.argv[1] if len(sys.argv) > 1 else "build/bin/roofline"
    text = subprocess.run([roofline, "bench", "--plugin", "ggml", "--plan", "ggml", "--print-plan"],
                          check=True, capture_output=True, text=True).stdout
    plan = json.loads(text)
    plan["name"] = "ggml-device"
    plan["cases"] = [c for c in plan["cases"] if keep(c)]
    with open("bench/plans/ggml_device.json", "w") as f:
        f.write(json.dumps(plan, indent=None).replace('{"kernel_type"', '\n    {"kernel_type"') + "\n")
    print(len(plan["cases"]), "cases")


if __name__ == "__main__":
    sys.exit(main())
