#include "ggml_ops.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace roofline::ggml_plugin {

namespace {

constexpr float kRmsEps = 1e-6f;
constexpr float kRopeBase = 500000.0f;

std::optional<ggml_type> type_of_precision(int32_t precision)
{
    switch (precision) {
    case RL_PRECISION_FP32: return GGML_TYPE_F32;
    case RL_PRECISION_FP16: return GGML_TYPE_F16;
    case RL_PRECISION_BF16: return GGML_TYPE_BF16;
    case RL_PRECISION_MXFP4: return GGML_TYPE_MXFP4;
    default: return std::nullopt;
    }
}

// Relative error the check allows. A quantized weight's product is checked against the dequantized weights, so only
// the activations' side is rounded: ggml quantizes them to 8 bits (Q8_0/Q8_K on the CPU, Q8_1 in CUDA's MMQ/MMVQ),
// about 0.4 % per element; F16 and BF16 weights round the activations to their own type on the CPU.
double matmul_tolerance(ggml_type w)
{
    if (w == GGML_TYPE_F32)
        return 1e-4;
    if (w == GGML_TYPE_F16)
        return 5e-3;
    if (w == GGML_TYPE_BF16)
        return 1.5e-2;
    return 2e-2;
}

double silu(double x)
{
    return x / (1.0 + std::exp(-x));
}

double gelu_tanh(double x)
{
    return 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

int64_t reduce(int64_t value, int64_t cap)
{
    return std::max<int64_t>(1, std::min(value, cap));
}

std::unique_ptr<Op> matmul(const rl_case& c, ggml_type wt, bool check)
{
    const int64_t k = c.k;
    const int64_t n = check ? reduce(c.n, 256) : c.n;
    // Up to 64 tokens in the check keeps the batch kernels (CUDA switches to MMQ and cuBLAS past 8 tokens).
    const int64_t m = c.kernel == RL_KERNEL_GEMV ? 1 : (check ? reduce(c.m, 64) : c.m);
    auto op = std::make_unique<Op>();
    op->op = "MUL_MAT";
    op->copy_flops = 2.0 * static_cast<double>(n) * static_cast<double>(m) * static_cast<double>(k);
    op->weight_type = wt;
    op->has_weights = true;
    op->copy_bytes = static_cast<double>(ggml_row_size(wt, k)) * static_cast<double>(n);
    op->tolerance = matmul_tolerance(wt);
    struct Tensors { ggml_tensor* w = nullptr; ggml_tensor* x = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* w = g.weight(copy, wt, k, n);
        ggml_tensor* x = g.shared("x", GGML_TYPE_F32, Fill::Uniform, 0, k, m);
        if (copy == 0)
            *t = {w, x};
        g.output(ggml_mul_mat(g.context(), w, x));
    };
    op->reference = [=](const Graph& g) {
        const auto& w = g.host(t->w);
        const auto& x = g.host(t->x);
        std::vector<double> out(static_cast<size_t>(n * m));
        for (int64_t j = 0; j < m; ++j)
            for (int64_t i = 0; i < n; ++i) {
                double sum = 0;
                for (int64_t l = 0; l < k; ++l)
                    sum += static_cast<double>(w[static_cast<size_t>(i * k + l)]) * x[static_cast<size_t>(j * k + l)];
                out[static_cast<size_t>(j * n + i)] = sum;
            }
        return out;
    };
    return op;
}

std::unique_ptr<Op> expert_matmul(const rl_case& c, ggml_type wt, bool check)
{
    const int64_t k = c.k;
    const int64_t n = check ? reduce(c.n, 128) : c.n;
    const int64_t experts = check ? reduce(c.experts, 16) : c.experts;
    const int64_t used = std::min(c.experts_used, experts);
    const int64_t tokens = check ? reduce(c.m, 32) : c.m;
    auto op = std::make_unique<Op>();
    op->op = "MUL_MAT_ID";
    op->copy_flops = 2.0 * static_cast<double>(n * used * tokens) * static_cast<double>(k);
    op->weight_type = wt;
    op->has_weights = true;
    op->copy_bytes = static_cast<double>(ggml_row_size(wt, k)) * static_cast<double>(n * experts);
    op->tolerance = matmul_tolerance(wt);
    struct Tensors { ggml_tensor* w = nullptr; ggml_tensor* x = nullptr; ggml_tensor* ids = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* w = g.weight(copy, wt, k, n, experts);
        // As llama.cpp's MoE FFN passes the tokens: [n_embd, 1, n_tokens], each token broadcast to its experts.
        ggml_tensor* x = g.shared("x", GGML_TYPE_F32, Fill::Uniform, 0, k, 1, tokens);
        ggml_tensor* ids = g.shared("ids", GGML_TYPE_I32, Fill::ExpertIds, experts, used, tokens);
        if (copy == 0)
            *t = {w, x, ids};
        g.output(ggml_mul_mat_id(g.context(), w, x, ids));
    };
    op->reference = [=](const Graph& g) {
        const auto& w = g.host(t->w);
        const auto& x = g.host(t->x);
        const auto& ids = g.host(t->ids);
        std::vector<double> out(static_cast<size_t>(n * used * tokens));
        for (int64_t tok = 0; tok < tokens; ++tok)
            for (int64_t u = 0; u < used; ++u) {
                const auto e = static_cast<int64_t>(ids[static_cast<size_t>(tok * used + u)]);
                for (int64_t i = 0; i < n; ++i) {
                    double sum = 0;
                    for (int64_t l = 0; l < k; ++l)
                        sum += static_cast<double>(w[static_cast<size_t>((e * n + i) * k + l)]) * x[static_cast<size_t>(tok * k + l)];
                    out[static_cast<size_t>((tok * used + u) * n + i)] = sum;
                }
            }
        return out;
    };
    return op;
}

std::unique_ptr<Op> attention(const rl_case& c, ggml_type cache, bool check)
{
    const int64_t d = c.head_dim;
    const int64_t group = c.heads / c.kv_heads;
    const int64_t kv_heads = check ? reduce(c.kv_heads, 2) : c.kv_heads;
    const int64_t heads = kv_heads * group;
    const int64_t batch = check ? 1 : c.batch;
    const int64_t q_len = check ? reduce(c.query_len, 16) : c.query_len;
    // The check keeps the queries' place at the end of the keys, so a causal prefill stays one.
    const int64_t kv_len = check ? reduce(c.kv_len, c.query_len == c.kv_len ? q_len : 256) : c.kv_len;
    const bool masked = c.causal != 0 || c.window > 0;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    auto op = std::make_unique<Op>();
    op->op = "FLASH_ATTN_EXT";
    op->copy_flops = 4.0 * static_cast<double>(batch * heads * q_len * kv_len * d) / (masked && q_len > 1 ? 2.0 : 1.0);
    op->weight_type = cache;
    op->copy_bytes = 2.0 * static_cast<double>(ggml_row_size(cache, d)) * static_cast<double>(kv_len * kv_heads * batch);
    op->tolerance = cache == GGML_TYPE_F16 || cache == GGML_TYPE_F32 ? 1e-2 : 2e-2;
    struct Tensors { ggml_tensor *q = nullptr, *k = nullptr, *v = nullptr, *mask = nullptr; };
    auto t = std::make_shared<Tensors>();
    const int64_t window = c.window;
    op->build = [=](Graph& g, int copy) {
        // A layer's K and V caches are its own: each copy has its own, as each layer of a model does.
        ggml_tensor* k = g.weight(copy, cache, d, kv_len, kv_heads, batch);
        ggml_tensor* v = g.weight(copy, cache, d, kv_len, kv_heads, batch);
        ggml_tensor* q = g.shared("q", GGML_TYPE_F32, Fill::Uniform, 0, d, q_len, heads, batch);
        ggml_tensor* mask = masked ? g.shared("mask", GGML_TYPE_F16, Fill::CausalMask, window, kv_len, q_len, 1, batch) : nullptr;
        if (copy == 0)
            *t = {q, k, v, mask};
        ggml_tensor* out = ggml_flash_attn_ext(g.context(), q, k, v, mask, scale, 0.0f, 0.0f);
        ggml_flash_attn_ext_set_prec(out, GGML_PREC_F32);
        g.output(out);
    };
    op->reference = [=](const Graph& g) {
        const auto& q = g.host(t->q);
        const auto& k = g.host(t->k);
        const auto& v = g.host(t->v);
        const std::vector<float>* mask = t->mask ? &g.host(t->mask) : nullptr;
        std::vector<double> out(static_cast<size_t>(d * heads * q_len * batch));
        std::vector<double> s(static_cast<size_t>(kv_len));
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t h = 0; h < heads; ++h)
                for (int64_t i = 0; i < q_len; ++i) {
                    const int64_t hk = h / group;
                    const float* qi = &q[static_cast<size_t>(((b * heads + h) * q_len + i) * d)];
                    double max = -INFINITY;
                    for (int64_t j = 0; j < kv_len; ++j) {
                        const float* kj = &k[static_cast<size_t>(((b * kv_heads + hk) * kv_len + j) * d)];
                        double dot = 0;
                        for (int64_t l = 0; l < d; ++l)
                            dot += static_cast<double>(qi[l]) * kj[l];
                        s[static_cast<size_t>(j)] = dot * scale + (mask ? (*mask)[static_cast<size_t>((b * q_len + i) * kv_len + j)] : 0.0f);
                        max = std::max(max, s[static_cast<size_t>(j)]);
                    }
                    double sum = 0;
                    for (double& x : s) {
                        x = std::isinf(x) ? 0.0 : std::exp(x - max);
                        sum += x;
                    }
                    for (int64_t l = 0; l < d; ++l) {
                        double o = 0;
                        for (int64_t j = 0; j < kv_len; ++j)
                            o += s[static_cast<size_t>(j)] * v[static_cast<size_t>(((b * kv_heads + hk) * kv_len + j) * d + l)];
                        // FLASH_ATTN_EXT writes [d, heads, q, batch].
                        out[static_cast<size_t>(((b * q_len + i) * heads + h) * d + l)] = o / sum;
                    }
                }
        return out;
    };
    return op;
}

std::unique_ptr<Op> rms_norm(const rl_case& c, bool check)
{
    const int64_t rows = check ? reduce(c.m, 16) : c.m;
    const int64_t width = c.n;
    const bool residual = c.gated != 0;
    auto op = std::make_unique<Op>();
    op->op = residual ? "ADD+RMS_NORM+MUL" : "RMS_NORM+MUL";
    op->copy_bytes = static_cast<double>(width * (1 + rows * (residual ? 2 : 1))) * 4;
    op->tolerance = 1e-5;
    struct Tensors { ggml_tensor *x = nullptr, *r = nullptr, *w = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* x = g.weight(copy, GGML_TYPE_F32, width, rows);
        ggml_tensor* r = residual ? g.weight(copy, GGML_TYPE_F32, width, rows) : nullptr;
        ggml_tensor* w = g.weight(copy, GGML_TYPE_F32, width, 1);
        if (copy == 0)
            *t = {x, r, w};
        ggml_tensor* in = residual ? ggml_add(g.context(), x, r) : x;
        g.output(ggml_mul(g.context(), ggml_rms_norm(g.context(), in, kRmsEps), w));
    };
    op->reference = [=](const Graph& g) {
        const auto& x = g.host(t->x);
        const auto& w = g.host(t->w);
        std::vector<double> out(static_cast<size_t>(rows * width));
        for (int64_t r = 0; r < rows; ++r) {
            double squares = 0;
            for (int64_t i = 0; i < width; ++i) {
                const size_t at = static_cast<size_t>(r * width + i);
                const double v = x[at] + (t->r ? g.host(t->r)[at] : 0.0f);
                out[at] = v;
                squares += v * v;
            }
            const double inv = 1.0 / std::sqrt(squares / static_cast<double>(width) + kRmsEps);
            for (int64_t i = 0; i < width; ++i)
                out[static_cast<size_t>(r * width + i)] *= inv * w[static_cast<size_t>(i)];
        }
        return out;
    };
    return op;
}

std::unique_ptr<Op> rope(const rl_case& c, bool check)
{
    const int64_t tokens = check ? reduce(c.m, 8) : c.m;
    const int64_t heads = check ? reduce(c.n, 4) : c.n;
    const int64_t d = c.k;
    auto op = std::make_unique<Op>();
    op->op = "ROPE";
    op->copy_bytes = static_cast<double>(d * heads * tokens) * 4;
    op->tolerance = 1e-4;
    struct Tensors { ggml_tensor *x = nullptr, *pos = nullptr; };
    auto t = std::make_shared<Tensors>();
    constexpr int64_t kFirstPosition = 1000; // away from 0, where the rotation would be the identity
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* x = g.weight(copy, GGML_TYPE_F32, d, heads, tokens);
        ggml_tensor* pos = g.shared("pos", GGML_TYPE_I32, Fill::Positions, kFirstPosition, tokens);
        if (copy == 0)
            *t = {x, pos};
        g.output(ggml_rope_ext(g.context(), x, pos, nullptr, static_cast<int>(d), GGML_ROPE_TYPE_NEOX, 0, kRopeBase, 1.0f,
                               0.0f, 1.0f, 32.0f, 1.0f));
    };
    op->reference = [=](const Graph& g) {
        const auto& x = g.host(t->x);
        const auto& pos = g.host(t->pos);
        std::vector<double> out(static_cast<size_t>(d * heads * tokens));
        const int64_t half = d / 2;
        for (int64_t tok = 0; tok < tokens; ++tok)
            for (int64_t h = 0; h < heads; ++h) {
                const size_t base = static_cast<size_t>((tok * heads + h) * d);
                for (int64_t i = 0; i < half; ++i) {
                    const double theta = pos[static_cast<size_t>(tok)] * std::pow(static_cast<double>(kRopeBase), -2.0 * static_cast<double>(i) / static_cast<double>(d));
                    const double a = x[base + static_cast<size_t>(i)], b = x[base + static_cast<size_t>(i + half)];
                    out[base + static_cast<size_t>(i)] = a * std::cos(theta) - b * std::sin(theta);
                    out[base + static_cast<size_t>(i + half)] = a * std::sin(theta) + b * std::cos(theta);
                }
            }
        return out;
    };
    return op;
}

