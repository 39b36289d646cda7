#!/usr/bin/env python3
"""Measures whole decoder steps on the GPU: a plain PyTorch decoder with random weights and the real shapes of this
project's built-in descriptions (resources/models/*.json), one decode step or prefill captured in a CUDA graph and
timed with CUDA events (warm-up replays, then timed replays, median).

    python3 bench/llm_step.py --out resources/measurements/h200_llm_steps.json
    python3 bench/llm_step.py --dry-run              # lists the points and their memory, no CUDA needed

What one step runs, layer by layer, in the order of `roofline model --fusion none` (docs/workload_model.md):
  attn_norm (RMSNorm), qkv_proj (one GEMM; Qwen2's bias in its epilogue), [qk_norm: Qwen3], rope (which also writes
  the new K and V into the cache), attention (torch's scaled_dot_product_attention, the backend torch picks among
  flash, cuDNN and memory-efficient), o_proj, residual, ffn_norm, gate_up_proj, act (SiLU·mul), down_proj, residual;
  then the final norm and the LM head on each sequence's last token. The embedding gather opens the step.
  RMSNorm, RoPE, SiLU·mul and the MoE combine are small Triton kernels, one launch each as an engine's are; with
  --elementwise torch (or where Triton fails its check against the torch reference at start) they are unfused
  PyTorch ops (several launches each), and the output says which ran.
MoE (Qwen3-30B-A3B): router GEMM, softmax and top-k on the real logits, then a fixed routing a graph can capture: the
  N·k (token, slot) pairs are spread round-robin over G experts, G = round(E·(1 − (1 − k/E)^N)) clamped to [1, min(E,
  N·k)] as core/workloads/src/workload_builder.cpp counts it, each expert's rows padded to ceil(N·k/G); the tokens are gathered
  (index_select), the experts run as two batched GEMMs over the G experts' whole weights (torch.bmm), and the
  weighted sum of the k outputs (the top-k weights renormalized in it) is one combine kernel. Beside the predicted
  kernels (router, top-k, two grouped GEMMs, activation) the bench so runs the softmax apart, the gather and the
  combine: kernels_per_step in the output counts every GPU activity of one eager step (torch.profiler).
Before the points, the launch gap is measured: a chain of one-element adds replayed as a graph (launch_gaps).
The decode KV cache has depth S (plus the new token); prefill runs B prompts of P tokens at depth 0 (causal). Every
layer runs (the models' full layer counts). Where every layer's own KV cache does not fit in --max-memory-gb, the
layers share one cache buffer ("kv_layout": "shared"): the bytes each layer reads are the same, and a shared buffer
is only used where one layer's cache is far larger than the L2 (so no layer finds another's cache in it).
"""
import argparse
import json
import math
import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "resources" / "models"
# The MoE second, so that a run cut short by --time-budget-s still has it.
DEFAULT_MODELS = ["llama-3.1-8b", "qwen3-30b-a3b", "qwen3-8b", "qwen2.5-7b", "mistral-7b-v0.3", "llama-3.2-3b"]
DEFAULT_DECODE_BATCHES = [1, 8, 32, 128]
DEFAULT_DECODE_CONTEXTS = [1024, 4096, 16384, 32768]
DEFAULT_PREFILL_PROMPTS = [128, 512, 2048, 8192]
DEFAULT_PREFILL_BATCHES = [1]
FAMILIES = {"llama", "mistral", "qwen2", "qwen3", "qwen3_moe"}
BF16_BYTES = 2
GIB = 1024 ** 3
L2_MARGIN = 4          # a shared cache only where one layer's cache exceeds this many L2s
MEMORY_MARGIN_BYTES = 3 * GIB  # the CUDA context, cuBLAS workspaces, the graph pool's slack


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Model shapes from the built-in descriptions

