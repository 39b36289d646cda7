#include "ggml_graph.h"

#include "roofline/abi/plugin_abi_rules.h"

#include <ggml-alloc.h>
#include <ggml-cpu.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace roofline::ggml_plugin {

namespace abi = roofline::abi;

namespace {

constexpr int64_t kPoolRows = 64; // distinct random rows a filled tensor is tiled from

uint64_t splitmix64(uint64_t& state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::vector<float> uniform(int64_t count, uint64_t seed)
{
    std::vector<float> out(static_cast<size_t>(count));
    uint64_t state = seed;
    for (float& v : out)
        v = static_cast<float>(static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53 * 2.0 - 1.0);
    return out;
}

std::vector<float> to_float(ggml_type type, const void* data, int64_t count)
{
    std::vector<float> out(static_cast<size_t>(count));
    if (type == GGML_TYPE_F32) {
        std::memcpy(out.data(), data, out.size() * sizeof(float));
        return out;
    }
    const ggml_type_traits* traits = ggml_get_type_traits(type);
    if (!traits || !traits->to_float)
        throw abi::StatusError(RL_STATUS_UNSUPPORTED, std::string("ggml has no to_float for ") + ggml_type_name(type));
    traits->to_float(data, out.data(), count);
    return out;
}

int64_t rows_of(const ggml_tensor* t)
{
    return t->ne[1] * t->ne[2] * t->ne[3];
}

} // namespace

Graph::Graph(const Backend& backend, ggml_backend_t on, int copies, bool distinct_weights, uint64_t seed, bool check)
    : backend_(backend), on_(on), copies_(std::max(1, copies)), distinct_(distinct_weights), seed_(seed), check_(check)
{
    const size_t tensors = static_cast<size_t>(copies_) * 24 + 64;
    const size_t graph_size = std::max<size_t>(GGML_DEFAULT_GRAPH_SIZE, static_cast<size_t>(copies_) * 16);
    ggml_init_params params{ggml_tensor_overhead() * tensors + ggml_graph_overhead_custom(graph_size, false), nullptr, true};
    ctx_ = ggml_init(params);
    ggml_init_params wparams{ggml_tensor_overhead() * tensors, nullptr, true};
    weights_ctx_ = ggml_init(wparams);
    if (!ctx_ || !weights_ctx_)
        throw abi::StatusError(RL_STATUS_FAILED, "ggml_init failed");
    graph_ = ggml_new_graph_custom(ctx_, graph_size, false);
}

Graph::~Graph()
{
    for (ggml_backend_buffer_t b : buffers_)
        ggml_backend_buffer_free(b);
    if (ctx_)
        ggml_free(ctx_);
    if (weights_ctx_)
        ggml_free(weights_ctx_);
}

ggml_tensor* Graph::weight(int copy, ggml_type type, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3)
{
    if (copy == 0 || distinct_) {
        if (copy != last_weight_copy_) {
            last_weight_copy_ = copy;
            weight_index_ = 0;
        }
        ggml_tensor* t = ggml_new_tensor_4d(weights_ctx_, type, ne0, ne1, ne2, ne3);
        // The same pool (and seed) for the same weight of every copy; the copies differ by where their rows start.
        inputs_.push_back({t, Fill::Uniform, 0, true, copy, static_cast<int>(weight_index_++)});
        if (copy == 0)
            copy0_weights_.push_back(t);
        return t;
    }
    if (copy != last_weight_copy_) {
        last_weight_copy_ = copy;
        weight_index_ = 0;
    }
    return copy0_weights_.at(weight_index_++ % copy0_weights_.size());
}

ggml_tensor* Graph::shared(const std::string& name, ggml_type type, Fill fill, int64_t param, int64_t ne0, int64_t ne1,
                           int64_t ne2, int64_t ne3)
{
    if (auto it = shared_.find(name); it != shared_.end())
        return it->second;
    ggml_tensor* t = ggml_new_tensor_4d(ctx_, type, ne0, ne1, ne2, ne3);
    ggml_set_name(t, name.c_str());
    ggml_set_input(t);
    inputs_.push_back({t, fill, param, false, 0, 1000 + static_cast<int>(shared_.size())});
    shared_[name] = t;
    return t;
}

void Graph::output(ggml_tensor* out)
{
    outputs_.push_back(out);
    ggml_build_forward_expand(graph_, out);
}

int Graph::nodes() const
{
    return ggml_graph_n_nodes(graph_);
}

double Graph::weight_bytes() const
{
    double total = 0;
    for (const Input& in : inputs_) {
        if (in.is_weight)
            total += static_cast<double>(ggml_nbytes(in.tensor));
    }
    return total;
}

bool Graph::prepare(std::string& why)
{
    ggml_backend_dev_t dev = ggml_backend_get_device(on_);
    ggml_backend_buffer_type_t weight_buft = ggml_backend_get_default_buffer_type(on_);

    // As llama.cpp places a CPU model's weights: in the first extra buffer type (CPU_REPACK: the weights repacked for
    // the host's SIMD kernels) whose device runs every op that reads them from there, else in host memory.
    if (ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_CPU && !copy0_weights_.empty()) {
        ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(dev);
        auto get_extra = reinterpret_cast<ggml_backend_dev_get_extra_bufts_t>(
            ggml_backend_reg_get_proc_address(reg, "ggml_backend_dev_get_extra_bufts"));
        for (ggml_backend_buffer_type_t* extra = get_extra ? get_extra(dev) : nullptr; extra && *extra; ++extra) {
            ggml_backend_buffer_t probe = ggml_backend_buft_alloc_buffer(*extra, 0);
            if (!probe)
                continue;
            bool all = true, any = false;
            for (int i = 0; i < ggml_graph_n_nodes(graph_); ++i) {
                ggml_tensor* node = ggml_graph_node(graph_, i);
                for (ggml_tensor* src : node->src) {
                    if (!src || std::find(copy0_weights_.begin(), copy0_weights_.end(), src) == copy0_weights_.end())
                        continue;
                    src->buffer = probe;
                    any = true;
                    all = all && ggml_backend_dev_supports_op(dev, node);
                    src->buffer = nullptr;
                }
            }
            ggml_backend_buffer_free(probe);
            if (any && all) {
                weight_buft = *extra;
                break;
            }
        }
    }
    kernel_path_ = ggml_backend_buft_name(weight_buft);

    if (ggml_backend_buffer_t w = ggml_backend_alloc_ctx_tensors_from_buft(weights_ctx_, weight_buft)) {
        buffers_.push_back(w);
        ggml_backend_buffer_set_usage(w, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    } else if (!copy0_weights_.empty()) {
        why = "could not allocate " + std::to_string(weight_bytes() / 1e6) + " MB of weights in " + kernel_path_;
        return false;
    }
    // Every copy writes the same output memory, so a graph of many copies needs one output's worth.
    size_t out_bytes = 0;
    for (ggml_tensor* out : outputs_)
        out_bytes = std::max(out_bytes, ggml_backend_buft_get_alloc_size(ggml_backend_get_default_buffer_type(on_), out));
    ggml_backend_buffer_t out_buffer = ggml_backend_alloc_buffer(on_, out_bytes + 256);
    if (!out_buffer) {
        why = "could not allocate the output";
        return false;
    }
    buffers_.push_back(out_buffer);
    for (ggml_tensor* out : outputs_) {
        if (ggml_backend_tensor_alloc(out_buffer, out, ggml_backend_buffer_get_base(out_buffer)) != GGML_STATUS_SUCCESS) {
            why = "could not place the output";
            return false;
        }
    }
    if (ggml_backend_buffer_t rest = ggml_backend_alloc_ctx_tensors(ctx_, on_))
        buffers_.push_back(rest);
    for (ggml_tensor* t = ggml_get_first_tensor(ctx_); t; t = ggml_get_next_tensor(ctx_, t)) {
        if (!t->data && !t->view_src) {
            why = "could not allocate the activations";
            return false;
        }
    }
    for (int i = 0; i < ggml_graph_n_nodes(graph_); ++i) {
        ggml_tensor* node = ggml_graph_node(graph_, i);
        if (!ggml_backend_supports_op(on_, node)) {
            why = std::string(ggml_backend_name(on_)) + " does not run " + ggml_op_desc(node) + " with these types and shape";
            return false;
        }
    }
    for (const Input& in : inputs_)
        fill(in);
    ggml_backend_synchronize(on_);
    return true;
}

void Graph::fill(const Input& in)
{
    ggml_tensor* t = in.tensor;
    const uint64_t tensor_seed = seed_ * 0x100000001B3ull + static_cast<uint64_t>(in.copy0_index) * 7919 + 1;
    switch (in.fill) {
    case Fill::Uniform:
    case Fill::Ones: {
        const int64_t ne0 = t->ne[0];
        const int64_t rows = rows_of(t);
        const int64_t pool_rows = std::min(rows, kPoolRows);
        const size_t row_bytes = ggml_row_size(t->type, ne0);
        // One quantized pool for all copies of a tensor (quantizing is the slow part: IQ4_XS, the K-quants).
        const auto key = std::make_tuple(static_cast<int>(t->type), ne0, pool_rows, in.fill == Fill::Ones, in.copy0_index);
        std::vector<uint8_t>& packed = pools_[key];
        if (packed.empty()) {
            std::vector<float> pool = in.fill == Fill::Ones ? std::vector<float>(static_cast<size_t>(pool_rows * ne0), 1.0f)
                                                            : uniform(pool_rows * ne0, tensor_seed);
            packed.resize(row_bytes * static_cast<size_t>(pool_rows));
            if (t->type == GGML_TYPE_F32)
                std::memcpy(packed.data(), pool.data(), packed.size());
            else
                ggml_quantize_chunk(t->type, pool.data(), packed.data(), 0, pool_rows, ne0, nullptr);
        }
        // Copies differ in which pool row each of their rows starts from, so no two weights are the same bytes.
        const int64_t shift = in.copy % std::max<int64_t>(1, pool_rows);
        std::vector<uint8_t> bytes(row_bytes * static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r)
            std::memcpy(bytes.data() + static_cast<size_t>(r) * row_bytes,
                        packed.data() + static_cast<size_t>((r + shift) % pool_rows) * row_bytes, row_bytes);
        ggml_backend_tensor_set(t, bytes.data(), 0, bytes.size());
        if (check_)
            host_[t] = to_float(t->type, bytes.data(), rows * ne0);
        break;
    }
    case Fill::Positions:
    case Fill::RowIds:
    case Fill::ExpertIds: {
        std::vector<int32_t> ids(static_cast<size_t>(ggml_nelements(t)));
        for (size_t i = 0; i < ids.size(); ++i) {
            if (in.fill == Fill::Positions)
                ids[i] = static_cast<int32_t>(in.param + static_cast<int64_t>(i));
            else if (in.fill == Fill::RowIds)
                ids[i] = static_cast<int32_t>((static_cast<int64_t>(i) * 7919) % in.param);
            else
                ids[i] = static_cast<int32_t>(static_cast<int64_t>(i) % in.param); // token t, slot u: (t·used + u) mod experts
        }
        ggml_backend_tensor_set(t, ids.data(), 0, ids.size() * sizeof(int32_t));
        if (check_)
            host_[t] = std::vector<float>(ids.begin(), ids.end());
        break;
    }
    case Fill::CausalMask: {
        const int64_t kv = t->ne[0], q = t->ne[1];
        std::vector<float> mask(static_cast<size_t>(ggml_nelements(t)));
        for (int64_t b = 0; b < t->ne[3]; ++b) {
            for (int64_t i = 0; i < q; ++i) {
                const int64_t last = i + (kv - q); // the query's own position among the keys
                for (int64_t j = 0; j < kv; ++j) {
                    const bool seen = j <= last && (in.param <= 0 || j > last - in.param);
                    mask[static_cast<size_t>((b * q + i) * kv + j)] = seen ? 0.0f : -std::numeric_limits<float>::infinity();
                }
            }
        }
        std::vector<ggml_fp16_t> half(mask.size());
        ggml_fp32_to_fp16_row(mask.data(), half.data(), static_cast<int64_t>(mask.size()));
        ggml_backend_tensor_set(t, half.data(), 0, half.size() * sizeof(ggml_fp16_t));
        if (check_)
            host_[t] = std::move(mask);
        break;
    }
    }
}

void Graph::compute()
{
    const ggml_status status = ggml_backend_graph_compute(on_, graph_);
    if (status != GGML_STATUS_SUCCESS)
        throw abi::StatusError(RL_STATUS_FAILED, "ggml_backend_graph_compute returned " + std::to_string(static_cast<int>(status)));
}

std::vector<float> Graph::result() const
{
    const ggml_tensor* out = outputs_.back();
    std::vector<float> values(static_cast<size_t>(ggml_nelements(out)));
    ggml_backend_tensor_get(out, values.data(), 0, values.size() * sizeof(float));
    return values;
}

const std::vector<float>& Graph::host(const ggml_tensor* input) const
{
    return host_.at(input);
}

double relative_error(const std::vector<float>& a, const std::vector<double>& b)
{
    if (a.size() != b.size())
        return std::numeric_limits<double>::infinity();
    double diff = 0, norm = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]))
            return std::numeric_limits<double>::infinity();
        diff += (a[i] - b[i]) * (a[i] - b[i]);
        norm += b[i] * b[i];
    }
    return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

double relative_error(const std::vector<float>& a, const std::vector<float>& b)
{
    return relative_error(a, std::vector<double>(b.begin(), b.end()));
}

} // namespace roofline::ggml_plugin