std::unique_ptr<Op> add(const rl_case& c, bool check)
{
    const int64_t n = check ? reduce(c.n, 1 << 16) : c.n;
    auto op = std::make_unique<Op>();
    op->op = "ADD";
    op->copy_bytes = static_cast<double>(n) * 8;
    op->tolerance = 1e-7;
    struct Tensors { ggml_tensor *a = nullptr, *b = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* a = g.weight(copy, GGML_TYPE_F32, n, 1);
        ggml_tensor* b = g.weight(copy, GGML_TYPE_F32, n, 1);
        if (copy == 0)
            *t = {a, b};
        g.output(ggml_add(g.context(), a, b));
    };
    op->reference = [=](const Graph& g) {
        const auto& a = g.host(t->a);
        const auto& b = g.host(t->b);
        std::vector<double> out(a.size());
        for (size_t i = 0; i < a.size(); ++i)
            out[i] = static_cast<double>(a[i]) + b[i];
        return out;
    };
    return op;
}

std::unique_ptr<Op> activation(const rl_case& c, bool check)
{
    const int64_t tokens = check ? reduce(c.m, 16) : c.m;
    const int64_t width = c.n;
    const bool gated = c.gated != 0;
    auto op = std::make_unique<Op>();
    op->op = gated ? "GLU(SWIGLU)" : "UNARY(GELU)";
    // The CPU backend's GELU reads a table of F16 values.
    op->tolerance = gated ? 1e-5 : 5e-3;
    op->copy_bytes = static_cast<double>((gated ? 2 : 1) * width * tokens) * 4;
    struct Tensors { ggml_tensor* x = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* x = g.weight(copy, GGML_TYPE_F32, gated ? 2 * width : width, tokens);
        if (copy == 0)
            t->x = x;
        g.output(gated ? ggml_swiglu(g.context(), x) : ggml_gelu(g.context(), x));
    };
    op->reference = [=](const Graph& g) {
        const auto& x = g.host(t->x);
        std::vector<double> out(static_cast<size_t>(width * tokens));
        const int64_t row = gated ? 2 * width : width;
        for (int64_t tok = 0; tok < tokens; ++tok)
            for (int64_t i = 0; i < width; ++i) {
                const double a = x[static_cast<size_t>(tok * row + i)];
                out[static_cast<size_t>(tok * width + i)] = gated ? silu(a) * x[static_cast<size_t>(tok * row + width + i)] : gelu_tanh(a);
            }
        return out;
    };
    return op;
}