def read_model(name):
    path = MODELS_DIR / (name + ".json")
    try:
        cfg = json.loads(path.read_text())
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not JSON: {e}")

    def field(key, default=None):
        if key in cfg and cfg[key] is not None:
            return cfg[key]
        if default is None:
            raise ConfigError(f"{path}: field {key} is missing")
        return default

    family = field("model_type")
    if family not in FAMILIES:
        raise ConfigError(f"{path}: field model_type: {family!r} is not one this bench runs ({', '.join(sorted(FAMILIES))})")
    hidden = int(field("hidden_size"))
    heads = int(field("num_attention_heads"))
    m = {
        "name": name,
        "repo_id": cfg.get("_source", {}).get("repo_id", name),
        "family": family,
        "hidden": hidden,
        "layers": int(field("num_hidden_layers")),
        "heads": heads,
        "kv_heads": int(field("num_key_value_heads", heads)),
        "head_dim": int(field("head_dim", hidden // heads)),
        "intermediate": int(field("intermediate_size")),
        "vocab": int(field("vocab_size")),
        "tied": bool(cfg.get("tie_word_embeddings", False)),
        "qkv_bias": family == "qwen2" or bool(cfg.get("attention_bias", False)),
        "qk_norm": family in ("qwen3", "qwen3_moe"),
        "rope_theta": float(cfg.get("rope_theta", 10000.0)),
        "eps": float(cfg.get("rms_norm_eps", 1e-6)),
        "moe": None,
    }
    if cfg.get("use_sliding_window") or (family == "mistral" and cfg.get("sliding_window")):
        raise ConfigError(f"{path}: field sliding_window: sliding-window attention is not run by this bench")
    if family == "qwen3_moe":
        if cfg.get("mlp_only_layers") or int(cfg.get("decoder_sparse_step", 1)) != 1:
            raise ConfigError(f"{path}: field mlp_only_layers: dense layers among the MoE ones are not run by this bench")
        m["moe"] = {"experts": int(field("num_experts")), "k": int(field("num_experts_per_tok")),
                    "width": int(field("moe_intermediate_size"))}
    if m["heads"] % m["kv_heads"]:
        raise ConfigError(f"{path}: field num_key_value_heads: {m['kv_heads']} does not divide {m['heads']} heads")
    if m["head_dim"] % 2 or m["head_dim"] & (m["head_dim"] - 1):
        raise ConfigError(f"{path}: field head_dim: {m['head_dim']} is not a power of two")
    return m


def q_width(m):
    return m["heads"] * m["head_dim"]


def kv_width(m):
    return m["kv_heads"] * m["head_dim"]


def weight_elements(m):
    """Elements of every weight tensor the bench allocates (norm vectors included)."""
    h, L = m["hidden"], m["layers"]
    qkv = (q_width(m) + 2 * kv_width(m)) * h + (q_width(m) + 2 * kv_width(m) if m["qkv_bias"] else 0)
    attn = qkv + h * q_width(m) + 2 * h + (m["head_dim"] if m["qk_norm"] else 0)
    if m["moe"]:
        e = m["moe"]
        ffn = e["experts"] * h + e["experts"] * 3 * e["width"] * h
    else:
        ffn = 3 * m["intermediate"] * h
    head = m["vocab"] * h * (1 if m["tied"] else 2) + h
    return L * (attn + ffn) + head


# ---------------------------------------------------------------------------------------------------------------
# The points and their memory

def expert_routing(m, tokens):
    """The fixed routing of N tokens: G experts (as workload_builder.cpp rounds E_active), rows padded per expert."""
    e = m["moe"]
    E, k = e["experts"], e["k"]
    active = E * (1 - (1 - k / E) ** tokens)
    pairs = tokens * k
    groups = max(1, min(int(math.floor(active + 0.5)), min(E, pairs)))
    rows_per_expert = -(-pairs // groups)
    return {"experts_active": active, "expert_groups": groups, "rows": pairs, "rows_per_expert": rows_per_expert,
            "rows_padded": groups * rows_per_expert}


def step_tokens(point):
    return point["batch"] * (1 if point["phase"] == "decode" else point["prompt"])


def kv_layer_bytes(m, point):
    depth = point["context"] + (1 if point["phase"] == "decode" else point["prompt"])
    return 2 * point["batch"] * depth * kv_width(m) * BF16_BYTES


def activation_bytes(m, point):
    """A generous bound on what the graph's pool holds at once: residual, normed copy, QKV, the FFN's gate-up and
    activation (or the experts' gathered rows), attention's output, and the logits."""
    n = step_tokens(point)
    h = m["hidden"]
    if m["moe"]:
        r = expert_routing(m, n)["rows_padded"]
        ffn = r * (h + 3 * m["moe"]["width"] + h) + n * m["moe"]["experts"] * 2
    else:
        ffn = n * 3 * m["intermediate"]
    per_token = 3 * h + (q_width(m) + 2 * kv_width(m)) + 2 * q_width(m)
    return (n * per_token + ffn) * BF16_BYTES * 2 + point["batch"] * m["vocab"] * 4


def plan_memory(m, point, free_bytes, l2_bytes):
    """kv_layout per_layer / shared, or the reason it does not fit."""
    per_layer = kv_layer_bytes(m, point)
    room = free_bytes - activation_bytes(m, point) - MEMORY_MARGIN_BYTES
    if per_layer * m["layers"] <= room:
        return "per_layer", None
    if per_layer <= room and per_layer >= L2_MARGIN * l2_bytes:
        return "shared", None
    return None, (f"needs {per_layer * m['layers'] / GIB:.1f} GiB of KV cache ({per_layer / GIB:.2f} GiB a layer) and "
                  f"{activation_bytes(m, point) / GIB:.1f} GiB of activations; {room / GIB:.1f} GiB left after weights")


def make_points(args):
    points = []
    for b in args.decode_batches:
        for s in args.decode_contexts:
            points.append({"phase": "decode", "batch": b, "prompt": 1, "context": s})
    for b in args.prefill_batches:
        for p in args.prefill_prompts:
            points.append({"phase": "prefill", "batch": b, "prompt": p, "context": 0})
    return points


# ---------------------------------------------------------------------------------------------------------------
# Elementwise kernels: Triton (one launch each) and the torch reference (unfused)

def torch_ops(torch, F):
    class TorchOps:
        name = "torch"

        @staticmethod
        def rmsnorm(x, w, eps, out=None):
            """x: [..., W] (any strides); writes out (default: a new tensor)."""
            xf = x.float()
            y = (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps) * w.float()).to(x.dtype)
            if out is None:
                return y
            out.copy_(y)
            return out

        @staticmethod
        def rope_cache(qkv, cos, sin, q_out, k_cache, v_cache, heads, kv_heads, q_len, depth):
            n = qkv.shape[0]
            d = q_out.shape[-1]
            half = d // 2
            b = n // q_len
            x = qkv.view(n, heads + 2 * kv_heads, d)
            qk = x[:, : heads + kv_heads].float()
            pos = torch.arange(depth, depth + q_len, device=qkv.device).repeat(b)
            c, s = cos[pos].unsqueeze(1), sin[pos].unsqueeze(1)
            x1, x2 = qk[..., :half], qk[..., half:]
            rot = torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], dim=-1).to(qkv.dtype)
            q_out.copy_(rot[:, :heads])
            k_cache[:, depth:depth + q_len] = rot[:, heads:].view(b, q_len, kv_heads, d)
            v_cache[:, depth:depth + q_len] = x[:, heads + kv_heads:].view(b, q_len, kv_heads, d)

        @staticmethod
        def silu_mul(gate_up):
            w = gate_up.shape[-1] // 2
            return F.silu(gate_up[..., :w]) * gate_up[..., w:]

        @staticmethod
        def combine(y, slots, weights):
            """out[t] = Σ_j weights[t, j] · y[slots[t, j]] / Σ_j weights[t, j] (top-k weights renormalized)"""
            n, k = slots.shape
            picked = y.index_select(0, slots.reshape(-1)).view(n, k, -1).float()
            w = weights.float() / weights.float().sum(-1, keepdim=True)
            return (picked * w.unsqueeze(-1)).sum(1).to(y.dtype)

    return TorchOps


