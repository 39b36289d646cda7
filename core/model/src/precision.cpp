#include "roofline/model/precision.h"

#include "roofline/abi/plugin_abi.h"

#include <algorithm>
#include <cctype>

namespace roofline {

static_assert(static_cast<int>(Precision::FP64) == RL_PRECISION_FP64);
static_assert(static_cast<int>(Precision::TF32) == RL_PRECISION_TF32);
static_assert(static_cast<int>(Precision::FP8_E4M3) == RL_PRECISION_FP8_E4M3);
static_assert(static_cast<int>(Precision::MXFP8) == RL_PRECISION_MXFP8);
static_assert(static_cast<int>(Precision::NVFP4) == RL_PRECISION_NVFP4);
static_assert(static_cast<int>(Precision::INT8) == RL_PRECISION_INT8);
static_assert(static_cast<int>(Precision::INT4) == RL_PRECISION_INT4);

namespace {

// Block-scaled formats carry one scale per block, counted in bytes per element:
//   MXFP8: E4M3 element (1 B) + one E8M0 scale (1 B) per 32 elements  -> 1 + 1/32
//   NVFP4: E2M1 element (0.5 B) + one E4M3 scale (1 B) per 16 elements -> 0.5 + 1/16
//   MXFP4: E2M1 element (0.5 B) + one E8M0 scale (1 B) per 32 elements -> 0.5 + 1/32
// (OCP Microscaling spec v1.0; NVIDIA Blackwell NVFP4.) NVFP4's one FP32 per-tensor scale is negligible.
// Output types are what cuBLAS(Lt) products write by default: low-precision floats to BF16, integers to INT32.
const PrecisionInfo kInfo[] = {
    {Precision::FP64, "FP64", 8, "FP64", 8, false, "IEEE binary64"},
    {Precision::FP32, "FP32", 4, "FP32", 4, false, "IEEE binary32"},
    {Precision::TF32, "TF32", 4, "FP32", 4, false, "FP32 storage, 10-bit mantissa in the tensor cores"},
    {Precision::BF16, "BF16", 2, "BF16", 2, false, "bfloat16"},
    {Precision::FP16, "FP16", 2, "FP16", 2, false, "IEEE binary16"},
    {Precision::FP8_E4M3, "FP8_E4M3", 1, "BF16", 2, false, "FP8 E4M3 with a per-tensor scale"},
    {Precision::FP8_E5M2, "FP8_E5M2", 1, "BF16", 2, false, "FP8 E5M2 with a per-tensor scale"},
    {Precision::MXFP8, "MXFP8", 1.0 + 1.0 / 32, "BF16", 2, false, "E4M3 + one E8M0 scale per 32 elements"},
    {Precision::NVFP4, "NVFP4", 0.5 + 1.0 / 16, "BF16", 2, false, "E2M1 + one E4M3 scale per 16 elements"},
    {Precision::MXFP4, "MXFP4", 0.5 + 1.0 / 32, "BF16", 2, false, "E2M1 + one E8M0 scale per 32 elements"},
    {Precision::INT8, "INT8", 1, "INT32", 4, true, "8-bit integer, INT32 accumulate"},
    {Precision::INT4, "INT4", 0.5, "INT32", 4, true, "4-bit integer, INT32 accumulate"},
};

std::string upper(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '-' || c == ' ')
            c = '_';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace

const PrecisionInfo& info(Precision p)
{
    return kInfo[static_cast<int>(p)];
}

std::string_view to_string(Precision p)
{
    return info(p).name;
}

std::optional<Precision> parse_precision(std::string_view text)
{
    const std::string name = upper(text);
    for (const auto& i : kInfo) {
        if (name == i.name)
            return i.precision;
    }
    struct Alias {
        std::string_view name;
        Precision precision;
    };
    static constexpr Alias kAliases[] = {
        {"FP8", Precision::FP8_E4M3},       {"E4M3", Precision::FP8_E4M3},
        {"FP8E4M3", Precision::FP8_E4M3},   {"E5M2", Precision::FP8_E5M2},
        {"FP8E5M2", Precision::FP8_E5M2},   {"BFLOAT16", Precision::BF16},
        {"HALF", Precision::FP16},          {"FLOAT16", Precision::FP16},
        {"FLOAT", Precision::FP32},         {"FLOAT32", Precision::FP32},
        {"DOUBLE", Precision::FP64},        {"FLOAT64", Precision::FP64},
        {"FP4", Precision::NVFP4},
    };
    for (const auto& a : kAliases) {
        if (name == a.name)
            return a.precision;
    }
    return std::nullopt;
}

std::string precision_names()
{
    std::string out;
    for (const auto& i : kInfo) {
        if (!out.empty())
            out += ", ";
        out += i.name;
    }
    return out;
}

} // namespace roofline
