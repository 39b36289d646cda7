#!/usr/bin/env python3
"""Compares the CUDA plugin's measurements with PyTorch on the same GPU.

    python3 bench/compare_torch.py RESULTS.json [RESULTS2.json ...] --markdown OUT.md [--json OUT.json]

For every OK row of the results files (written by `roofline bench --plugin cuda`):
  - GEMM of >= 1 GFLOP: PyTorch's throughput on the same shape and precision (torch.mm, torch._scaled_mm for
    FP8, torch._int_mm for INT8), same K-major ("TN") operands, L2 flushed before every sample as the plugin's
    cold mode does. Target: plugin within 5 % of PyTorch (goal 2 %).
  - GEMV with >= 256 MB of weights: the plugin's bandwidth against the device-to-device copy bandwidth measured
    here (bytes read + written). Target: >= 90 % (goal 95 %).
Prints the table and writes it as Markdown.
"""
import argparse
import json
import statistics
import sys
import time

import torch

GEMM_MIN_FLOP = 1e9
GEMV_MIN_WEIGHT_BYTES = 256e6
BYTES = {"FP64": 8, "FP32": 4, "TF32": 4, "BF16": 2, "FP16": 2, "FP8_E4M3": 1, "FP8_E5M2": 1, "INT8": 1}
OUT_BYTES = {"FP8_E4M3": 2, "FP8_E5M2": 2, "INT8": 4}


def l2_bytes():
    props = torch.cuda.get_device_properties(0)
    return getattr(props, "L2_cache_size", 50 * 2**20)


