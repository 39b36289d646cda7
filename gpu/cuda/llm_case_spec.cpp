// The fields of the ABI 3 kinds, attention and FFN, checked as case_spec.cpp checks a GEMM's: what is wrong is
// INVALID_ARGUMENT naming the field; what is valid but cannot run here is left to the case (UNSUPPORTED).

#include "case_spec.h"

#include "cuda_check.h"

#include <cstddef>
#include <initializer_list>

namespace rl_cuda {
namespace {

// Far beyond any model, and small enough that every byte count below stays in 64 bits.
constexpr int64_t kMaxAttentionDimension = int64_t{1} << 24;
constexpr int64_t kMaxFfnDimension = int64_t{1} << 32;

[[noreturn]] void invalid(const std::string& message)
{
    throw Error(RL_STATUS_INVALID_ARGUMENT, message);
}

void read_precision(const rl_case& in, CaseSpec& s)
{
    if (in.precision < RL_PRECISION_FP64 || in.precision > RL_PRECISION_INT4)
        invalid("unknown precision " + std::to_string(in.precision));
    s.precision = static_cast<rl_precision>(in.precision);
}

// `value`, where it lies in [low, high]; else INVALID_ARGUMENT naming the field.
int64_t in_range(const char* field, int64_t value, int64_t low, int64_t high)
{
    if (value < low || value > high)
        invalid(std::string(field) + " = " + std::to_string(value) + " is out of range [" + std::to_string(low) + ", "
                + std::to_string(high) + "]");
    return value;
}

// The product of `dims` (positive) times 8 bytes must fit in 64 bits.
void require_countable(std::initializer_list<int64_t> dims, const char* what)
{
    uint64_t bytes = 8;
    for (const int64_t d : dims)
        bytes = checked_mul(bytes, static_cast<uint64_t>(d), what);
}

} // namespace

void read_attention_fields(const rl_case& in, uint32_t host_case_size, CaseSpec& s)
{
    constexpr std::size_t kAttentionFieldsEnd = offsetof(rl_case, gated) + sizeof(in.gated);
    if (host_case_size < kAttentionFieldsEnd)
        invalid("attention needs the ABI 3 fields of rl_case (batch, heads, kv_heads, query_len, kv_len, head_dim, "
                "window, causal); this host's rl_case ends at byte "
                + std::to_string(host_case_size) + " (an older host)");
    read_precision(in, s);
    s.batch = in_range("batch", in.batch, 1, kMaxAttentionDimension);
    s.heads = in_range("heads", in.heads, 1, kMaxAttentionDimension);
    s.kv_heads = in_range("kv_heads", in.kv_heads, 1, s.heads);
    s.query_len = in_range("query_len", in.query_len, 1, kMaxAttentionDimension);
    s.kv_len = in_range("kv_len", in.kv_len, 1, kMaxAttentionDimension);
    s.head_dim = in_range("head_dim", in.head_dim, 1, 4096);
    s.window = in_range("window", in.window, 0, kMaxAttentionDimension);
    s.causal = in.causal != 0;
    if (s.heads % s.kv_heads != 0)
        invalid("heads = " + std::to_string(s.heads) + " is not a multiple of kv_heads = " + std::to_string(s.kv_heads)
                + " (grouped-query attention shares each KV head among a whole number of query heads)");
    if (s.causal && s.query_len > s.kv_len)
        invalid("causal attention with query_len " + std::to_string(s.query_len) + " > kv_len "
                + std::to_string(s.kv_len) + ": the queries are the last query_len of the keys' positions");
    // Q, K, V, O at up to 8 bytes an element must be countable.
    require_countable({s.batch, s.heads, s.query_len, s.head_dim}, "Q");
    require_countable({s.batch, s.kv_heads, s.kv_len, s.head_dim}, "K");
}

void read_ffn_fields(const rl_case& in, CaseSpec& s)
{
    read_precision(in, s);
    s.m = in_range("m (tokens)", in.m, 1, kMaxFfnDimension);
    s.n = in_range("n (intermediate)", in.n, 1, kMaxFfnDimension);
    s.k = in_range("k (hidden)", in.k, 1, kMaxFfnDimension);
    s.gated = in.gated != 0;
    require_countable({s.n, s.gated ? 2 : 1, s.k}, "gate+up weights");
    require_countable({s.n, s.gated ? 2 : 1, s.m}, "gate+up output");
    require_countable({s.k, s.m}, "FFN output");
}

} // namespace rl_cuda
