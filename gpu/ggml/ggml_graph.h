#pragma once
// One timed ggml graph: `copies` of one op, each on its own weights (cold: distinct tensors whose total is more
// than twice the L2, as a model's layers are; warm: one weight tensor every copy reuses, as test-backend-ops times),
// sharing their activations; every copy writes the same output tensor. Inputs are filled from a seed: weights
// quantized to their ggml type from uniform [-1, 1) rows, activations uniform [-1, 1), positions, ids and masks as
// the op needs them. A graph built to check keeps the inputs' values on the host for a reference.

#include "ggml_device.h"

#include <ggml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace roofline::ggml_plugin {

enum class Fill {
    Uniform,    // uniform [-1, 1), converted or quantized to the tensor's type
    Ones,       // 1.0 (a norm's weight: keeps the check's scale)
    Positions,  // I32 0, 1, 2, … (RoPE: a token's position, offset by `param`)
    RowIds,     // I32 row ids below `param`, spread over the table
    ExpertIds,  // I32 [used, tokens]: each token's `used` distinct experts below `param`, spread evenly
    CausalMask, // F16 [kv, q, 1, batch]: 0 where query i (counted from the end of the keys) sees key j, else -inf;
                // `param` > 0 a sliding window of that many keys
};

class Graph {
public:
    // `check`: keep every input's values on the host (reference()).
    Graph(const Backend& backend, ggml_backend_t on, int copies, bool distinct_weights, uint64_t seed, bool check);
    ~Graph();
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    // A tensor each copy has its own of in a cold graph (weights, a layer's KV cache, an elementwise op's input);
    // copy 0's in a warm one.
    ggml_tensor* weight(int copy, ggml_type type, int64_t ne0, int64_t ne1, int64_t ne2 = 1, int64_t ne3 = 1);
    // A tensor every copy shares (activations, positions, ids, the mask), made on the first call with that name.
    ggml_tensor* shared(const std::string& name, ggml_type type, Fill fill, int64_t param, int64_t ne0, int64_t ne1 = 1,
                        int64_t ne2 = 1, int64_t ne3 = 1);
    // Records copy `copy`'s result; every copy's result lives at the same address.
    void output(ggml_tensor* out);

    // Allocates and fills everything; false with `why` when the backend cannot run one of the graph's nodes.
    bool prepare(std::string& why);
    void compute();                               // one run of the whole graph, finished
    std::vector<float> result() const;            // the last copy's output, F32
    const std::vector<float>& host(const ggml_tensor* input) const; // an input's values (check graphs)

    ggml_context* context() const { return ctx_; }
    int copies() const { return copies_; }
    int nodes() const;
    double weight_bytes() const;                  // all distinct weights [bytes]
    std::string kernel_path() const { return kernel_path_; }
    ggml_tensor* first_output() const { return outputs_.empty() ? nullptr : outputs_.front(); }

private:
    struct Input {
        ggml_tensor* tensor;
        Fill fill;
        int64_t param;
        bool is_weight;
        int copy;
        int copy0_index; // which of a copy's tensors this is (shared inputs: 1000 + their order)
    };
    void fill(const Input& in);

    const Backend& backend_;
    ggml_backend_t on_;
    int copies_;
    bool distinct_;
    uint64_t seed_;
    bool check_;
    ggml_context* weights_ctx_ = nullptr;
    ggml_context* ctx_ = nullptr;
    ggml_cgraph* graph_ = nullptr;
    std::vector<ggml_backend_buffer_t> buffers_;
    std::vector<Input> inputs_;
    std::vector<ggml_tensor*> copy0_weights_;
    std::size_t weight_index_ = 0;
    int last_weight_copy_ = -1;
    std::map<std::string, ggml_tensor*> shared_;
    std::vector<ggml_tensor*> outputs_;
    std::map<const ggml_tensor*, std::vector<float>> host_;
    std::map<std::tuple<int, int64_t, int64_t, bool, int>, std::vector<uint8_t>> pools_;
    std::string kernel_path_;
};

// ‖a − b‖ / ‖b‖ in double; infinity when a holds a NaN or the sizes differ.
double relative_error(const std::vector<float>& a, const std::vector<double>& b);
double relative_error(const std::vector<float>& a, const std::vector<float>& b);

} // namespace roofline::ggml_plugin