class Flusher:
    """Reads a buffer of twice the L2 before each sample, so inputs come from DRAM and the lines left in L2 are
    clean (the plugin's cold mode; a zero_() flush would leave dirty lines for the timed kernel to write back)."""

    def __init__(self):
        self.buffer = torch.zeros(2 * l2_bytes() // 4, dtype=torch.float32, device="cuda")
        self.sink = torch.empty((), dtype=torch.float32, device="cuda")

    def __call__(self):
        torch.sum(self.buffer, dim=0, out=self.sink)


# The stream waits on a spin kernel while the host records the start event and enqueues the product, so the
# interval is device time only (nvbench's blocking kernel, the plugin's stream hold). Without it a 1024^3 FP16
# product measured 39 us where the device needs 8: PyTorch's host path, not its kernel. The spin lasts only as long
# as the host needs to enqueue (measured per case): a fixed 200 us spin idled the GPU between samples and let
# long GEMMs run cooler, under less power throttling, than the plugin's back-to-back samples (6144^3 BF16: 13 %).
SPIN_CYCLES_PER_US = 2000  # about the H100's boost clock; a lower clock only makes the spin longer
SPIN_MARGIN_US = 10.0


def host_enqueue_us(fn):
    """Host time to enqueue fn, median of 5 (the device runs it asynchronously)."""
    times = []
    for _ in range(5):
        begin = time.perf_counter()
        fn()
        times.append((time.perf_counter() - begin) * 1e6)
    torch.cuda.synchronize()
    return statistics.median(times)


def time_us(fn, flush, min_samples=10, budget_s=0.5):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    spin_cycles = int((2 * host_enqueue_us(fn) + SPIN_MARGIN_US) * SPIN_CYCLES_PER_US)
    times = []
    spent = 0.0
    while len(times) < min_samples or (spent < budget_s * 1e3 and len(times) < 200):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        flush()
        torch.cuda._sleep(spin_cycles)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        ms = start.elapsed_time(stop)
        times.append(ms * 1e3)
        spent += ms
    return statistics.median(times)


def random_operand(shape, precision):
    if precision == "INT8":
        return torch.randint(-8, 8, shape, dtype=torch.int8, device="cuda")
    base = torch.rand(shape, device="cuda", dtype=torch.float32) * 2 - 1
    dtype = {"FP64": torch.float64, "FP32": torch.float32, "TF32": torch.float32, "BF16": torch.bfloat16,
             "FP16": torch.float16, "FP8_E4M3": torch.float8_e4m3fn, "FP8_E5M2": torch.float8_e5m2}[precision]
    return base.to(dtype)


def torch_gemm(m, n, k, precision):
    """The product A[m,k] · B[n,k]^T: both operands K-major, as the plugin runs them."""
    a = random_operand((m, k), precision)
    b_other = "FP8_E4M3" if precision == "FP8_E5M2" else precision  # E5M2 x E5M2 is not allowed: pair with E4M3
    b = random_operand((n, k), b_other)
    torch.backends.cuda.matmul.allow_tf32 = precision == "TF32"
    if precision.startswith("FP8"):
        one = torch.ones((), device="cuda", dtype=torch.float32)
        return lambda: torch._scaled_mm(a, b.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    if precision == "INT8":
        return lambda: torch._int_mm(a, b.t())
    return lambda: torch.mm(a, b.t())


def copy_bandwidth_gb_s(flush):
    n = 2**31 // 4
    src = torch.rand(n, device="cuda")
    dst = torch.empty_like(src)
    t_us = time_us(lambda: dst.copy_(src), flush, min_samples=20)
    return 2 * n * 4 / (t_us * 1e-6) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+")
    parser.add_argument("--markdown", required=True)
    parser.add_argument("--json")
    args = parser.parse_args()

    rows = []
    for path in args.results:
        with open(path) as f:
            doc = json.load(f)
        rows += [r for r in doc["benchmarks"] if r.get("status", "ok") == "ok"]

    flush = Flusher()
    copy_gb_s = copy_bandwidth_gb_s(flush)
    device = torch.cuda.get_device_name(0)
    seen = set()
    gemm_lines, gemv_lines, records = [], [], []
    for r in rows:
        kernel, shape, precision = r["kernel_type"], r["shape"], r["precision"]
        key = (kernel, tuple(shape), precision, r.get("cache_mode", "cold"))
        if key in seen or precision not in BYTES:
            continue
        seen.add(key)
        if kernel == "gemm":
            m, n, k = shape
            flop = 2.0 * m * n * k
            if flop < GEMM_MIN_FLOP:
                continue
            plugin_tflops = flop / (r["measured_time_us"] * 1e-6) / 1e12
            try:
                t_us = time_us(torch_gemm(m, n, k, precision), flush)
                torch_tflops = flop / (t_us * 1e-6) / 1e12
                ratio = plugin_tflops / torch_tflops
                verdict = "goal" if ratio >= 0.98 else ("ok" if ratio >= 0.95 else "BELOW")
                torch_text = f"{torch_tflops:.1f}"
            except Exception as e:  # a shape or precision PyTorch does not run
                torch_tflops, ratio, verdict = None, None, "n/a"
                torch_text = f"n/a ({str(e).splitlines()[0][:60]})"
            gemm_lines.append(f"| {m}x{n}x{k} | {precision} | {plugin_tflops:.1f} | {torch_text} | "
                              f"{'' if ratio is None else f'{ratio:.3f}'} | {verdict} |")
            records.append({"kernel_type": kernel, "shape": shape, "precision": precision,
                            "plugin_tflops": plugin_tflops, "torch_tflops": torch_tflops, "ratio": ratio})
        elif kernel == "gemv":
            n, k = shape
            weight_bytes = n * k * BYTES[precision]
            if weight_bytes < GEMV_MIN_WEIGHT_BYTES:
                continue
            total = (n * k + k) * BYTES[precision] + n * OUT_BYTES.get(precision, BYTES[precision])
            gb_s = total / (r["measured_time_us"] * 1e-6) / 1e9
            ratio = gb_s / copy_gb_s
            verdict = "goal" if ratio >= 0.95 else ("ok" if ratio >= 0.90 else "BELOW")
            gemv_lines.append(f"| {n}x{k} | {precision} | {weight_bytes / 1e6:.0f} | {r['measured_time_us']:.1f} | "
                              f"{gb_s:.0f} | {ratio:.3f} | {verdict} |")
            records.append({"kernel_type": kernel, "shape": shape, "precision": precision, "plugin_gb_s": gb_s,
                            "copy_gb_s": copy_gb_s, "ratio": ratio})

    below = sum(1 for line in gemm_lines + gemv_lines if line.endswith("BELOW |"))
    text = [f"# CUDA plugin vs PyTorch on {device}", "",
            f"PyTorch {torch.__version__}, CUDA {torch.version.cuda}; L2 flushed before every sample (cold), median of "
            "at least 10 samples after 3 warm-ups, CUDA events. Produced by `bench/compare_torch.py` from the results "
            f"files {', '.join(args.results)}.", "",
            f"Device-to-device copy bandwidth (2 GiB, read + write): **{copy_gb_s:.0f} GB/s**.", "",
            "## GEMM (>= 1 GFLOP): plugin throughput over PyTorch's (target >= 0.95, goal >= 0.98)", "",
            "| shape MxNxK | precision | plugin TFLOPS | PyTorch TFLOPS | ratio | verdict |", "|---|---|---|---|---|---|",
            *gemm_lines, "",
            "## GEMV (>= 256 MB of weights): plugin bandwidth over the copy bandwidth (target >= 0.90, goal >= 0.95)", "",
            "| shape NxK | precision | weights MB | plugin us | plugin GB/s | / copy | verdict |", "|---|---|---|---|---|---|---|",
            *gemv_lines, "", f"Rows below target: {below}.", ""]
    with open(args.markdown, "w") as f:
        f.write("\n".join(text))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": device, "copy_gb_s": copy_gb_s, "rows": records}, f, indent=2)
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