std::unique_ptr<Op> get_rows(const rl_case& c, ggml_type table, bool check)
{
    const int64_t tokens = check ? reduce(c.m, 16) : c.m;
    const int64_t rows = check ? reduce(c.n, 1024) : c.n;
    const int64_t width = c.k;
    auto op = std::make_unique<Op>();
    op->op = "GET_ROWS";
    op->weight_type = table;
    op->has_weights = true;
    op->copy_bytes = static_cast<double>(ggml_row_size(table, width)) * static_cast<double>(rows);
    op->tolerance = 1e-6;
    struct Tensors { ggml_tensor *table = nullptr, *ids = nullptr; };
    auto t = std::make_shared<Tensors>();
    op->build = [=](Graph& g, int copy) {
        ggml_tensor* w = g.weight(copy, table, width, rows);
        ggml_tensor* ids = g.shared("ids", GGML_TYPE_I32, Fill::RowIds, rows, tokens);
        if (copy == 0)
            *t = {w, ids};
        g.output(ggml_get_rows(g.context(), w, ids));
    };
    op->reference = [=](const Graph& g) {
        const auto& w = g.host(t->table);
        const auto& ids = g.host(t->ids);
        std::vector<double> out(static_cast<size_t>(tokens * width));
        for (int64_t tok = 0; tok < tokens; ++tok)
            for (int64_t i = 0; i < width; ++i)
                out[static_cast<size_t>(tok * width + i)] = w[static_cast<size_t>(static_cast<int64_t>(ids[static_cast<size_t>(tok)]) * width + i)];
        return out;
    };
    return op;
}

