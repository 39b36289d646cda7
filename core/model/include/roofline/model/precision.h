#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace roofline {

// Values match rl_precision in plugin_abi.h (checked by a static_assert in precision.cpp).
enum class Precision {
    FP64,
    FP32,
    TF32,
    BF16,
    FP16,
    FP8_E4M3,
    FP8_E5M2,
    MXFP8,
    NVFP4,
    MXFP4,
    INT8,
    INT4,
};

inline constexpr std::array<Precision, 12> kAllPrecisions = {
    Precision::FP64,  Precision::FP32,  Precision::TF32,     Precision::BF16,
    Precision::FP16,  Precision::FP8_E4M3, Precision::FP8_E5M2, Precision::MXFP8,
    Precision::NVFP4, Precision::MXFP4, Precision::INT8,     Precision::INT4,
};

struct PrecisionInfo {
    Precision precision;
    std::string_view name;        // as the plan writes it: "FP8_E4M3"
    double bytes_per_element;     // [bytes], block-scale bytes included for MX/NV formats
    std::string_view output_type; // the type a product in this precision writes by default: "BF16", "INT32"
    double output_bytes_per_element; // [bytes]
    bool is_integer;
    std::string_view storage;     // how an element is stored, for tooltips and docs
};

const PrecisionInfo& info(Precision p);
std::string_view to_string(Precision p);

// Case-insensitive; accepts the plan's names and a few common spellings ("fp8" -> FP8_E4M3, "e5m2").
std::optional<Precision> parse_precision(std::string_view text);

// A comma-separated list of every name parse_precision accepts as canonical, for error messages.
std::string precision_names();

} // namespace roofline
