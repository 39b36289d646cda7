#pragma once
// A kernel case (kernel, shape with attention's `causal` and FFN's `gated`, precision) as every file of the project
// holds it: results files, plan files, JSON reports and CSV. One writer and one reader for each form, so that a
// flag written in one place is read in every other.

#include "roofline/support/errors.h"
#include "roofline/model/kernels.h"
#include "roofline/model/precision.h"

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

struct KernelCase {
    KernelShape shape;
    Precision precision = Precision::FP16;

    bool operator==(const KernelCase&) const = default;
};

// The JSON fields of a case: "kernel_type" (read as "kernel" too), "shape", "causal" and "window" (attention),
// "gated" (FFN, activation), "residual" (RMSNorm), "activation" ("silu" or "gelu"), "precision". A reader that keeps
// the other fields of a row knows these as read.
inline constexpr std::array<std::string_view, 9> kCaseFields = {"kernel_type", "kernel",   "shape",      "causal",   "window",
                                                                "gated",       "residual", "activation", "precision"};

// Appends {"kernel_type", "shape": [dims], "causal" (+ "window" when there is one) | "gated" | "residual" |
// "gated" and "activation", "precision"} to `row`, in that order.
void write_case_json(nlohmann::ordered_json& row, const KernelShape& shape, Precision precision);

// The kernels a reader accepts, and what it says of any other. Null: every kernel this build knows.
struct KernelChoice {
    std::vector<KernelType> kernels;
    std::string refusal; // "the plugins benchmark gemv and gemm"
};

// Locates a problem at one field of the row being read; the locations of one row differ only by their field.
using FieldLocator = std::function<InputLocation(const std::string& field)>;

// Reads a case written by write_case_json, leniently: "kernel" for "kernel_type", the shape as a list or as
// "4096x4096", the precision in any case. FFN is gated unless "gated" says otherwise. The shape is checked for
// its work too (a FLOP count past 64 bits), so a bad case is refused where it stands. Throws InputError.
KernelCase read_case_json(const nlohmann::ordered_json& row, const FieldLocator& at, const KernelChoice* only = nullptr);

// The parts read_case_json is made of, for formats that list kernels, shapes and precisions apart (a plan's
// shorthand). A bad dimension is located at where.field + "[i]".
KernelType read_kernel_json(const nlohmann::ordered_json& value, const InputLocation& where, const KernelChoice* only = nullptr);
Precision read_precision_json(const nlohmann::ordered_json& value, const InputLocation& where);
KernelShape read_shape_json(KernelType kernel, const nlohmann::ordered_json& dims, bool flag, const InputLocation& where);

// The case as the kernel, shape and precision columns of a CSV record or a table: "attention",
// "1x8x8x512x512x64,causal", "FP16".
std::array<std::string, 3> case_columns(const KernelShape& shape, Precision precision);
// Reads those three columns back. Throws InputError without a location.
KernelCase parse_case_columns(std::string_view kernel, std::string_view shape, std::string_view precision);

} // namespace roofline
