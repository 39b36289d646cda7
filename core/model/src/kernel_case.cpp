#include "roofline/model/kernel_case.h"

#include "roofline/support/json_util.h"

#include <algorithm>
#include <limits>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

KernelType kernel_named(std::string_view name)
{
    const auto kernel = parse_kernel(name);
    if (!kernel)
        throw InputError("unknown kernel '" + std::string(name) + "' (known: " + kernel_names() + ")");
    return *kernel;
}

Precision precision_named(std::string_view name)
{
    const auto precision = parse_precision(name);
    if (!precision)
        throw InputError("unknown precision '" + std::string(name) + "' (known: " + precision_names() + ")");
    return *precision;
}

// Runs `read`; a problem it reports without a place is put at `where`.
template <class Read> auto located(const InputLocation& where, Read&& read)
{
    try {
        return read();
    } catch (const InputError& e) {
        if (!e.where().field.empty())
            throw;
        throw InputError(where, e.problem());
    }
}

// A dimension, located at "shape[i]" when it is refused. The common case (a positive integer) builds no location.
int64_t read_dim(const ordered_json& value, const InputLocation& shape, std::size_t i)
{
    if (value.is_number_unsigned()) {
        const auto u = value.get<uint64_t>();
        if (u > 0 && u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return static_cast<int64_t>(u);
    }
    InputLocation at_dim = shape;
    at_dim.field += "[" + std::to_string(i) + "]";
    return read_positive_integer(value, at_dim);
}

} // namespace

void write_case_json(ordered_json& row, const KernelShape& shape, Precision precision)
{
    row["kernel_type"] = std::string(to_string(kernel_of(shape)));
    row["shape"] = dims_of(shape);
    if (const auto* a = std::get_if<AttentionShape>(&shape)) {
        row["causal"] = a->causal;
        if (a->window > 0)
            row["window"] = a->window;
    }
    if (const auto* f = std::get_if<FfnShape>(&shape))
        row["gated"] = f->gated;
    if (const auto* n = std::get_if<RmsNormShape>(&shape))
        row["residual"] = n->with_residual;
    if (const auto* a = std::get_if<ActivationShape>(&shape)) {
        row["gated"] = a->gated;
        row["activation"] = std::string(to_string(a->kind));
    }
    row["precision"] = std::string(to_string(precision));
}

KernelType read_kernel_json(const ordered_json& value, const InputLocation& where, const KernelChoice* only)
{
    const std::string name = read_string(value, where);
    if (only) {
        const auto kernel = parse_kernel(name);
        if (!kernel || std::find(only->kernels.begin(), only->kernels.end(), *kernel) == only->kernels.end())
            throw InputError(where, "'" + name + "': " + only->refusal);
        return *kernel;
    }
    return located(where, [&] { return kernel_named(name); });
}

Precision read_precision_json(const ordered_json& value, const InputLocation& where)
{
    const std::string name = read_string(value, where);
    return located(where, [&] { return precision_named(name); });
}

KernelShape read_shape_json(KernelType kernel, const ordered_json& dims, bool flag, const InputLocation& where)
{
    return located(where, [&] {
        std::vector<int64_t> values;
        if (dims.is_string()) {
            values = parse_dims(dims.get<std::string>());
        } else if (dims.is_array()) {
            values.reserve(dims.size());
            for (std::size_t i = 0; i < dims.size(); ++i)
                values.push_back(read_dim(dims[i], where, i));
        } else {
            throw InputError("expected a list of dimensions or \"4096x4096\", got " + json_type_name(dims));
        }
        const KernelShape shape = make_shape(kernel, values, flag);
        workload(shape, Precision::FP64); // its checks (a FLOP count past 64 bits) do not depend on the precision
        return shape;
    });
}

KernelCase read_case_json(const ordered_json& row, const FieldLocator& at, const KernelChoice* only)
{
    // One location for the row, its field set as the reading moves on (a locator differs only by field): a big
    // results file reads half a million rows.
    const auto kernel_it = row.find("kernel_type");
    const char* kernel_field = kernel_it != row.end() ? "kernel_type" : "kernel";
    InputLocation where = at(kernel_field);
    const auto field = [&where](const char* name) -> const InputLocation& {
        where.field = name;
        return where;
    };
    const auto kernel_value = kernel_it != row.end() ? kernel_it : row.find("kernel");
    if (kernel_value == row.end())
        throw InputError(field("kernel_type"), "missing (gemv, gemm, attention or ffn)");
    const KernelType kernel = read_kernel_json(*kernel_value, where, only);

    KernelCase c;
    const auto precision = row.find("precision");
    if (precision == row.end())
        throw InputError(field("precision"), "missing");
    c.precision = read_precision_json(*precision, field("precision"));

    const auto shape = row.find("shape");
    if (shape == row.end())
        throw InputError(field("shape"), "missing");
    // FFN and the activation default to gated (SwiGLU); the flag of RMSNorm is its fused residual add.
    bool flag = kernel == KernelType::FFN || kernel == KernelType::Activation;
    const char* flag_field = kernel == KernelType::Attention                                  ? "causal"
                             : kernel == KernelType::FFN || kernel == KernelType::Activation ? "gated"
                             : kernel == KernelType::RMSNorm                                  ? "residual"
                                                                                              : nullptr;
    if (flag_field) {
        if (const auto it = row.find(flag_field); it != row.end())
            flag = read_bool(*it, field(flag_field));
    }
    c.shape = read_shape_json(kernel, *shape, flag, field("shape"));
    if (auto* a = std::get_if<ActivationShape>(&c.shape)) {
        if (const auto it = row.find("activation"); it != row.end()) {
            const std::string name = read_string(*it, field("activation"));
            if (name != "silu" && name != "gelu")
                throw InputError(where, "expected \"silu\" or \"gelu\", got \"" + name + "\"");
            a->kind = name == "gelu" ? ActivationKind::GELU : ActivationKind::SiLU;
        }
    }
    if (auto* a = std::get_if<AttentionShape>(&c.shape)) {
        if (const auto it = row.find("window"); it != row.end()) {
            a->window = read_positive_integer(*it, field("window"));
            located(where, [&] { return workload(c.shape, Precision::FP64); });
        }
    }
    return c;
}

std::array<std::string, 3> case_columns(const KernelShape& shape, Precision precision)
{
    return {std::string(to_string(kernel_of(shape))), format_shape(shape), std::string(to_string(precision))};
}

KernelCase parse_case_columns(std::string_view kernel, std::string_view shape, std::string_view precision)
{
    const KernelType type = kernel_named(kernel);
    return {parse_shape(type, shape), precision_named(precision)};
}

} // namespace roofline
