#include "layer_reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <numeric>

namespace rl_cuda {

double half_bits_to_double(uint16_t bits)
{
    const int sign = bits >> 15 ? -1 : 1;
    const int exponent = (bits >> 10) & 0x1F;
    const int mantissa = bits & 0x3FF;
    if (exponent == 0x1F)
        return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
    if (exponent == 0) // subnormal
        return sign * std::ldexp(static_cast<double>(mantissa), -24);
    return sign * std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
}

double bfloat16_bits_to_double(uint16_t bits)
{
    const uint32_t word = static_cast<uint32_t>(bits) << 16;
    float f = 0.0f;
    std::memcpy(&f, &word, sizeof f);
    return f;
}

std::vector<double> decode_activations(const std::vector<unsigned char>& bytes, rl_precision precision)
{
    std::vector<double> out;
    if (precision == RL_PRECISION_FP32) {
        out.resize(bytes.size() / 4);
        for (size_t i = 0; i < out.size(); ++i) {
            float f = 0.0f;
            std::memcpy(&f, bytes.data() + 4 * i, 4);
            out[i] = f;
        }
        return out;
    }
    out.resize(bytes.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        uint16_t bits = 0;
        std::memcpy(&bits, bytes.data() + 2 * i, 2);
        out[i] = precision == RL_PRECISION_BF16 ? bfloat16_bits_to_double(bits) : half_bits_to_double(bits);
    }
    return out;
}

double relative_error(const std::vector<double>& out, const std::vector<double>& ref)
{
    if (out.size() != ref.size())
        return std::numeric_limits<double>::infinity();
    double diff = 0.0, norm = 0.0;
    for (size_t i = 0; i < out.size(); ++i) {
        if (!std::isfinite(out[i]))
            return std::numeric_limits<double>::infinity();
        diff += (out[i] - ref[i]) * (out[i] - ref[i]);
        norm += ref[i] * ref[i];
    }
    return norm > 0.0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

std::vector<double> rmsnorm_reference(const std::vector<double>& x, const std::vector<double>& weight, int64_t rows,
                                      int64_t width, double epsilon)
{
    std::vector<double> y(x.size());
    for (int64_t r = 0; r < rows; ++r) {
        const double* row = x.data() + r * width;
        double squares = 0.0;
        for (int64_t i = 0; i < width; ++i)
            squares += row[i] * row[i];
        const double scale = 1.0 / std::sqrt(squares / static_cast<double>(width) + epsilon);
        for (int64_t i = 0; i < width; ++i)
            y[static_cast<size_t>(r * width + i)] = row[i] * scale * weight[static_cast<size_t>(i)];
    }
    return y;
}

std::vector<double> rope_reference(const std::vector<double>& x, const std::vector<float>& cos_sin, int64_t tokens,
                                   int64_t heads, int64_t head_dim)
{
    const int64_t half = head_dim / 2;
    std::vector<double> out(x.size());
    for (int64_t t = 0; t < tokens; ++t)
        for (int64_t h = 0; h < heads; ++h) {
            const int64_t base = (t * heads + h) * head_dim;
            for (int64_t i = 0; i < half; ++i) {
                const double c = cos_sin[static_cast<size_t>(t * half + i)];
                const double s = cos_sin[static_cast<size_t>(tokens * half + t * half + i)];
                const double a = x[static_cast<size_t>(base + i)], b = x[static_cast<size_t>(base + half + i)];
                out[static_cast<size_t>(base + i)] = a * c - b * s;
                out[static_cast<size_t>(base + half + i)] = b * c + a * s;
            }
        }
    return out;
}

std::vector<double> residual_reference(const std::vector<double>& a, const std::vector<double>& b)
{
    std::vector<double> y(a.size());
    for (size_t i = 0; i < a.size(); ++i)
        y[i] = a[i] + b[i];
    return y;
}

TopkReference topk_reference(const std::vector<double>& logits, int64_t tokens, int64_t experts, int64_t k)
{
    TopkReference ref;
    std::vector<int32_t> order(static_cast<size_t>(experts));
    for (int64_t t = 0; t < tokens; ++t) {
        const double* row = logits.data() + t * experts;
        const double top = *std::max_element(row, row + experts);
        double sum = 0.0;
        for (int64_t e = 0; e < experts; ++e)
            sum += std::exp(row[e] - top);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [row](int32_t a, int32_t b) { return row[a] > row[b]; });
        for (int64_t r = 0; r < k; ++r) {
            const int32_t e = order[static_cast<size_t>(r)];
            ref.indices.push_back(e);
            ref.probs.push_back(std::exp(row[e] - top) / sum);
        }
    }
    return ref;
}

std::vector<double> embedding_reference(const std::vector<double>& table, const std::vector<int32_t>& ids,
                                        int64_t width)
{
    std::vector<double> out;
    out.reserve(ids.size() * static_cast<size_t>(width));
    for (const int32_t id : ids)
        out.insert(out.end(), table.begin() + id * width, table.begin() + (id + 1) * width);
    return out;
}

std::vector<float> rope_table(int64_t tokens, int64_t head_dim, double theta)
{
    const int64_t half = head_dim / 2;
    std::vector<float> table(static_cast<size_t>(2 * tokens * half));
    for (int64_t i = 0; i < half; ++i) {
        const double frequency = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
        for (int64_t t = 0; t < tokens; ++t) {
            const double angle = static_cast<double>(t) * frequency;
            table[static_cast<size_t>(t * half + i)] = static_cast<float>(std::cos(angle));
            table[static_cast<size_t>(tokens * half + t * half + i)] = static_cast<float>(std::sin(angle));
        }
    }
    return table;
}

std::vector<double> silu_mul_reference(const std::vector<double>& gate_up, int64_t rows, int64_t width)
{
    std::vector<double> out(static_cast<size_t>(rows * width));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < width; ++i) {
            const double g = gate_up[static_cast<size_t>(r * 2 * width + i)];
            const double u = gate_up[static_cast<size_t>(r * 2 * width + width + i)];
            out[static_cast<size_t>(r * width + i)] = g / (1.0 + std::exp(-g)) * u;
        }
    return out;
}

std::vector<double> gelu_reference(const std::vector<double>& x)
{
    const double sqrt_2_over_pi = std::sqrt(2.0 / std::numbers::pi);
    std::vector<double> out(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        out[i] = 0.5 * x[i] * (1.0 + std::tanh(sqrt_2_over_pi * (x[i] + 0.044715 * x[i] * x[i] * x[i])));
    return out;
}

} // namespace rl_cuda
