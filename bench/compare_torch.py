#!/usr/bin/env python3
"""Compares the CUDA plugin's measurements with PyTorch on the same GPU.

    python3 bench/compare_torch.py RESULTS.json [RESULTS2.json ...] --markdown OUT.md [--json OUT.json]

For every OK row of the results files (written by `roofline bench --plugin cuda`):
  - GEMM of >= 1 GFLOP: PyTorch's throughput on the same shape and precision (torch.mm, torch._scaled_mm for
    FP8, torch._int_mm for INT8), same K-major ("TN") operands, L2 flushed before every sample as the plugin's
    cold mode does. Target: plugin within 5 % of PyTorch (goal 2 %).
  - GEMV with >= 256 MB of weights: the plugin's bandwidth against the device-to-device copy bandwidth measured
    here (bytes read + written). Target: >= 90 % (goal 95 %).
  - attention: torch's scaled_dot_product_attention on the same shape (Q, O [B, H, Sq, D]; K, V [B, Hkv, Skv, D],
    grouped-query heads through enable_gqa), timed under each backend that takes it (cuDNN, flash, memory
    efficient), and the fastest; decode rows (one query) especially, where engines use split-KV kernels. A
    sliding-window row is left out (SDPA has no window). The gap is stated per phase (decode, prefill).
  - FFN: the unfused FFN as PyTorch code runs it: x @ W_gu^T (N = 2·intermediate, gated), SiLU(gate)·up (plain:
    GELU), @ W_down^T, timed as a whole.
Prints the tables and writes them as Markdown; --torch-results writes PyTorch's times as a results file of the
plugin's schema (attention and FFN rows), which `roofline validate` and `bench_holdout --llm` read.
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


TORCH_DTYPE = {"BF16": torch.bfloat16, "FP16": torch.float16}


def attention_phase(shape):
    return "decode" if shape[3] == 1 else "prefill"


def ffn_phase(shape):
    return "decode" if shape[0] <= 256 else "prefill"


def sdpa_backends():
    """(name, context manager factory) for each SDPA backend this PyTorch has."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    names = [("cudnn", "CUDNN_ATTENTION"), ("flash", "FLASH_ATTENTION"), ("efficient", "EFFICIENT_ATTENTION")]
    return [(name, lambda b=getattr(SDPBackend, attr): sdpa_kernel(b)) for name, attr in names if hasattr(SDPBackend, attr)]