def triton_ops(torch):
    import triton
    import triton.language as tl

    @triton.jit
    def rmsnorm_kernel(x_ptr, w_ptr, out_ptr, inner, xs0, xs1, os0, os1, width, eps, BLOCK: tl.constexpr):
        pid = tl.program_id(0).to(tl.int64)  # offsets past 2^31 elements (a 4 GiB cache) stay exact
        i0 = pid // inner
        i1 = pid % inner
        offs = tl.arange(0, BLOCK)
        mask = offs < width
        x = tl.load(x_ptr + i0 * xs0 + i1 * xs1 + offs, mask=mask, other=0.0).to(tl.float32)
        w = tl.load(w_ptr + offs, mask=mask, other=0.0).to(tl.float32)
        r = tl.rsqrt(tl.sum(x * x, axis=0) / width + eps)
        y = x * r * w
        tl.store(out_ptr + i0 * os0 + i1 * os1 + offs, y.to(out_ptr.dtype.element_ty), mask=mask)

    @triton.jit
    def rope_cache_kernel(qkv_ptr, cos_ptr, sin_ptr, q_ptr, k_ptr, v_ptr, qkv_s0, q_len, depth, heads, kv_heads,
                          cs_b, cs_s, cs_h, HALF: tl.constexpr):
        t = tl.program_id(0).to(tl.int64)
        h = tl.program_id(1)
        b = t // q_len
        pos = depth + t % q_len
        offs = tl.arange(0, HALF)
        src = qkv_ptr + t * qkv_s0 + h * (2 * HALF)
        x1 = tl.load(src + offs)
        x2 = tl.load(src + HALF + offs)
        if h < heads + kv_heads:
            c = tl.load(cos_ptr + pos * HALF + offs)
            s = tl.load(sin_ptr + pos * HALF + offs)
            a = x1.to(tl.float32)
            e = x2.to(tl.float32)
            y1 = (a * c - e * s).to(x1.dtype)
            y2 = (e * c + a * s).to(x1.dtype)
            if h < heads:
                dst = q_ptr + (t * heads + h) * (2 * HALF)
            else:
                dst = k_ptr + b * cs_b + pos * cs_s + (h - heads) * cs_h
            tl.store(dst + offs, y1)
            tl.store(dst + HALF + offs, y2)
        else:
            dst = v_ptr + b * cs_b + pos * cs_s + (h - heads - kv_heads) * cs_h
            tl.store(dst + offs, x1)
            tl.store(dst + HALF + offs, x2)

    @triton.jit
    def silu_mul_kernel(gu_ptr, out_ptr, width, gs0, os0, BLOCK: tl.constexpr):
        r = tl.program_id(0).to(tl.int64)
        offs = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
        mask = offs < width
        g = tl.load(gu_ptr + r * gs0 + offs, mask=mask, other=0.0).to(tl.float32)
        u = tl.load(gu_ptr + r * gs0 + width + offs, mask=mask, other=0.0).to(tl.float32)
        y = g * tl.sigmoid(g) * u
        tl.store(out_ptr + r * os0 + offs, y.to(out_ptr.dtype.element_ty), mask=mask)

    @triton.jit
    def combine_kernel(y_ptr, slot_ptr, w_ptr, out_ptr, width, K: tl.constexpr, BLOCK: tl.constexpr):
        t = tl.program_id(0).to(tl.int64)
        offs = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
        mask = offs < width
        acc = tl.zeros([BLOCK], dtype=tl.float32)
        total = 0.0
        for j in tl.static_range(K):
            row = tl.load(slot_ptr + t * K + j)
            wt = tl.load(w_ptr + t * K + j).to(tl.float32)
            total += wt
            acc += wt * tl.load(y_ptr + row * width + offs, mask=mask, other=0.0).to(tl.float32)
        acc = acc / total  # the top-k weights renormalized (norm_topk_prob)
        tl.store(out_ptr + t * width + offs, acc.to(out_ptr.dtype.element_ty), mask=mask)

    def warps(block):
        return max(1, min(16, block // 256))

    class TritonOps:
        name = "triton " + triton.__version__

        @staticmethod
        def rmsnorm(x, w, eps, out=None):
            width = x.shape[-1]
            x3 = x if x.dim() == 3 else x.unsqueeze(1)
            if out is None:
                out = torch.empty(x.shape, dtype=x.dtype, device=x.device)
            o3 = out if out.dim() == 3 else out.unsqueeze(1)
            assert x.stride(-1) == 1 and out.stride(-1) == 1
            block = triton.next_power_of_2(width)
            rows = x3.shape[0] * x3.shape[1]
            rmsnorm_kernel[(rows,)](x3, w, o3, x3.shape[1], x3.stride(0), x3.stride(1), o3.stride(0), o3.stride(1),
                                    width, eps, BLOCK=block, num_warps=warps(block))
            return out

        @staticmethod
        def rope_cache(qkv, cos, sin, q_out, k_cache, v_cache, heads, kv_heads, q_len, depth):
            n = qkv.shape[0]
            d = q_out.shape[-1]
            assert qkv.stride(-1) == 1 and q_out.is_contiguous() and k_cache.stride() == v_cache.stride()
            rope_cache_kernel[(n, heads + 2 * kv_heads)](
                qkv, cos, sin, q_out, k_cache, v_cache, qkv.stride(0), q_len, depth, heads, kv_heads,
                k_cache.stride(0), k_cache.stride(1), k_cache.stride(2), HALF=d // 2, num_warps=1)

        @staticmethod
        def silu_mul(gate_up):
            rows, width = gate_up.shape[0], gate_up.shape[1] // 2
            out = torch.empty((rows, width), dtype=gate_up.dtype, device=gate_up.device)
            block = min(1024, triton.next_power_of_2(width))
            silu_mul_kernel[(rows, triton.cdiv(width, block))](gate_up, out, width, gate_up.stride(0), out.stride(0),
                                                               BLOCK=block, num_warps=warps(block))
            return out

        @staticmethod
        def combine(y, slots, weights):
            n, k = slots.shape
            width = y.shape[-1]
            assert y.is_contiguous() and slots.is_contiguous() and weights.is_contiguous()
            out = torch.empty((n, width), dtype=y.dtype, device=y.device)
            block = min(1024, triton.next_power_of_2(width))
            combine_kernel[(n, triton.cdiv(width, block))](y, slots, weights, out, width, K=k, BLOCK=block,
                                                           num_warps=warps(block))
            return out

    return TritonOps


def check_ops(torch, ops, ref):
    """Runs every Triton kernel against the torch reference on small inputs; raises where one differs."""
    dev = "cuda"
    g = torch.Generator(device=dev).manual_seed(1)

    def rand(*shape):
        return torch.randn(*shape, generator=g, device=dev, dtype=torch.bfloat16)

    def close(a, b, what):
        if not torch.allclose(a.float(), b.float(), atol=3e-2, rtol=3e-2):
            raise RuntimeError(f"{what}: Triton differs from torch by {(a.float() - b.float()).abs().max().item()}")

    x, w = rand(5, 300), rand(300)
    close(ops.rmsnorm(x, w, 1e-6), ref.rmsnorm(x, w, 1e-6), "rmsnorm")
    qkv = rand(6, (4 + 2 * 2) * 64)
    view = qkv.view(6, 8, 64)[:, :6]
    a, b = view.clone(), view.clone()
    ops.rmsnorm(a, w[:64], 1e-6, out=a)
    ref.rmsnorm(b, w[:64], 1e-6, out=b)
    close(a, b, "rmsnorm over heads")
    pos = torch.arange(16, device=dev, dtype=torch.float32)
    inv = 1.0 / (10000.0 ** (torch.arange(0, 64, 2, device=dev, dtype=torch.float32) / 64))
    cos, sin = torch.cos(pos[:, None] * inv), torch.sin(pos[:, None] * inv)
    outs = []
    for impl in (ops, ref):
        q = torch.empty(6, 4, 64, device=dev, dtype=torch.bfloat16)
        kc = torch.zeros(2, 16, 2, 64, device=dev, dtype=torch.bfloat16)
        vc = torch.zeros_like(kc)
        impl.rope_cache(qkv, cos, sin, q, kc, vc, 4, 2, 3, 5)
        outs.append((q, kc, vc))
    for (p, r), what in zip(zip(outs[0], outs[1]), ("rope q", "rope k cache", "rope v cache")):
        close(p, r, what)
    gu = rand(7, 2 * 700)
    close(ops.silu_mul(gu), ref.silu_mul(gu), "silu_mul")
    y = rand(12, 300)
    slots = torch.randint(0, 12, (4, 3), generator=g, device=dev, dtype=torch.int64)
    wts = torch.rand(4, 3, generator=g, device=dev, dtype=torch.float32) + 0.1
    close(ops.combine(y, slots, wts), ref.combine(y, slots, wts), "combine")
    torch.cuda.synchronize()


# ---------------------------------------------------------------------------------------------------------------
# The decoder

class Decoder:
    def __init__(self, torch, F, ops, m, max_positions, seed=0):
        self.torch, self.F, self.ops, self.m = torch, F, ops, m
        dev, dt = "cuda", torch.bfloat16
        gen = torch.Generator(device=dev).manual_seed(seed)
        h, d = m["hidden"], m["head_dim"]

        def weight(*shape, scale=None):
            t = torch.empty(*shape, device=dev, dtype=dt)
            t.normal_(0.0, scale if scale is not None else 1.0 / math.sqrt(shape[-1]), generator=gen)
            return t

        def ones(n):
            return torch.ones(n, device=dev, dtype=dt)

        self.embedding = weight(m["vocab"], h, scale=1.0)
        self.lm_head = self.embedding if m["tied"] else weight(m["vocab"], h)
        self.final_norm = ones(h)
        qkv_out = q_width(m) + 2 * kv_width(m)
        self.layers = []
        for _ in range(m["layers"]):
            layer = {"attn_norm": ones(h), "ffn_norm": ones(h), "qkv": weight(qkv_out, h), "o": weight(h, q_width(m)),
                     "qkv_bias": weight(qkv_out, scale=0.02) if m["qkv_bias"] else None,
                     "qk_norm": ones(d) if m["qk_norm"] else None}
            if m["moe"]:
                e = m["moe"]
                layer["router"] = weight(e["experts"], h)
                layer["experts_gate_up"] = weight(e["experts"], 2 * e["width"], h)
                layer["experts_down"] = weight(e["experts"], h, e["width"])
            else:
                layer["gate_up"] = weight(2 * m["intermediate"], h)
                layer["down"] = weight(h, m["intermediate"])
            self.layers.append(layer)
        inv = 1.0 / (m["rope_theta"] ** (torch.arange(0, d, 2, device=dev, dtype=torch.float32) / d))
        angles = torch.arange(max_positions, device=dev, dtype=torch.float32)[:, None] * inv
        self.cos, self.sin = torch.cos(angles).contiguous(), torch.sin(angles).contiguous()

    def weight_bytes(self):
        seen, total = set(), 0
        tensors = [self.embedding, self.lm_head, self.final_norm]
        for layer in self.layers:
            tensors += [t for t in layer.values() if t is not None]
        for t in tensors:
            if t.data_ptr() not in seen:
                seen.add(t.data_ptr())
                total += t.numel() * t.element_size()
        return total


class Step:
    """The buffers of one point and its forward pass (what the graph captures)."""

    def __init__(self, dec, point, kv_layout, sdpa):
        torch = dec.torch
        self.dec, self.point, self.sdpa = dec, point, sdpa
        m = dec.m
        self.batch = point["batch"]
        self.q_len = 1 if point["phase"] == "decode" else point["prompt"]
        self.depth = point["context"]
        self.tokens = self.batch * self.q_len
        self.kv_len = self.depth + self.q_len
        shape = (self.batch, self.kv_len, m["kv_heads"], m["head_dim"])
        count = m["layers"] if kv_layout == "per_layer" else 1
        self.caches = []
        for _ in range(count):
            k = torch.empty(shape, device="cuda", dtype=torch.bfloat16).normal_()
            v = torch.empty(shape, device="cuda", dtype=torch.bfloat16).normal_()
            self.caches.append((k, v))
        gen = torch.Generator(device="cuda").manual_seed(2)
        self.ids = torch.randint(0, m["vocab"], (self.tokens,), device="cuda", generator=gen)
        if m["moe"]:
            self.routing = expert_routing(m, self.tokens)
            self._fixed_routing()

    def _fixed_routing(self):
        """(token, slot) pair p goes to expert p mod G, row p div G of that expert's padded block."""
        torch = self.dec.torch
        r, k = self.routing, self.dec.m["moe"]["k"]
        pairs = torch.arange(self.tokens * k, device="cuda")
        rows = (pairs % r["expert_groups"]) * r["rows_per_expert"] + pairs // r["expert_groups"]
        self.slots = rows.view(self.tokens, k).contiguous()
        source = torch.zeros(r["rows_padded"], dtype=torch.int64, device="cuda")  # padding rows read token 0
        source[rows] = pairs // k
        self.source = source

    def forward(self):
        dec, m, ops, F, torch = self.dec, self.dec.m, self.dec.ops, self.dec.F, self.dec.torch
        x = F.embedding(self.ids, dec.embedding)
        for i, layer in enumerate(dec.layers):
            k_cache, v_cache = self.caches[i % len(self.caches)]
            a = ops.rmsnorm(x, layer["attn_norm"], m["eps"])
            qkv = F.linear(a, layer["qkv"], layer["qkv_bias"])
            if layer["qk_norm"] is not None:
                qk = qkv.view(self.tokens, -1, m["head_dim"])[:, : m["heads"] + m["kv_heads"]]
                ops.rmsnorm(qk, layer["qk_norm"], m["eps"], out=qk)
            q = torch.empty((self.tokens, m["heads"], m["head_dim"]), device="cuda", dtype=torch.bfloat16)
            ops.rope_cache(qkv, dec.cos, dec.sin, q, k_cache, v_cache, m["heads"], m["kv_heads"], self.q_len, self.depth)
            attn = self.attention(q, k_cache, v_cache)
            x.add_(F.linear(attn, layer["o"]))
            f = ops.rmsnorm(x, layer["ffn_norm"], m["eps"])
            x.add_(self.moe(f, layer) if m["moe"] else F.linear(ops.silu_mul(F.linear(f, layer["gate_up"])), layer["down"]))
        x = ops.rmsnorm(x, dec.final_norm, m["eps"])
        last = x.view(self.batch, self.q_len, -1)[:, -1]
        return F.linear(last, dec.lm_head)

    def attention(self, q, k_cache, v_cache):
        m, F = self.dec.m, self.dec.F
        b, heads, kv_heads, d = self.batch, m["heads"], m["kv_heads"], m["head_dim"]
        k, v = k_cache.transpose(1, 2), v_cache.transpose(1, 2)  # [B, KVH, S, D]
        if self.q_len == 1:
            # Decode: the G query heads that share a KV head are that head's G "query rows" (as flash-decoding
            # kernels group them), so no backend needs GQA support. Head h uses KV head h mod KVH.
            g = heads // kv_heads
            with self.sdpa["decode_context"]():
                out = F.scaled_dot_product_attention(q.view(b, g, kv_heads, d).transpose(1, 2), k, v)
            return out.transpose(1, 2).reshape(b, heads * d)
        qh = q.view(b, self.q_len, heads, d).transpose(1, 2)
        if self.sdpa["prefill_gqa"]:
            out = F.scaled_dot_product_attention(qh, k, v, is_causal=True, enable_gqa=True)
        else:
            rep = heads // kv_heads
            out = F.scaled_dot_product_attention(qh, k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1),
                                                 is_causal=True)
        return out.transpose(1, 2).reshape(self.tokens, heads * d)

    def moe(self, f, layer):
        torch, F, ops, e = self.dec.torch, self.dec.F, self.dec.ops, self.dec.m["moe"]
        r = self.routing
        logits = F.linear(f, layer["router"])
        weights, _ = torch.topk(torch.softmax(logits, dim=-1, dtype=torch.float32), e["k"], dim=-1)
        g, rows = r["expert_groups"], r["rows_per_expert"]
        xs = f.index_select(0, self.source).view(g, rows, -1)
        gu = torch.bmm(xs, layer["experts_gate_up"][:g].transpose(1, 2))
        act = ops.silu_mul(gu.view(g * rows, -1)).view(g, rows, -1)
        y = torch.bmm(act, layer["experts_down"][:g].transpose(1, 2))
        return ops.combine(y.view(g * rows, -1), self.slots, weights.contiguous())


# ---------------------------------------------------------------------------------------------------------------
# Measuring

def decode_context(torch, choice):
    """A context for decode's SDPA: torch's own pick ("auto"), or one backend forced (--decode-attention)."""
    import contextlib
    if choice == "auto":
        return contextlib.nullcontext
    from torch.nn.attention import SDPBackend, sdpa_kernel
    backend = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION,
               "efficient": SDPBackend.EFFICIENT_ATTENTION}[choice]
    return lambda: sdpa_kernel([backend])


def probe_sdpa(torch, F, m, decode_choice="auto"):
    """Whether prefill's GQA runs through a fused backend with enable_gqa, and which backend torch picks."""
    out = {"prefill_gqa": False, "decode_backend": "unknown", "prefill_backend": "unknown",
           "decode_attention": decode_choice}
    d, kvh, heads = m["head_dim"], m["kv_heads"], m["heads"]
    q = torch.randn(1, heads, 256, d, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(1, kvh, 256, d, device="cuda", dtype=torch.bfloat16)
    try:
        F.scaled_dot_product_attention(q, k, k, is_causal=True, enable_gqa=True)
        out["prefill_gqa"] = True
    except (TypeError, RuntimeError) as e:
        out["prefill_gqa_error"] = str(e).splitlines()[0][:200]
    names = {}
    try:
        from torch.nn.attention import SDPBackend
        names = {int(v): k for k, v in SDPBackend.__members__.items()}
    except Exception:
        pass

    def choice(qq, kk, **kw):
        try:
            return names.get(int(torch._fused_sdp_choice(qq, kk, kk, **kw)), "unknown")
        except Exception:
            return "unknown"

    g = heads // kvh
    if decode_choice != "auto":
        out["decode_backend"] = decode_choice.upper() + " (forced: --decode-attention)"
    else:
        out["decode_backend"] = choice(torch.randn(4, kvh, g, d, device="cuda", dtype=torch.bfloat16),
                                   torch.randn(4, kvh, 1024, d, device="cuda", dtype=torch.bfloat16))
    if out["prefill_gqa"]:
        out["prefill_backend"] = choice(q, k, is_causal=True, enable_gqa=True)
    if out["prefill_backend"] == "MATH":  # GQA only through the unfused math path: expand K and V instead
        out["prefill_gqa"] = False
    if not out["prefill_gqa"]:
        out["prefill_backend"] = choice(q, q, is_causal=True) + " (K and V expanded to every query head)"
    return out


def count_kernels(torch, step):
    """CUDA kernels one eager forward launches (torch.profiler); None where the profiler fails."""
    try:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            step.forward()
            torch.cuda.synchronize()
        # every GPU activity: kernels, and memsets or copies where a step has any
        return sum(1 for e in prof.events() if str(getattr(e, "device_type", "")).endswith("CUDA"))
    except Exception:
        return None


def time_graph(torch, graph, warmup, min_replays, max_replays, target_s):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(warmup):
        graph.replay()
    torch.cuda.synchronize()
    start.record()
    graph.replay()
    end.record()
    end.synchronize()
    first_ms = start.elapsed_time(end)
    replays = int(max(min_replays, min(max_replays, target_s * 1e3 / max(first_ms, 1e-3))))
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(replays)]
    for a, b in events:
        a.record()
        graph.replay()
        b.record()
    torch.cuda.synchronize()
    times_us = [a.elapsed_time(b) * 1e3 for a, b in events]
    return times_us


def measure_launch_gaps(torch, chain=2000):
    """What one tiny kernel (a one-element add) adds to a chain: replayed as a CUDA graph, and launched one by one
    from Python (torch's dispatcher included, as an eager engine pays it). [µs] each."""
    x = torch.zeros(1, device="cuda")
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(100):
        x.add_(1.0)
    torch.cuda.synchronize()
    start.record()
    for _ in range(chain):
        x.add_(1.0)
    end.record()
    end.synchronize()
    eager_us = start.elapsed_time(end) * 1e3 / chain
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        x.add_(1.0)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(chain):
            x.add_(1.0)
    times = time_graph(torch, graph, 3, 5, 20, 0.05)
    del graph
    return {"launch_gap_graph_us": round(statistics.median(times) / chain, 3), "torch_eager_op_us": round(eager_us, 3),
            "chain": chain, "what": "a chain of one-element adds: per kernel in a replayed CUDA graph, and per op "
                                    "launched from Python"}


def measure_point(torch, dec, point, kv_layout, sdpa, args, kernels_seen):
    step = Step(dec, point, kv_layout, sdpa)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):  # Triton's compile, cuBLAS's handles and workspaces happen outside the capture
            step.forward()
    torch.cuda.current_stream().wait_stream(side)
    key = (dec.m["name"], point["phase"])
    if key not in kernels_seen:
        kernels_seen[key] = count_kernels(torch, step)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step.forward()
    times = time_graph(torch, graph, args.warmup, args.min_replays, args.max_replays, args.target_s)
    median = statistics.median(times)
    row = dict(point)
    row.update({"model": dec.m["name"], "repo_id": dec.m["repo_id"], "layers": dec.m["layers"],
                "kv_layout": kv_layout, "step_time_us": round(median, 2), "step_time_min_us": round(min(times), 2),
                "step_time_max_us": round(max(times), 2), "replays": len(times),
                "tokens_per_s": round(step_tokens(point) / (median * 1e-6), 2),
                "kernels_per_step": kernels_seen[key]})
    if point["phase"] == "decode":
        row["prompt"] = None
    if dec.m["moe"]:
        row["moe_routing"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in step.routing.items()}
    del graph, step
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    return row