std::string block_problem(ggml_type type, int64_t row)
{
    const int64_t block = ggml_blck_size(type);
    if (block > 1 && row % block != 0)
        return "a row of " + std::to_string(row) + " is not a whole number of " + ggml_type_name(type) + " blocks of "
            + std::to_string(block) + " (llama.cpp stores such a tensor in another type)";
    return {};
}

} // namespace

std::string weight_type_name(const rl_case& c)
{
    if (c.weight_format == RL_WEIGHT_FORMAT_GGML)
        return c.weight_type >= 0 && c.weight_type < GGML_TYPE_COUNT ? ggml_type_name(static_cast<ggml_type>(c.weight_type)) : "?";
    const auto t = type_of_precision(c.precision);
    return t ? ggml_type_name(*t) : "?";
}

std::unique_ptr<Op> make_op(const rl_case& c, bool check, std::string& why, rl_status& status)
{
    status = RL_STATUS_UNSUPPORTED;
    std::optional<ggml_type> weights;
    if (c.weight_format == RL_WEIGHT_FORMAT_GGML) {
        const auto* traits = c.weight_type >= 0 && c.weight_type < GGML_TYPE_COUNT ? ggml_get_type_traits(static_cast<ggml_type>(c.weight_type)) : nullptr;
        if (!traits || traits->blck_size == 0 || !traits->type_name) {
            why = "weight_type " + std::to_string(c.weight_type) + " is not a ggml type of this build";
            return nullptr;
        }
        weights = static_cast<ggml_type>(c.weight_type);
        if (ggml_quantize_requires_imatrix(*weights)) {
            why = std::string(ggml_type_name(*weights)) + " needs an importance matrix to quantize; the plugin quantizes random weights without one";
            return nullptr;
        }
    } else if (c.weight_format != RL_WEIGHT_FORMAT_PRECISION) {
        why = "unknown weight_format " + std::to_string(c.weight_format);
        return nullptr;
    }
    auto positive = [&](std::initializer_list<int64_t> dims) {
        for (int64_t v : dims)
            if (v <= 0 || v > (int64_t{1} << 31)) {
                status = RL_STATUS_INVALID_ARGUMENT;
                why = "a dimension is not in 1 .. 2^31";
                return false;
            }
        return true;
    };
    const bool matmul_kind = c.kernel == RL_KERNEL_GEMV || c.kernel == RL_KERNEL_GEMM || c.kernel == RL_KERNEL_EXPERT_GEMM;
    // llama.cpp's activations are F32 throughout; the weights carry their own type.
    if (matmul_kind || c.kernel == RL_KERNEL_RMSNORM || c.kernel == RL_KERNEL_ROPE || c.kernel == RL_KERNEL_RESIDUAL
        || c.kernel == RL_KERNEL_ACTIVATION) {
        if (c.precision != RL_PRECISION_FP32) {
            why = "llama.cpp's activations are F32: ggml cases name precision FP32 and the weights' ggml type in weight_type";
            return nullptr;
        }
    }
    std::string problem;
    switch (c.kernel) {
    case RL_KERNEL_GEMV:
    case RL_KERNEL_GEMM:
    case RL_KERNEL_EXPERT_GEMM: {
        const ggml_type wt = weights.value_or(GGML_TYPE_F32);
        if (!positive({c.kernel == RL_KERNEL_GEMV ? 1 : c.m, c.n, c.k}))
            return nullptr;
        if (!(problem = block_problem(wt, c.k)).empty()) {
            why = problem;
            return nullptr;
        }
        status = RL_STATUS_OK;
        if (c.kernel != RL_KERNEL_EXPERT_GEMM)
            return matmul(c, wt, check);
        if (!positive({c.experts, c.experts_used}) || c.experts_used > c.experts) {
            status = RL_STATUS_INVALID_ARGUMENT;
            why = "experts_used must be 1 .. experts";
            return nullptr;
        }
        return expert_matmul(c, wt, check);
    }
    case RL_KERNEL_ATTENTION: {
        if (!positive({c.batch, c.heads, c.kv_heads, c.query_len, c.kv_len, c.head_dim}))
            return nullptr;
        if (c.heads % c.kv_heads != 0 || c.query_len > c.kv_len) {
            status = RL_STATUS_INVALID_ARGUMENT;
            why = "heads must be a multiple of kv_heads and query_len at most kv_len";
            return nullptr;
        }
        const auto cache = weights ? weights : type_of_precision(c.precision);
        if (!cache || *cache == GGML_TYPE_MXFP4) {
            why = "the KV cache is F16 (precision FP16), BF16, F32 or a ggml type in weight_type (Q8_0)";
            return nullptr;
        }
        if (!(problem = block_problem(*cache, c.head_dim)).empty()) {
            why = problem;
            return nullptr;
        }
        status = RL_STATUS_OK;
        return attention(c, *cache, check);
    }
    case RL_KERNEL_RMSNORM:
        if (!positive({c.m, c.n}))
            return nullptr;
        status = RL_STATUS_OK;
        return rms_norm(c, check);
    case RL_KERNEL_ROPE:
        if (!positive({c.m, c.n, c.k}))
            return nullptr;
        if (c.k % 2) {
            status = RL_STATUS_INVALID_ARGUMENT;
            why = "RoPE's head_dim must be even";
            return nullptr;
        }
        status = RL_STATUS_OK;
        return rope(c, check);
    case RL_KERNEL_RESIDUAL:
        if (!positive({c.n}))
            return nullptr;
        status = RL_STATUS_OK;
        return add(c, check);
    case RL_KERNEL_ACTIVATION:
        if (!positive({c.m, c.n}))
            return nullptr;
        status = RL_STATUS_OK;
        return activation(c, check);
    case RL_KERNEL_EMBEDDING: {
        if (!positive({c.m, c.n, c.k}))
            return nullptr;
        const auto table = weights ? weights : type_of_precision(c.precision);
        if (!table) {
            why = "the embedding table is F32, F16, BF16 or a ggml type in weight_type";
            return nullptr;
        }
        if (!(problem = block_problem(*table, c.k)).empty()) {
            why = problem;
            return nullptr;
        }
        status = RL_STATUS_OK;
        return get_rows(c, *table, check);
    }
    default:
        why = "the ggml plugin runs MUL_MAT (gemv, gemm), MUL_MAT_ID (expert_gemm), FLASH_ATTN_EXT (attention), "
              "RMS_NORM, ROPE, ADD, SwiGLU/GELU and GET_ROWS; not kernel " + std::to_string(c.kernel);
        return nullptr;
    }
}

} // namespace roofline::ggml_plugin
