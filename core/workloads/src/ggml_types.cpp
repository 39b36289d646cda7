#include "roofline/workloads/ggml_types.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace roofline {

namespace {

// Source: ggml-org/llama.cpp, ggml/include/ggml.h (enum ggml_type, commit 004eaba8) and ggml/src/ggml-common.h
// (block_* structs and their static_asserts, commit aca2e6ce). QK_K = 256; ggml_half is 2 bytes.
// Bytes per block spelled as the struct's fields, so each entry can be checked against ggml-common.h.
constexpr int QK = 32;
constexpr int QK_K = 256;
constexpr int half = 2;

constexpr std::array<GgmlType, 32> kTypes = {{
    {"F32", 0, 1, 4, false},
    {"F16", 1, 1, 2, false},
    {"Q4_0", 2, QK, half + QK / 2, true},
    {"Q4_1", 3, QK, 2 * half + QK / 2, true},
    {"Q5_0", 6, QK, half + 4 + QK / 2, true},
    {"Q5_1", 7, QK, 2 * half + 4 + QK / 2, true},
    {"Q8_0", 8, QK, half + QK, true},
    {"Q8_1", 9, QK, 2 * half + QK, true},
    {"Q2_K", 10, QK_K, QK_K / 16 + QK_K / 4 + 2 * half, true},
    {"Q3_K", 11, QK_K, QK_K / 8 + QK_K / 4 + 12 + half, true},
    {"Q4_K", 12, QK_K, 2 * half + 12 + QK_K / 2, true},
    {"Q5_K", 13, QK_K, 2 * half + 12 + QK_K / 8 + QK_K / 2, true},
    {"Q6_K", 14, QK_K, QK_K / 2 + QK_K / 4 + QK_K / 16 + half, true},
    {"Q8_K", 15, QK_K, 4 + QK_K + QK_K / 16 * 2, true},
    {"IQ2_XXS", 16, QK_K, half + QK_K / 8 * 2, true},
    {"IQ2_XS", 17, QK_K, half + QK_K / 8 * 2 + QK_K / 32, true},
    {"IQ3_XXS", 18, QK_K, half + 3 * (QK_K / 8), true},
    {"IQ1_S", 19, QK_K, half + QK_K / 8 + QK_K / 16, true},
    {"IQ4_NL", 20, QK, half + QK / 2, true},
    {"IQ3_S", 21, QK_K, half + 13 * (QK_K / 32) + QK_K / 64, true},
    {"IQ2_S", 22, QK_K, half + QK_K / 4 + QK_K / 16, true},
    {"IQ4_XS", 23, QK_K, half + 2 + QK_K / 64 + QK_K / 2, true},
    {"I8", 24, 1, 1, false},
    {"I16", 25, 1, 2, false},
    {"I32", 26, 1, 4, false},
    {"I64", 27, 1, 8, false},
    {"F64", 28, 1, 8, false},
    {"IQ1_M", 29, QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32, true},
    {"BF16", 30, 1, 2, false},
    {"TQ1_0", 34, QK_K, (QK_K - 4 * QK_K / 64) / 5 + QK_K / 64 + half, true},
    {"TQ2_0", 35, QK_K, QK_K / 4 + half, true},
    {"MXFP4", 39, QK, 1 + QK / 2, true},
}};

bool same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
}

} // namespace

std::span<const GgmlType> ggml_types()
{
    return kTypes;
}

const GgmlType* find_ggml_type(std::string_view name)
{
    const auto it = std::find_if(kTypes.begin(), kTypes.end(), [&](const GgmlType& t) { return same_name(t.name, name); });
    return it == kTypes.end() ? nullptr : &*it;
}

const GgmlType* find_ggml_type(int id)
{
    const auto it = std::find_if(kTypes.begin(), kTypes.end(), [&](const GgmlType& t) { return t.id == id; });
    return it == kTypes.end() ? nullptr : &*it;
}

} // namespace roofline
