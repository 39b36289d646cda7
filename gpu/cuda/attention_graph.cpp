#include "attention_graph.h"

#include "cuda_check.h"

#include <cmath>
#include <deque>
#include <initializer_list>
#include <limits>
#include <utility>

namespace rl_cuda {
namespace {

// Unique ids of the tensors a variant pack names; virtual tensors count on from kFirstVirtual.
enum Uid : int64_t {
    kQ = 1,
    kK = 2,
    kV = 3,
    kO = 4,
    kStats = 5,
    kScale = 6,
    kMaskedValue = 7,
    kKvLen = 8,
    kQueryLen = 9,
    kWindowShift = 10,
    kWindowMaskedValue = 11,
    kFirstVirtual = 100,
};

using Dims = std::vector<int64_t>;

Dims packed_strides(const Dims& dims)
{
    Dims strides(dims.size(), 1);
    for (size_t i = dims.size() - 1; i > 0; --i)
        strides[i - 1] = strides[i] * dims[i];
    return strides;
}

std::string version_text(int version)
{
    return std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100);
}

// Builds the graph's descriptors in order; each op's output tensor is made here too.
class GraphBuilder {
public:
    GraphBuilder(std::deque<BackendDescriptor>& tensors, std::deque<BackendDescriptor>& ops)
        : tensors_(tensors), ops_(ops)
    {
    }

    const BackendDescriptor& tensor(int64_t uid, cudnnDataType_t type, const Dims& dims, const Dims& strides,
                                    bool is_virtual, bool by_value = false)
    {
        BackendDescriptor t(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
        t.set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, type);
        t.set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, static_cast<int64_t>(dims.size()), dims.data());
        t.set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, static_cast<int64_t>(strides.size()), strides.data());
        t.set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, uid);
        const int64_t alignment = 16;
        t.set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, alignment);
        const bool virtual_flag = is_virtual;
        t.set(CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, virtual_flag);
        if (by_value) {
            const bool value_flag = true;
            t.set(CUDNN_ATTR_TENSOR_IS_BY_VALUE, CUDNN_TYPE_BOOLEAN, value_flag);
        }
        t.finalize();
        tensors_.push_back(std::move(t));
        return tensors_.back();
    }
    const BackendDescriptor& scalar(int64_t uid, cudnnDataType_t type)
    {
        return tensor(uid, type, {1, 1, 1, 1}, {1, 1, 1, 1}, false, true);
    }
    const BackendDescriptor& intermediate(cudnnDataType_t type, const Dims& dims)
    {
        return tensor(next_virtual_++, type, dims, packed_strides(dims), true);
    }

    // y = op(x[, b[, t]]) with math in `math`.
    void pointwise(cudnnPointwiseMode_t mode, cudnnDataType_t math, const BackendDescriptor& x,
                   const BackendDescriptor* b, const BackendDescriptor* t, const BackendDescriptor& y,
                   int64_t axis = -1)
    {
        BackendDescriptor pw(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
        pw.set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, mode);
        pw.set(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, math);
        if (axis >= 0)
            pw.set(CUDNN_ATTR_POINTWISE_AXIS, CUDNN_TYPE_INT64, axis);
        operation(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR,
                  std::move(pw),
                  {{CUDNN_ATTR_OPERATION_POINTWISE_XDESC, &x},
                   {CUDNN_ATTR_OPERATION_POINTWISE_BDESC, b},
                   {CUDNN_ATTR_OPERATION_POINTWISE_TDESC, t},
                   {CUDNN_ATTR_OPERATION_POINTWISE_YDESC, &y}});
    }

    // The row (axis 2) and column (axis 3) index of every score, as `type`.
    std::pair<const BackendDescriptor*, const BackendDescriptor*> indices(const BackendDescriptor& scores,
                                                                          cudnnDataType_t type, const Dims& dims)
    {
        const BackendDescriptor& row = intermediate(type, dims);
        pointwise(CUDNN_POINTWISE_GEN_INDEX, CUDNN_DATA_FLOAT, scores, nullptr, nullptr, row, 2);
        const BackendDescriptor& col = intermediate(type, dims);
        pointwise(CUDNN_POINTWISE_GEN_INDEX, CUDNN_DATA_FLOAT, scores, nullptr, nullptr, col, 3);
        return {&row, &col};
    }

    // y = the max or sum of x over the axes where y has extent 1, in FP32.
    void reduction(cudnnReduceTensorOp_t mode, const BackendDescriptor& x, const BackendDescriptor& y)
    {
        BackendDescriptor r(CUDNN_BACKEND_REDUCTION_DESCRIPTOR);
        r.set(CUDNN_ATTR_REDUCTION_OPERATOR, CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, mode);
        r.set(CUDNN_ATTR_REDUCTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, kMath);
        operation(CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR, CUDNN_ATTR_OPERATION_REDUCTION_DESC, std::move(r),
                  {{CUDNN_ATTR_OPERATION_REDUCTION_XDESC, &x}, {CUDNN_ATTR_OPERATION_REDUCTION_YDESC, &y}});
    }

    // c = a·b over the last two axes, batched over the others, FP32 accumulation.
    void matmul(const BackendDescriptor& a, const BackendDescriptor& b, const BackendDescriptor& c)
    {
        BackendDescriptor mm(CUDNN_BACKEND_MATMUL_DESCRIPTOR);
        mm.set(CUDNN_ATTR_MATMUL_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, kMath);
        operation(CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR, CUDNN_ATTR_OPERATION_MATMUL_DESC, std::move(mm),
                  {{CUDNN_ATTR_OPERATION_MATMUL_ADESC, &a},
                   {CUDNN_ATTR_OPERATION_MATMUL_BDESC, &b},
                   {CUDNN_ATTR_OPERATION_MATMUL_CDESC, &c}});
    }

