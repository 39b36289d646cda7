#include "roofline/kernel_case.h"

#include "json_util.h"

#include <algorithm>

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
            for (std::size_t i = 0; i < dims.size(); ++i) {
                InputLocation at_dim = where;
                at_dim.field += "[" + std::to_string(i) + "]";
                values.push_back(read_positive_integer(dims[i], at_dim));
            }
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
    const char* kernel_field = row.contains("kernel_type") ? "kernel_type" : "kernel";
    if (!row.contains(kernel_field))
        throw InputError(at("kernel_type"), "missing (gemv, gemm, attention or ffn)");
    const KernelType kernel = read_kernel_json(row[kernel_field], at(kernel_field), only);

    KernelCase c;
    if (!row.contains("precision"))
        throw InputError(at("precision"), "missing");
    c.precision = read_precision_json(row["precision"], at("precision"));

    if (!row.contains("shape"))
        throw InputError(at("shape"), "missing");
    // FFN and the activation default to gated (SwiGLU); the flag of RMSNorm is its fused residual add.
    bool flag = kernel == KernelType::FFN || kernel == KernelType::Activation;
    const char* flag_field = kernel == KernelType::Attention                                  ? "causal"
                             : kernel == KernelType::FFN || kernel == KernelType::Activation ? "gated"
                             : kernel == KernelType::RMSNorm                                  ? "residual"
                                                                                              : nullptr;
    if (flag_field && row.contains(flag_field))
        flag = read_bool(row[flag_field], at(flag_field));
    c.shape = read_shape_json(kernel, row["shape"], flag, at("shape"));
    if (auto* a = std::get_if<ActivationShape>(&c.shape); a && row.contains("activation")) {
        const std::string name = read_string(row["activation"], at("activation"));
        if (name != "silu" && name != "gelu")
            throw InputError(at("activation"), "expected \"silu\" or \"gelu\", got \"" + name + "\"");
        a->kind = name == "gelu" ? ActivationKind::GELU : ActivationKind::SiLU;
    }
    if (auto* a = std::get_if<AttentionShape>(&c.shape); a && row.contains("window")) {
        a->window = read_positive_integer(row["window"], at("window"));
        located(at("window"), [&] { return workload(c.shape, Precision::FP64); });
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