def environment(torch, ops):
    props = torch.cuda.get_device_properties(0)
    env = {"gpu": torch.cuda.get_device_name(0), "gpu_memory_bytes": props.total_memory,
           "l2_bytes": getattr(props, "L2_cache_size", None), "torch_version": torch.__version__,
           "cuda_version": torch.version.cuda, "cudnn_version": torch.backends.cudnn.version(),
           "elementwise": ops.name}
    return env


def run(args, models):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        sys.exit("llm_step.py: PyTorch is not installed here (--dry-run lists the points without it)")
    if not torch.cuda.is_available():
        sys.exit("llm_step.py: no CUDA device (use --dry-run to list the points)")
    ref = torch_ops(torch, F)
    ops, ops_note = ref, "--elementwise torch"
    if args.elementwise == "triton":
        try:
            ops = triton_ops(torch)
            check_ops(torch, ops, ref)
            ops_note = "checked against the torch reference at start"
        except Exception as e:  # noqa: BLE001 - any failure falls back, and says so
            ops, ops_note = ref, f"Triton failed its check, unfused torch ops ran instead: {type(e).__name__}: {e}"
            print("llm_step.py:", ops_note, file=sys.stderr)
    l2 = getattr(torch.cuda.get_device_properties(0), "L2_cache_size", 50 * 2 ** 20)
    out = {"schema": "roofline-llm-steps/1",
           "what": "whole decoder steps in one CUDA graph each, BF16 weights, activations and KV cache; median of "
                   "event-timed replays after warm-up (bench/llm_step.py's docstring says what a step runs)",
           "command": "python3 bench/llm_step.py " + " ".join(sys.argv[1:]),
           "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "environment": environment(torch, ops), "elementwise_note": ops_note,
           "timing": {"warmup_replays": args.warmup, "min_replays": args.min_replays, "max_replays": args.max_replays,
                      "statistic": "median"},
           "models": {}, "points": [], "skipped": []}
    out["launch_gaps"] = measure_launch_gaps(torch)
    print(f"launch gaps: {out['launch_gaps']['launch_gap_graph_us']} us a kernel in a graph, "
          f"{out['launch_gaps']['torch_eager_op_us']} us an eager torch op", flush=True)
    began = time.monotonic()
    for m in models:
        points = make_points(args)
        max_pos = max(p["context"] + p["prompt"] for p in points) + 1
        torch.cuda.empty_cache()
        dec = Decoder(torch, F, ops, m, max_pos)
        sdpa = probe_sdpa(torch, F, m, args.decode_attention)
        out["models"][m["name"]] = {"repo_id": m["repo_id"], "layers": m["layers"], "weight_bytes": dec.weight_bytes(),
                                    "sdpa": dict(sdpa)}
        sdpa["decode_context"] = decode_context(torch, args.decode_attention)
        kernels_seen = {}
        for point in points:
            label = f"{m['name']} {point['phase']} B={point['batch']} P={point['prompt']} S={point['context']}"
            if time.monotonic() - began > args.time_budget_s:
                out["skipped"].append(dict(point, model=m["name"], reason=f"past --time-budget-s {args.time_budget_s}"))
                continue
            free, _ = torch.cuda.mem_get_info()
            cap = args.max_memory_gb * 1e9 - (torch.cuda.get_device_properties(0).total_memory - free)
            layout, why = plan_memory(m, point, min(free, cap), l2)
            if layout is None:
                out["skipped"].append(dict(point, model=m["name"], reason=why))
                print(f"{label}: skipped, {why}", flush=True)
                continue
            try:
                row = measure_point(torch, dec, point, layout, sdpa, args, kernels_seen)
            except torch.cuda.OutOfMemoryError as e:
                torch.cuda.empty_cache()
                out["skipped"].append(dict(point, model=m["name"], reason="out of memory: " + str(e).splitlines()[0]))
                print(f"{label}: out of memory", flush=True)
                continue
            out["points"].append(row)
            print(f"{label}: {row['step_time_us']:.1f} us, {row['tokens_per_s']:.0f} tokens/s ({layout})", flush=True)
        del dec
        write(out, args.out)
    out["gpu_seconds"] = round(time.monotonic() - began, 1)
    write(out, args.out)
    print(f"{len(out['points'])} points, {len(out['skipped'])} skipped, {out['gpu_seconds']} s; wrote {args.out}")