private:
    static constexpr cudnnDataType_t kMath = CUDNN_DATA_FLOAT;

    // An operation of `type` on `operands` (null ones left out) with its `config` (pointwise, reduction or matmul
    // descriptor), which lives as long as the graph, kept with the tensors.
    void operation(cudnnBackendDescriptorType_t type, cudnnBackendAttributeName_t config_name, BackendDescriptor config,
                   std::initializer_list<std::pair<cudnnBackendAttributeName_t, const BackendDescriptor*>> operands)
    {
        config.finalize();
        BackendDescriptor op(type);
        op.set(config_name, config);
        for (const auto& [name, tensor] : operands)
            if (tensor)
                op.set(name, *tensor);
        op.finalize();
        tensors_.push_back(std::move(config));
        ops_.push_back(std::move(op));
    }

    std::deque<BackendDescriptor>& tensors_;
    std::deque<BackendDescriptor>& ops_;
    int64_t next_virtual_ = kFirstVirtual;
};

} // namespace

float AttentionShape::scale() const
{
    return 1.0f / std::sqrt(static_cast<float>(head_dim));
}

std::optional<std::string> attention_unsupported(const AttentionShape& shape, int cudnn_version, int cc_major,
                                                 int cc_minor)
{
    const std::string prefix = "unsupported by cuDNN " + version_text(cudnn_version) + ": ";
    const int cc = cc_major * 10 + cc_minor;
    if (cc < 80)
        return prefix + "fused attention needs sm_80 or newer; this is sm_" + std::to_string(cc);
    if (shape.io_type != CUDNN_DATA_BFLOAT16 && shape.io_type != CUDNN_DATA_HALF)
        return prefix + "this plugin runs fused attention in BF16 and FP16 only";
    if (cudnn_version < 90000)
        return prefix + "this plugin needs cuDNN 9";
    if (cudnn_version == 91000 || cudnn_version == 91001)
        return prefix + "FP16/BF16 fused attention forward has known bugs in 9.10.0 and 9.10.1 (fixed in 9.10.2)";
    if (shape.head_dim % 8 != 0)
        return prefix + "head_dim must be a multiple of 8 (got " + std::to_string(shape.head_dim) + ")";
    const int64_t max_dim = cc_major == 9 ? 256 : (cc_major >= 10 && cudnn_version >= 90900) ? 256
                            : cc_major == 8 && cudnn_version > 90900                            ? 256
                                                                                                 : 128;
    if (shape.head_dim > max_dim)
        return prefix + "head_dim " + std::to_string(shape.head_dim) + " is above " + std::to_string(max_dim)
               + " on sm_" + std::to_string(cc);
    const bool bottom_right = shape.masked() && shape.query_len != shape.kv_len;
    if (bottom_right && cudnn_version < 90600 && (shape.query_len % 64 != 0 || shape.kv_len % 64 != 0))
        return prefix + "a causal mask aligned to the last key needs query_len and kv_len multiples of 64 before 9.6";
    if (shape.query_len == 1 && shape.masked() && cudnn_version <= 90900)
        return prefix + "decode (query_len 1) with a mask or a sliding window needs cuDNN 9.10 or newer";
    if (shape.window > 0) {
        if (shape.query_len > shape.kv_len)
            return prefix + "a sliding window needs query_len <= kv_len";
        if (!shape.masked() && cudnn_version < 91002)
            return prefix + "a sliding window without a causal mask needs cuDNN 9.10.2";
        if (!shape.masked() && cudnn_version == 91400 && shape.kv_len > 1024)
            return prefix + "a sliding window without a causal mask over more than 1024 keys has a known bug in "
                            "9.14.0 (fixed in 9.14.1)";
        if (bottom_right && cudnn_version < 90600)
            return prefix + "a sliding window with a causal mask aligned to the last key needs query_len == kv_len "
                            "before 9.6";
    }
    if (shape.query_len == 1 && cc_major == 10 && shape.head_dim > 128 && cudnn_version <= 90900)
        return prefix + "decode (query_len 1) with head_dim above 128 on Blackwell needs cuDNN 9.10 or newer";
    return std::nullopt;
}