def torch_attention(row):
    """A callable running SDPA on the row's shape, and the tensors it holds."""
    batch, heads, kv_heads, query_len, kv_len, head_dim = row["shape"]
    dtype = TORCH_DTYPE[row["precision"]]
    q = torch.randn(batch, heads, query_len, head_dim, device="cuda", dtype=dtype)
    k = torch.randn(batch, kv_heads, kv_len, head_dim, device="cuda", dtype=dtype)
    v = torch.randn(batch, kv_heads, kv_len, head_dim, device="cuda", dtype=dtype)
    causal = bool(row.get("causal")) and query_len > 1
    if causal and query_len != kv_len:
        raise ValueError("causal with a cached prefix: SDPA's is_causal aligns the mask to the top left")
    sdpa = torch.nn.functional.scaled_dot_product_attention
    if kv_heads == heads:
        return lambda: sdpa(q, k, v, is_causal=causal)
    if "enable_gqa" in (sdpa.__doc__ or ""):
        return lambda: sdpa(q, k, v, is_causal=causal, enable_gqa=True)
    # A PyTorch before 2.5: the KV heads repeated for each query head (more bytes than a GQA kernel reads).
    k, v = (t.repeat_interleave(heads // kv_heads, dim=1) for t in (k, v))
    return lambda: sdpa(q, k, v, is_causal=causal)


def time_attention(row, flush):
    """{backend: µs} for every backend that runs the row."""
    fn = torch_attention(row)
    times = {}
    for name, context in sdpa_backends():
        try:
            with context():
                times[name] = time_us(fn, flush, min_samples=5, budget_s=0.2)
        except Exception:  # this backend does not take the shape (head dim, GQA, dtype)
            continue
    return times


def torch_ffn(row):
    tokens, hidden, intermediate = row["shape"]
    gated = row.get("gated", True)
    dtype = TORCH_DTYPE[row["precision"]]
    x = torch.randn(tokens, hidden, device="cuda", dtype=dtype)
    w_up = torch.randn((2 if gated else 1) * intermediate, hidden, device="cuda", dtype=dtype) * hidden**-0.5
    w_down = torch.randn(hidden, intermediate, device="cuda", dtype=dtype) * intermediate**-0.5
    silu, gelu = torch.nn.functional.silu, torch.nn.functional.gelu

    def run():
        h = x @ w_up.t()
        if gated:
            gate, up = h.chunk(2, dim=-1)
            h = silu(gate) * up
        else:
            h = gelu(h)
        return h @ w_down.t()
    return run


def no_flush():
    pass


def compare_attention_ffn(rows, flush):
    """Markdown lines, JSON records and PyTorch's rows in the results schema for the attention and FFN rows."""
    lines, records, torch_rows, seen = [], [], [], set()
    by_phase = {}
    for r in rows:
        kernel = r["kernel_type"]
        if kernel not in ("attention", "ffn") or r["precision"] not in TORCH_DTYPE or r.get("window"):
            continue
        key = (kernel, tuple(r["shape"]), r["precision"], r.get("causal"), r.get("gated"), r.get("cache_mode", "cold"))
        if key in seen:
            continue
        seen.add(key)
        cold = r.get("cache_mode", "cold") == "cold"
        try:
            if kernel == "attention":
                times = time_attention(r, flush if cold else no_flush)
                phase = attention_phase(r["shape"])
            else:
                times = {"unfused": time_us(torch_ffn(r), flush if cold else no_flush, min_samples=5, budget_s=0.2)}
                phase = ffn_phase(r["shape"])
        except Exception as e:  # out of memory, a shape PyTorch refuses
            lines.append(f"| {kernel} | | {'x'.join(map(str, r['shape']))} | {r['precision']} | "
                         f"{r['measured_time_us']:.1f} | n/a ({str(e).splitlines()[0][:50]}) | | |")
            torch.cuda.empty_cache()
            continue
        torch.cuda.empty_cache()
        if not times:
            continue
        best_name, best_us = min(times.items(), key=lambda item: item[1])
        ratio = r["measured_time_us"] / best_us
        by_phase.setdefault((kernel, phase), []).append(ratio)
        flags = ",causal" if r.get("causal") else (",plain" if r.get("gated") is False else "")
        lines.append(f"| {kernel} | {phase} | {'x'.join(map(str, r['shape']))}{flags} | {r['precision']} | "
                     f"{r['measured_time_us']:.1f} | " + ", ".join(f"{n} {t:.1f}" for n, t in sorted(times.items()))
                     + f" | {best_name} | {ratio:.3f} |")
        records.append({"kernel_type": kernel, "phase": phase, "shape": r["shape"], "precision": r["precision"],
                        "causal": r.get("causal"), "gated": r.get("gated"), "plugin_us": r["measured_time_us"],
                        "torch_us": times, "ratio_to_fastest": ratio})
        out = {k: r[k] for k in ("kernel_type", "shape", "causal", "gated", "precision") if k in r}
        out.update({"measured_time_us": best_us, "cache_mode": r.get("cache_mode", "cold"), "algorithm": f"torch {best_name}"})
        torch_rows.append(out)
    summary = [f"| {kernel} {phase} | {len(v)} | {statistics.median(v):.3f} | {min(v):.3f} | {max(v):.3f} |"
               for (kernel, phase), v in sorted(by_phase.items())]
    return lines, summary, records, torch_rows


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
    parser.add_argument("--torch-results", help="write PyTorch's attention and FFN times as a results file")
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

    attention_lines, phase_lines, attention_records, torch_rows = compare_attention_ffn(rows, flush)
    records += attention_records
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
            *gemv_lines, "", f"Rows below target: {below}.", "",
            "## Attention and FFN: plugin time over PyTorch's fastest (1.0: as fast; above: the plugin is slower)", "",
            "Attention: torch SDPA under each backend that takes the shape; FFN: PyTorch's unfused FFN (three kernels).",
            "", "| kernel | phase | shape | precision | plugin us | PyTorch us | fastest | plugin / fastest |",
            "|---|---|---|---|---|---|---|---|", *attention_lines, "",
            "### The gap per kernel and phase (plugin / PyTorch's fastest)", "",
            "| kernel phase | rows | median | min | max |", "|---|---|---|---|---|", *phase_lines, ""]
    with open(args.markdown, "w") as f:
        f.write("\n".join(text))
    if args.torch_results:
        with open(args.torch_results, "w") as f:
            json.dump({"meta": {"tool": "bench/compare_torch.py", "device": {"name": device},
                                "torch": torch.__version__, "cuda": torch.version.cuda},
                       "benchmarks": torch_rows}, f, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": device, "copy_gb_s": copy_gb_s, "rows": records}, f, indent=2)
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