def write(out, path):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n")
    os.replace(tmp, path)


def dry_run(args, models):
    device_bytes = args.max_memory_gb * 1e9
    l2 = 60 * 2 ** 20  # the H200's 60 MiB
    total = 0
    for m in models:
        wbytes = weight_elements(m) * BF16_BYTES
        print(f"{m['name']} ({m['repo_id']}): {m['layers']} layers, weights {wbytes / 1e9:.1f} GB"
              + (f", MoE {m['moe']['experts']} experts, top {m['moe']['k']}" if m["moe"] else ""))
        for point in make_points(args):
            layout, why = plan_memory(m, point, device_bytes - wbytes, l2)
            extra = ""
            if m["moe"]:
                r = expert_routing(m, step_tokens(point))
                extra = f" experts {r['expert_groups']} (E_active {r['experts_active']:.1f}), rows {r['rows']}->{r['rows_padded']}"
            state = layout if layout else "skipped: " + why
            print(f"  {point['phase']:7s} B={point['batch']:<4d} P={point['prompt']:<5d} S={point['context']:<6d} "
                  f"KV {kv_layer_bytes(m, point) * m['layers'] / GIB:7.1f} GiB  {state}{extra}")
            total += 1
    print(f"{total} points")


def parse_args(argv):
    def ints(text):
        try:
            values = [int(v) for v in text.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}")
        if any(v < 1 for v in values):
            raise argparse.ArgumentTypeError(f"values must be at least 1: {text!r}")
        return values

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(ROOT / "resources" / "measurements" / "h200_llm_steps.json"))
    p.add_argument("--models", default=",".join(DEFAULT_MODELS), help="names of resources/models/*.json")
    p.add_argument("--decode-batches", type=ints, default=DEFAULT_DECODE_BATCHES)
    p.add_argument("--decode-contexts", type=ints, default=DEFAULT_DECODE_CONTEXTS)
    p.add_argument("--prefill-prompts", type=ints, default=DEFAULT_PREFILL_PROMPTS)
    p.add_argument("--prefill-batches", type=ints, default=DEFAULT_PREFILL_BATCHES)
    p.add_argument("--elementwise", choices=["triton", "torch"], default="triton")
    p.add_argument("--decode-attention", choices=["auto", "flash", "cudnn", "efficient"], default="auto",
                   help="decode's SDPA backend: torch's pick (auto), or one forced. On the H200 with torch 2.11 torch "
                        "picks cuDNN, which at B x KV heads below the SM count does not split the cache")
    p.add_argument("--max-memory-gb", type=float, default=138.0, help="[GB] what the run may hold (H200: 141 GB)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--min-replays", type=int, default=5)
    p.add_argument("--max-replays", type=int, default=50)
    p.add_argument("--target-s", type=float, default=0.25, help="[s] timed replays a point aims at")
    p.add_argument("--time-budget-s", type=float, default=210.0, help="[s] points past this are skipped, and listed")
    p.add_argument("--dry-run", action="store_true", help="list the points and their memory; needs no GPU or torch")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        models = [read_model(name.strip()) for name in args.models.split(",") if name.strip()]
    except ConfigError as e:
        sys.exit(f"llm_step.py: {e}")
    if args.dry_run:
        dry_run(args, models)
    else:
        run(args, models)


if __name__ == "__main__":
    main()