AttentionGraph::AttentionGraph(cudnnHandle_t handle, const AttentionShape& shape) : shape_(shape)
{
    const int64_t b = shape.batch, h = shape.heads, hk = shape.kv_heads;
    const int64_t sq = shape.query_len, skv = shape.kv_len, d = shape.head_dim;
    const cudnnDataType_t io = shape.io_type;
    constexpr cudnnDataType_t kF32 = CUDNN_DATA_FLOAT;
    constexpr cudnnDataType_t kI32 = CUDNN_DATA_INT32;
    constexpr cudnnDataType_t kBool = CUDNN_DATA_BOOLEAN;
    scale_ = shape.scale();
    masked_value_ = std::numeric_limits<float>::lowest();
    window_shift_ = static_cast<float>(shape.window - skv + sq);
    window_masked_value_ = -1024.0f * 1024.0f * 1024.0f;
    kv_len_ = static_cast<int32_t>(skv);
    query_len_ = static_cast<int32_t>(sq);

    GraphBuilder g(tensors_, ops_);
    const Dims score_dims{b, h, sq, skv};
    const Dims row_dims{b, h, sq, 1};

    const BackendDescriptor& q = g.tensor(kQ, io, {b, h, sq, d}, packed_strides({b, h, sq, d}), false);
    // Kᵀ: K [b, hk, skv, d] seen as [b, hk, d, skv] by swapping the last two strides.
    const Dims k_strides = packed_strides({b, hk, skv, d});
    const BackendDescriptor& kt = g.tensor(kK, io, {b, hk, d, skv}, {k_strides[0], k_strides[1], 1, d}, false);
    const BackendDescriptor& v = g.tensor(kV, io, {b, hk, skv, d}, packed_strides({b, hk, skv, d}), false);
    const BackendDescriptor& o = g.tensor(kO, io, {b, h, sq, d}, packed_strides({b, h, sq, d}), false);
    const BackendDescriptor& scale = g.scalar(kScale, kF32);

    const BackendDescriptor& s = g.intermediate(kF32, score_dims);
    g.matmul(q, kt, s);
    const BackendDescriptor* scores = &g.intermediate(kF32, score_dims);
    g.pointwise(CUDNN_POINTWISE_MUL, kF32, s, &scale, nullptr, *scores);

    if (shape.masked()) {
        auto [row, col_index] = g.indices(*scores, kI32, score_dims);
        const BackendDescriptor& col = *col_index;
        if (sq != skv) { // the diagonal ends at the last key: row + skv - sq >= col
            const BackendDescriptor& kv_len = g.scalar(kKvLen, kI32);
            const BackendDescriptor& shifted = g.intermediate(kI32, score_dims);
            g.pointwise(CUDNN_POINTWISE_ADD, kI32, *row, &kv_len, nullptr, shifted);
            const BackendDescriptor& query_len = g.scalar(kQueryLen, kI32);
            const BackendDescriptor& aligned = g.intermediate(kI32, score_dims);
            g.pointwise(CUDNN_POINTWISE_SUB, kI32, shifted, &query_len, nullptr, aligned);
            row = &aligned;
        }
        const BackendDescriptor& keep = g.intermediate(kBool, score_dims);
        g.pointwise(CUDNN_POINTWISE_CMP_GE, kBool, *row, &col, nullptr, keep);
        const BackendDescriptor& masked_value = g.scalar(kMaskedValue, kF32);
        const BackendDescriptor& masked = g.intermediate(kF32, score_dims);
        g.pointwise(CUDNN_POINTWISE_BINARY_SELECT, kF32, *scores, &masked_value, &keep, masked);
        scores = &masked;
    }
    if (shape.window > 0) { // keep col + window - kv_len + query_len > row, as cudnn-frontend's left bound
        const auto [row, col] = g.indices(*scores, kF32, score_dims);
        const BackendDescriptor& shift = g.scalar(kWindowShift, kF32);
        const BackendDescriptor& shifted = g.intermediate(kF32, score_dims);
        g.pointwise(CUDNN_POINTWISE_ADD, kF32, *col, &shift, nullptr, shifted, 3);
        const BackendDescriptor& keep = g.intermediate(kBool, score_dims);
        g.pointwise(CUDNN_POINTWISE_CMP_GT, kBool, shifted, row, nullptr, keep);
        const BackendDescriptor& masked_value = g.scalar(kWindowMaskedValue, kF32);
        const BackendDescriptor& masked = g.intermediate(kF32, score_dims);
        g.pointwise(CUDNN_POINTWISE_BINARY_SELECT, kF32, *scores, &masked_value, &keep, masked);
        scores = &masked;
    }

    // Softmax along the keys, with its stats (max + log sum).
    const BackendDescriptor& row_max = g.intermediate(kF32, row_dims);
    g.reduction(CUDNN_REDUCE_TENSOR_MAX, *scores, row_max);
    const BackendDescriptor& centred = g.intermediate(kF32, score_dims);
    g.pointwise(CUDNN_POINTWISE_SUB, kF32, *scores, &row_max, nullptr, centred);
    const BackendDescriptor& exps = g.intermediate(kF32, score_dims);
    g.pointwise(CUDNN_POINTWISE_EXP, kF32, centred, nullptr, nullptr, exps);
    const BackendDescriptor& sum = g.intermediate(kF32, row_dims);
    g.reduction(CUDNN_REDUCE_TENSOR_ADD, exps, sum);
    const BackendDescriptor& log_sum = g.intermediate(kF32, row_dims);
    g.pointwise(CUDNN_POINTWISE_LOG, kF32, sum, nullptr, nullptr, log_sum);
    const BackendDescriptor& stats = shape.stats_output
                                         ? g.tensor(kStats, kF32, row_dims, packed_strides(row_dims), false)
                                         : g.intermediate(kF32, row_dims);
    g.pointwise(CUDNN_POINTWISE_ADD, kF32, row_max, &log_sum, nullptr, stats);
    // P in the I/O type: the second matmul's A type must be the I/O type.
    const BackendDescriptor& p = g.intermediate(io, score_dims);
    g.pointwise(CUDNN_POINTWISE_DIV, kF32, exps, &sum, nullptr, p);

    g.matmul(p, v, o);

    std::vector<cudnnBackendDescriptor_t> raw;
    for (const BackendDescriptor& op : ops_)
        raw.push_back(op.get());
    graph_ = BackendDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    graph_.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, static_cast<int64_t>(raw.size()),
               raw.data());
    graph_.set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, handle);
    const cudnnStatus_t status = graph_.try_finalize();
    if (status != CUDNN_STATUS_SUCCESS) {
        const rl_status rl = cudnn_not_supported(status) ? RL_STATUS_UNSUPPORTED : RL_STATUS_FAILED;
        throw Error(rl, "unsupported by cuDNN " + CudnnLibrary::get().version_text()
                            + ": the attention operation graph does not finalize (" + cudnn_status_text(status) + ")");
    }
}

BackendDescriptor AttentionGraph::pack(const void* q, const void* k, const void* v, void* o, void* stats,
                                       void* workspace)
{
    std::vector<int64_t> uids{kQ, kK, kV, kO, kScale};
    std::vector<void*> pointers{const_cast<void*>(q), const_cast<void*>(k), const_cast<void*>(v), o, &scale_};
    if (shape_.stats_output) {
        uids.push_back(kStats);
        pointers.push_back(stats);
    }
    if (shape_.masked()) {
        uids.push_back(kMaskedValue);
        pointers.push_back(&masked_value_);
        if (shape_.query_len != shape_.kv_len) {
            uids.push_back(kKvLen);
            pointers.push_back(&kv_len_);
            uids.push_back(kQueryLen);
            pointers.push_back(&query_len_);
        }
    }
    if (shape_.window > 0) {
        uids.push_back(kWindowShift);
        pointers.push_back(&window_shift_);
        uids.push_back(kWindowMaskedValue);
        pointers.push_back(&window_masked_value_);
    }
    return variant_pack(uids, pointers, workspace);
}

} // namespace rl_cuda
